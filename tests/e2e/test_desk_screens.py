"""Browser: the step panels, result messages, the badge, due times, the receive form and the
public pages (issue 15, items 1-7, 12, 13, 16). Screenshots at 1366x768."""
import re

from naskah.core import settings
from naskah.extensions import db
from naskah.models import Document, User
from naskah.paper import office as officesettings
from naskah.workflow import engine as workflow
from tests import crypto_helpers as ch
from tests.desk.test_letterhead import SVG
from tests.e2e.conftest import assert_accessible, screenshot, sign_in
from tests.factories import PASSWORD, Factories


def test_decrypt_panel_reveals_the_text_beside_the_fields(live_server, page_factory):
    app = live_server.app
    make = Factories(app)
    sandiman = make.user("sandiman", username="budi", full_name="Budi Santoso")
    kasi = make.user("kasi", username="agus", full_name="Agus Wibowo")
    cert = ch.office_identity(app, name="kantor-2026")
    doc_id = make.document(step=3, sandiman=sandiman, kasi=kasi, cryptogram=ch.sealed(cert),
                           sender_agency="Badan Siber dan Sandi Negara")
    with app.app_context():
        workflow.apply(db.session.get(Document, doc_id), "assign", db.session.get(User, kasi.id),
                       {"assignee_id": sandiman.id, "note": "Segera, untuk rapat koordinasi pukul 10.00."})
        db.session.commit()
    page = page_factory()
    sign_in(page, live_server.url, "budi", PASSWORD)
    # The badge opens the board on my own waiting work.
    page.locator("#waiting-badge").click()
    page.wait_for_url(re.compile(r"/papan\?menunggu=1"))
    assert page.locator("#waiting-badge .waiting-count").inner_text() == "1"
    card = page.locator(f"#card-{doc_id}")
    assert "lanjut" in card.locator(".sla").inner_text() or "sisa" in card.locator(".sla").inner_text()
    assert card.locator(".sla").get_attribute("title").startswith("Batas 1 hari kerja:")
    card.get_by_role("link", name="Dekripsi & ketik salinan").click()
    panel = page.locator(f"#card-{doc_id}.editing")
    panel.locator(".disposition", has_text="Segera, untuk rapat koordinasi pukul 10.00.").wait_for()
    panel.get_by_role("button", name="Buka dengan kunci kantor").click()
    panel.locator("pre.plaintext", has_text="Rapat koordinasi pengamanan informasi").wait_for()
    page.wait_for_function("() => document.activeElement.classList.contains('panel-text')")  # focus on the text
    # The text stands beside the copy-letter fields.
    text_box = panel.locator(".panel-text").bounding_box()
    field_box = panel.get_by_label("Perihal").bounding_box()
    assert text_box["x"] + text_box["width"] <= field_box["x"] + 1
    panel.get_by_label("Kepada (alamat tujuan)").fill("Wali Kota Pekalongan")
    panel.get_by_label("Perihal").fill("Rapat koordinasi")
    screenshot(page, "desk-panel-step5-decrypt")
    assert_accessible(page, "panel dekripsi", context=".card.editing")
    panel.get_by_role("button", name="Dekripsi & ketik salinan").click()
    page.locator(f"#col-5 #card-{doc_id}").wait_for(timeout=15_000)
    page.locator("#flash .flash-success", has_text="Didekripsi, salinan dan pengantar diketik").wait_for()
    # The badge refreshed with the board: the card still waits for me (paraf), so 1.
    assert page.locator("#waiting-badge .waiting-count").inner_text() == "1"
    screenshot(page, "desk-board-after-decrypt")


def test_return_says_returned_and_the_badge_follows(live_server, page_factory):
    make = Factories(live_server.app)
    sandiman = make.user("sandiman", username="siti", full_name="Siti Rahmawati")
    make.user("kasi", username="agus", full_name="Agus Wibowo")
    doc_id = make.document(step=6, sandiman=sandiman, sender_agency="Badan Kesatuan Bangsa dan Politik")
    page = page_factory()
    sign_in(page, live_server.url, "agus", PASSWORD)
    page.goto(f"{live_server.url}/papan")
    badge = page.locator("#waiting-badge .waiting-count")
    before = int(badge.inner_text())
    page.locator(f"#card-{doc_id}").get_by_role("link", name="Kembalikan untuk perbaikan").click()
    panel = page.locator(f"#card-{doc_id}.editing")
    panel.locator(".drafts a", has_text="tampilan cetak").first.wait_for()
    screenshot(page, "desk-panel-step6-return")
    panel.locator("[name=reason]").fill("Perihal kurang lengkap.")
    panel.get_by_role("button", name="Kembalikan untuk perbaikan").click()
    page.locator("#flash .flash-success", has_text="Dikembalikan untuk perbaikan: Badan Kesatuan Bangsa").wait_for()
    assert "Didekripsi" not in page.locator("#flash").inner_text()
    page.wait_for_function(f"() => document.querySelector('#waiting-badge .waiting-count').textContent == '{before - 1}'")


def test_receive_form_reports_every_problem_and_keeps_what_was_typed(live_server, page_factory):
    make = Factories(live_server.app)
    make.user("sandiman", username="budi")
    page = page_factory()
    sign_in(page, live_server.url, "budi", PASSWORD)
    page.goto(f"{live_server.url}/dokumen/baru")
    assert page.locator("#classification").input_value() == "" and page.locator("#urgency").input_value() == ""
    page.fill("#sender_agency", "Badan Kesatuan Bangsa dan Politik")
    page.fill("#notes", "Diantar kurir pukul 08.10")
    page.get_by_role("button", name="Simpan penerimaan").click()
    page.wait_for_load_state("networkidle")
    errors = page.locator(".field-error").all_inner_texts()
    assert "Unggah berkas kriptogram atau tempelkan teksnya." in errors and len(errors) == 4
    assert page.locator("#sender_agency").input_value() == "Badan Kesatuan Bangsa dan Politik"
    assert page.locator("#notes").input_value() == "Diantar kurir pukul 08.10"
    screenshot(page, "desk-receive-errors")
    assert_accessible(page, "terima kriptogram dengan galat")


def test_public_pages_with_logo_slip_and_errors_in_place(live_server, page_factory):
    app = live_server.app
    with app.app_context():
        settings.set_value("office_logo", officesettings.check_image(SVG, "office_logo"))
        db.session.commit()
    page = page_factory()
    page.goto(f"{live_server.url}/pengaduan")
    assert page.locator(".gov-id img").get_attribute("alt") == "Logo Pemerintah Kota Pekalongan"
    screenshot(page, "desk-public-complaint-form")
    page.fill("#text", "Salinan surat belum sampai.")
    page.get_by_role("button", name=re.compile("Kirim")).click()
    page.wait_for_url(re.compile(r"/pengaduan/terkirim$"))
    assert page.get_by_role("button", name="Cetak bukti").is_visible()
    assert page.get_by_role("link", name="Unduh bukti pengaduan (PDF)").is_visible()
    screenshot(page, "desk-public-sent")
    assert_accessible(page, "pengaduan terkirim")
    page.goto(f"{live_server.url}/survei")
    assert "kode akses" in page.locator("main").inner_text()
    screenshot(page, "desk-public-survey-start")
    page.goto(f"{live_server.url}/verifikasi/?kode=AB/CD")
    page.locator("#kode-err").wait_for()
    assert page.locator("h1").inner_text() == "Verifikasi dokumen"
    screenshot(page, "desk-public-verify-invalid")
    assert_accessible(page, "verifikasi kode salah")
