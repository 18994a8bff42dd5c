"""Browser: the assigned sandiman decrypts an uploaded CMS cryptogram at step 5 by clicking."""
from naskah.extensions import db
from naskah.models import Document, User
from naskah.workflow import documents
from tests import crypto_helpers as ch
from tests.e2e.conftest import screenshot, sign_in
from tests.factories import PASSWORD, Factories


def test_assigned_sandiman_decrypts_on_the_board(live_server, page_factory):
    app = live_server.app
    make = Factories(app)
    sandiman = make.user("sandiman", username="budi", full_name="Budi Santoso")
    kasi = make.user("kasi", username="agus", full_name="Agus Wibowo")
    cert = ch.office_identity(app, name="kantor-2026")
    doc_id = make.document(step=4, sandiman=sandiman, kasi=kasi, cryptogram=ch.sealed(cert, output="smime"),
                           sender_agency="Badan Siber dan Sandi Negara")

    page = page_factory()
    sign_in(page, live_server.url, "budi", PASSWORD)
    page.goto(f"{live_server.url}/papan")
    card = page.locator(f"#card-{doc_id}")
    assert card.locator("xpath=ancestor::section[contains(@class,'column')]").get_attribute("id") == "col-4"
    card.get_by_role("link", name="Dekripsi & ketik salinan").click()
    panel = page.locator(f"#card-{doc_id}.editing")
    panel.get_by_label("Dekripsi dengan kunci kantor").check()
    panel.get_by_label("Kepada (alamat tujuan)").fill("Wali Kota Pekalongan")
    panel.get_by_label("Perihal").fill("Rapat koordinasi")
    screenshot(page, "decrypt-form")
    panel.get_by_role("button", name="Dekripsi & ketik salinan").click()

    moved = page.locator(f"#col-5 #card-{doc_id}")
    moved.wait_for()
    assert page.locator(f"#col-4 #card-{doc_id}").count() == 0
    assert "Didekripsi" in page.locator("#flash").inner_text()
    screenshot(page, "decrypt-done-board")
    assert page.js_errors == []

    with app.app_context():
        doc = db.session.get(Document, doc_id)
        assert doc.step == 5 and doc.decryption.method == "office" and doc.decryption.key_name == "kantor-2026"
        content = documents.read_content(doc, db.session.get(User, kasi.id))
        db.session.rollback()
        assert content["plaintext"] == ch.TEXT and content["subject"] == "Rapat koordinasi"

    page.goto(f"{live_server.url}/dokumen/{doc_id}")
    page.get_by_role("button", name="Tampilkan isi").click()
    assert "Dekripsi dengan kunci kantor" in page.content()
    assert "Rapat koordinasi pengamanan informasi" in page.locator("pre.plaintext").inner_text()
    screenshot(page, "decrypt-document-page")


def test_failure_shows_one_message_and_keeps_the_card(live_server, page_factory):
    app = live_server.app
    make = Factories(app)
    sandiman = make.user("sandiman", username="siti", full_name="Siti Rahmawati")
    ch.office_identity(app, name="kantor-2026")
    doc_id = make.document(step=4, sandiman=sandiman, cryptogram=ch.sealed(ch.outsider()[1]))
    page = page_factory()
    sign_in(page, live_server.url, "siti", PASSWORD)
    page.goto(f"{live_server.url}/papan")
    page.locator(f"#card-{doc_id}").get_by_role("link", name="Dekripsi & ketik salinan").click()
    panel = page.locator(f"#card-{doc_id}.editing")
    panel.get_by_label("Dekripsi dengan kunci kantor").check()
    panel.get_by_label("Kepada (alamat tujuan)").fill("Wali Kota Pekalongan")
    panel.get_by_label("Perihal").fill("Rapat")
    panel.get_by_role("button", name="Dekripsi & ketik salinan").click()
    error = panel.locator(".field-error", has_text="Tidak ada kunci kantor yang cocok")
    error.wait_for()
    assert error.count() == 1
    screenshot(page, "decrypt-failure")
    with app.app_context():
        assert db.session.get(Document, doc_id).step == 4


def test_resend_request_then_resent_upload_on_the_board(live_server, page_factory, tmp_path):
    app = live_server.app
    make = Factories(app)
    sandiman = make.user("sandiman", username="rina", full_name="Rina Kartika")
    cert = ch.office_identity(app, name="kantor-2026")
    doc_id = make.document(step=4, sandiman=sandiman, cryptogram=ch.sealed(ch.outsider()[1]))
    resent = tmp_path / "kiriman-ulang.p7m"
    resent.write_bytes(ch.sealed(cert))
    page = page_factory()
    sign_in(page, live_server.url, "rina", PASSWORD)
    page.goto(f"{live_server.url}/papan")
    card = page.locator(f"#card-{doc_id}")
    card.get_by_role("link", name="Minta kirim ulang").click()
    page.locator(f"#card-{doc_id}.editing").get_by_label("Alasan meminta kirim ulang").fill("Tidak ada kunci yang cocok.")
    page.locator(f"#card-{doc_id}.editing").get_by_role("button", name="Minta kirim ulang").click()
    flag = page.locator(f"#col-4 #card-{doc_id} .resend-flag")
    flag.wait_for()
    screenshot(page, "resend-waiting-board")
    page.locator(f"#card-{doc_id}").get_by_role("link", name="Lampirkan kiriman ulang").click()
    panel = page.locator(f"#card-{doc_id}.editing")
    panel.locator("input[type=file]").set_input_files(str(resent))
    panel.get_by_role("button", name="Lampirkan kiriman ulang").click()
    page.locator(f"#col-4 #card-{doc_id}").get_by_role("link", name="Minta kirim ulang").wait_for()
    assert page.locator(f"#card-{doc_id} .resend-flag").count() == 0
    with app.app_context():
        doc = db.session.get(Document, doc_id)
        assert doc.cryptogram_filename == "kiriman-ulang.p7m" and doc.step == 4
    assert page.js_errors == []
