"""The kasi signs the cover letter on the board with the certificate passphrase (step 7)."""
from naskah.extensions import db
from naskah.models import Document
from tests import paperkit as kit
from tests.e2e.conftest import screenshot, sign_in
from tests.factories import PASSWORD, Factories


def test_kasi_signs_on_the_board(live_server, page_factory):
    app = live_server.app
    make = Factories(app)
    sandiman, kasi = kit.people(make)
    kit.give_certificate(app, kasi)
    doc_id = make.document(step=6, sandiman=sandiman, kasi=kasi, sender_agency="Badan Siber dan Sandi Negara")

    page = page_factory()
    sign_in(page, live_server.url, kasi.username, PASSWORD)
    page.goto(f"{live_server.url}/papan")
    card = page.locator(f"#col-6 #card-{doc_id}")
    card.wait_for()
    assert card.locator("a.card-print").get_attribute("href") == f"/cetak/{doc_id}/pengantar.pdf"
    card.get_by_role("link", name="Tandatangani").click()
    panel = page.locator(f"#card-{doc_id}.editing")
    panel.wait_for()
    assert panel.locator("input[name=passphrase][type=password]").count() == 1

    panel.locator("input[name=passphrase]").fill("frasa yang salah")
    panel.get_by_role("button", name="Tandatangani").click()
    error = page.locator("#passphrase-err")
    error.wait_for()
    assert "Frasa sandi salah" in error.inner_text()
    assert page.locator(f"#col-6 #card-{doc_id}").count() == 1
    assert page.locator("input[name=passphrase]").input_value() == ""  # never echoed back
    screenshot(page, "sign-wrong-passphrase")

    page.locator("input[name=passphrase]").fill(kit.PASSPHRASE)
    page.locator(f"#card-{doc_id}.editing").get_by_role("button", name="Tandatangani").click()
    page.locator(f"#col-7 #card-{doc_id}").wait_for()
    assert page.locator(f"#col-6 #card-{doc_id}").count() == 0
    screenshot(page, "sign-moved-to-step-7")
    assert not page.js_errors

    with app.app_context():
        doc = db.session.get(Document, doc_id)
        assert doc.step == 7 and doc.signature_kind == "elektronik" and doc.signed_sha256
