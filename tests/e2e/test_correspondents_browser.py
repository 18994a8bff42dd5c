"""Browser: the admin builds the correspondent directory and merges a duplicate; the sandiman's
receive form suggests the directory's names and the card is linked to the entry."""
from naskah.correspondents import directory
from naskah.extensions import db
from naskah.models import Document
from tests.e2e.conftest import screenshot, sign_in
from tests.factories import PASSWORD, Factories


def test_directory_merge_and_receive_form(live_server, page_factory):
    app, base = live_server.app, live_server.url
    make = Factories(app)
    make.user("admin", username="admin1", full_name="Admin Kantor")
    make.user("sandiman", username="budi", full_name="Budi Santoso")
    with app.app_context():
        directory.create({"name": "Badan Kesatuan Bangsa dan Politik", "emails": "kesbang@jatengprov.go.id"})
        db.session.commit()

    admin = page_factory()
    sign_in(admin, base, "admin1", PASSWORD)
    admin.goto(f"{base}/admin/koresponden/baru")
    admin.get_by_label("Nama instansi").fill("Badan Kesatuan Bangsa dan Politik Provinsi Jawa Tengah")
    admin.get_by_label("Singkatan").fill("Kesbangpol Jateng")
    admin.get_by_label("Alamat", exact=True).fill("Jl. Pahlawan No. 1, Semarang")
    admin.get_by_role("button", name="Simpan").click()
    admin.locator("#flash .flash-success").wait_for()
    admin.goto(f"{base}/admin/koresponden/")
    screenshot(admin, "correspondents-list")
    admin.get_by_role("link", name="Badan Kesatuan Bangsa dan Politik", exact=True).click()
    admin.get_by_label("Gabungkan ke").select_option(label="Badan Kesatuan Bangsa dan Politik Provinsi Jawa Tengah "
                                                         "(Kesbangpol Jateng)")
    admin.get_by_role("button", name="Gabungkan").click()
    admin.locator("#flash .flash-success").wait_for()
    assert "kesbang@jatengprov.go.id" in admin.content() and "Nama lain" in admin.content()
    screenshot(admin, "correspondents-merged")
    assert admin.js_errors == []

    s_page = page_factory()
    sign_in(s_page, base, "budi", PASSWORD)
    s_page.goto(f"{base}/dokumen/baru")
    options = s_page.locator("#agency-list option").evaluate_all("els => els.map(e => e.value)")
    assert options == ["Badan Kesatuan Bangsa dan Politik Provinsi Jawa Tengah"]
    assert s_page.locator("#sender_agency").get_attribute("list") == "agency-list"
    s_page.fill("#sender_agency", "kesbangpol jateng")
    s_page.fill("#sender_ref_number", "B/12/2026")
    s_page.select_option("#classification", "R")  # the form preselects neither (issue 15)
    s_page.select_option("#urgency", "segera")
    s_page.fill("#cryptogram_text", "-----BEGIN CMS-----\nMIIB...\n-----END CMS-----")
    s_page.get_by_role("button", name="Simpan penerimaan").click()
    s_page.wait_for_url(f"{base}/papan")
    with app.app_context():
        doc = db.session.scalar(db.select(Document))
        assert doc.correspondent.name == "Badan Kesatuan Bangsa dan Politik Provinsi Jawa Tengah"
        assert doc.sender_agency == "kesbangpol jateng"
