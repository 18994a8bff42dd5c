"""Browser: the administrator stores an EC identity, a KEK and a password on the key page; the
assigned sandiman decrypts openssl-made EC and password cryptograms on the board at step 5."""
import os
import shutil
import subprocess

import pytest

from naskah.decryption import identities as keystore
from naskah.extensions import db
from naskah.models import Document, User
from naskah.models.keys import OfficeIdentity, SharedKey
from naskah.workflow import documents
from tests import crypto_helpers as ch
from tests.e2e.conftest import screenshot, sign_in
from tests.factories import PASSWORD, Factories

AGENCY = "Badan Siber dan Sandi Negara"


def test_admin_manages_ec_kek_and_password_keys(live_server, page_factory):
    app = live_server.app
    Factories(app).user("admin", username="admin1", full_name="Admin Kantor")
    page = page_factory()
    sign_in(page, live_server.url, "admin1", PASSWORD)
    page.goto(f"{live_server.url}/admin/kunci/")

    gen = page.locator("#buat")
    gen.get_by_label("Nama identitas").fill("kantor-ec")
    gen.get_by_label("Jenis kunci").select_option("P-384")
    gen.get_by_role("button", name="Buat kunci").click()
    page.wait_for_load_state("networkidle")
    assert "EC P-384" in page.locator("#flash").inner_text()

    kek_hex = os.urandom(32).hex()
    kek = page.locator("#kek")
    kek.get_by_label("Label kunci").fill("bssn-kek")
    kek.get_by_label("Instansi koresponden").fill(AGENCY)
    kek.get_by_label("ID kunci (heksadesimal)").fill("0a0b0c0d")
    kek.get_by_label("Kunci KEK (heksadesimal, tempel)").fill(kek_hex[:40])  # too short: refused in place
    kek.get_by_role("button", name="Simpan kunci KEK").click()
    page.wait_for_load_state("networkidle")
    assert "16, 24 atau 32 bita" in page.locator("#kek").inner_text()
    page.locator("#kek").scroll_into_view_if_needed()
    screenshot(page, "keys-kek-refused")
    page.locator("#kek").get_by_label("Kunci KEK (heksadesimal, tempel)").fill(kek_hex)
    page.locator("#kek").get_by_role("button", name="Simpan kunci KEK").click()
    page.wait_for_load_state("networkidle")
    assert "Kunci KEK bssn-kek" in page.locator("#flash").inner_text()

    pwd = page.locator("#kata-sandi")
    pwd.get_by_label("Label kata sandi").fill("bssn-sandi")
    pwd.get_by_label("Instansi koresponden").fill(AGENCY)
    pwd.get_by_label("Kata sandi", exact=True).fill("Sandi-Bersama#2026")
    pwd.get_by_label("Ulangi kata sandi").fill("Sandi-Bersama#2026")
    pwd.get_by_role("button", name="Simpan kata sandi").click()
    page.wait_for_load_state("networkidle")
    assert "Kata sandi bssn-sandi" in page.locator("#flash").inner_text()

    html = page.content()
    assert kek_hex not in html and "Sandi-Bersama#2026" not in html
    assert "KEK (CMS)" in html and "Kata sandi (CMS)" in html and "0a0b0c0d" in html
    page.locator("table.keys").nth(1).scroll_into_view_if_needed()
    screenshot(page, "keys-shared-kinds")
    assert page.js_errors == []
    with app.app_context():
        assert db.session.scalar(db.select(OfficeIdentity.key_type)) == "P-384"
        assert sorted(db.session.scalars(db.select(SharedKey.kind))) == ["kek", "password"]


@pytest.mark.parametrize("kind", ["ec", "password"])
def test_sandiman_decrypts_openssl_cryptogram_on_the_board(live_server, page_factory, tmp_path, kind):
    openssl = shutil.which("openssl")
    assert openssl, "the openssl command line is required"
    app = live_server.app
    make = Factories(app)
    sandiman = make.user("sandiman", username="budi", full_name="Budi Santoso")
    kasi = make.user("kasi", username="agus", full_name="Agus Wibowo")
    with app.app_context():
        identity = keystore.generate("kantor-ec", curve="P-256")
        keystore.import_password("bssn-sandi", AGENCY, "Sandi-Bersama#2026")
        db.session.commit()
        (tmp_path / "ec.pem").write_text(identity.cert_pem)
    (tmp_path / "p.txt").write_bytes(ch.TEXT.encode())
    recip = ["-recip", str(tmp_path / "ec.pem")] if kind == "ec" else ["-pwri_password", "Sandi-Bersama#2026"]
    der = subprocess.run([openssl, "cms", "-encrypt", "-binary", "-in", str(tmp_path / "p.txt"), "-outform", "DER",
                          "-aes256", *recip], capture_output=True, check=True, timeout=60).stdout
    doc_id = make.document(step=4, sandiman=sandiman, kasi=kasi, cryptogram=der, sender_agency=AGENCY)

    page = page_factory()
    sign_in(page, live_server.url, "budi", PASSWORD)
    page.goto(f"{live_server.url}/papan")
    card = page.locator(f"#card-{doc_id}")
    card.get_by_role("link", name="Dekripsi & ketik salinan").click()
    panel = page.locator(f"#card-{doc_id}.editing")
    panel.get_by_label("Dekripsi dengan kunci kantor").check()
    panel.get_by_label("Kepada (alamat tujuan)").fill("Wali Kota Pekalongan")
    panel.get_by_label("Perihal").fill("Rapat koordinasi")
    panel.get_by_role("button", name="Dekripsi & ketik salinan").click()
    page.locator(f"#col-5 #card-{doc_id}").wait_for()
    screenshot(page, f"decrypt-{kind}-done-board")
    assert page.js_errors == []
    with app.app_context():
        doc = db.session.get(Document, doc_id)
        expected = "kantor-ec" if kind == "ec" else "bssn-sandi"
        assert doc.step == 5 and doc.decryption.key_name == expected
        content = documents.read_content(doc, db.session.get(User, kasi.id))
        db.session.rollback()
        assert content["plaintext"] == ch.TEXT
