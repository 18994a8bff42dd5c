"""Browser: the admin sets up the office mailbox; a mail appended to it becomes a card by itself
(the scheduled poll), which is registered, reported, assigned and decrypted at step 5."""
import re
import subprocess

import pytest
from cryptography.hazmat.primitives import serialization

from naskah.correspondents import directory
from naskah.extensions import db
from naskah.intake import schedule
from naskah.models import Document
from tests import crypto_helpers as ch
from tests.e2e.conftest import screenshot, sign_in
from tests.e2e.test_nine_steps import _act, _column_of
from tests.factories import PASSWORD, Factories
from tests.intake import dovecot


@pytest.fixture
def imap_server():
    server = dovecot.start()
    yield server
    server.stop()


def test_mail_becomes_a_card_that_is_decrypted(live_server, page_factory, imap_server, tmp_path):
    app, base = live_server.app, live_server.url
    app.config.update(INTAKE_CA_FILE=imap_server.ca_file, INTAKE_POLL_SECONDS=1)
    make = Factories(app)
    make.user("admin", username="admin1", full_name="Admin Kantor")
    sandiman = make.user("sandiman", username="budi", full_name="Budi Santoso")
    make.user("kasi", username="agus", full_name="Agus Wibowo")
    cert = ch.office_identity(app, name="kantor-2026")
    with app.app_context():
        directory.create({"name": "Badan Siber dan Sandi Negara", "short_name": "BSSN", "emails": "sandi@bssn.go.id"})
        db.session.commit()

    admin = page_factory()
    sign_in(admin, base, "admin1", PASSWORD)
    admin.goto(f"{base}/admin/surel/")
    form = admin.locator("form.grid-form")
    form.get_by_label("Nama kotak surat").fill("persandian")
    form.get_by_label("Server IMAP").fill(imap_server.host)
    form.get_by_label("Port").fill(str(imap_server.tls_port))
    form.get_by_label("Nama pengguna").fill(imap_server.user)
    form.get_by_label("Kata sandi").fill(imap_server.password)
    form.get_by_role("button", name="Simpan kotak surat").click()
    admin.locator("#flash .flash-success").wait_for()
    admin.get_by_role("button", name="Uji sambungan").click()
    assert "Sambungan berhasil" in admin.locator("#flash").inner_text()
    screenshot(admin, "intake-settings")
    assert imap_server.password not in admin.content()

    cert_path = tmp_path / "office.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    body = "Mohon kesiapan pengamanan kunjungan kerja.\n"
    encrypted = subprocess.run(["openssl", "smime", "-encrypt", "-aes256", str(cert_path)], input=body.encode(),
                               capture_output=True, check=True).stdout
    imap_server.append(b"Message-ID: <browser@bssn.go.id>\r\nDate: Tue, 01 Dec 2026 01:00:00 +0000\r\n"
                       b"From: Persandian BSSN <sandi@bssn.go.id>\r\nSubject: R/88/2026\r\n"
                       + encrypted.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))

    s_page = page_factory()
    sign_in(s_page, base, "budi", PASSWORD)
    s_page.goto(f"{base}/papan")
    thread = schedule.start(app, tick=0.5)           # what naskah.serve runs in every server process
    try:
        card = s_page.locator("#col-1 article.card", has_text="sandi@bssn.go.id")
        card.wait_for(timeout=20_000)                # the board refreshes itself
    finally:
        thread.stop.set()
    with app.app_context():
        doc_id = db.session.scalar(db.select(Document.id))
    assert "Badan Siber dan Sandi Negara" in card.inner_text() and "Surel" in card.inner_text()
    screenshot(s_page, "intake-card-on-board")

    _act(s_page, doc_id, "Agendakan")
    _act(s_page, doc_id, "Laporkan ke Kasi")
    k_page = page_factory()
    sign_in(k_page, base, "agus", PASSWORD)
    _act(k_page, doc_id, "Tugaskan dekripsi", select={"[name=assignee_id]": str(sandiman.id)})
    s_page.locator(f"#col-4 #card-{doc_id}").wait_for(timeout=15_000)
    s_page.locator(f"#card-{doc_id}").get_by_role("link", name="Dekripsi & ketik salinan").click()
    panel = s_page.locator(f"#card-{doc_id}.editing")
    panel.get_by_label("Dekripsi dengan kunci kantor").check()
    panel.get_by_label("Kepada (alamat tujuan)").fill("Wali Kota Pekalongan")
    panel.get_by_label("Perihal").fill("Pengamanan kunjungan")
    panel.get_by_role("button", name="Dekripsi & ketik salinan").click()
    s_page.locator(f"#col-5 #card-{doc_id}").wait_for()
    assert _column_of(s_page, doc_id) == 5

    s_page.goto(f"{base}/dokumen/{doc_id}")
    s_page.get_by_role("button", name="Tampilkan isi").click()  # revealing is a POST, audited
    assert "Mohon kesiapan pengamanan kunjungan kerja." in s_page.locator("pre.plaintext").inner_text()
    assert re.search(r"Diterima lewat surel", s_page.content())
    screenshot(s_page, "intake-decrypted-document")
    assert s_page.js_errors == [] and admin.js_errors == []
