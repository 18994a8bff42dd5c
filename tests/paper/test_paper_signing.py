"""Paraf freezes the cover letter; the kasi signs that exact PDF with a passphrase (PAdES)."""
import hashlib

import pytest

from naskah import create_app
from naskah.core import vault
from naskah.extensions import db
from naskah.models.paper import IssuedPaper, SigningCertificate
from naskah.paper import esign
from naskah.printing.sign import WRONG_PASSPHRASE_MSG
from tests import paperkit as kit
from tests.conftest import make_config
from tests.factories import login


def _blob(app, blob_id) -> bytes | None:
    with app.app_context():
        return vault.load_id(blob_id)


def _sign(client, doc_id, courier_id, passphrase, version):
    return client.post(f"/dokumen/{doc_id}/aksi/sign",
                       data={"courier_id": str(courier_id), "passphrase": passphrase, "version": version})


def test_paraf_freezes_the_exact_cover_pdf(app, make, team):
    sandiman, kasi = team
    doc_id = make.document(step=6, sandiman=sandiman, kasi=kasi)
    doc = kit.document(app, doc_id)
    frozen = _blob(app, doc.cover_pdf_blob_id)
    assert frozen.startswith(b"%PDF")
    assert hashlib.sha256(frozen).hexdigest() == doc.paraf_sha256
    event = kit.events(app, doc_id, "step.initial")[-1]
    assert doc.paraf_sha256 in event.details
    text = kit.flat(frozen)
    assert "SURAT PENGANTAR" in text and "Kode verifikasi" in text
    assert "Paraf BS" in text.replace("\n", " ")  # Budi Santoso's initials
    kit.keep_png(frozen, "cover_letter_paraf")


def test_kasi_signs_with_passphrase(app, make, team, client):
    sandiman, kasi = team
    doc_id = make.document(step=6, sandiman=sandiman, kasi=kasi)
    login(client, kasi)
    before = kit.count_events(app)
    doc = kit.document(app, doc_id)
    response = _sign(client, doc_id, sandiman.id, kit.PASSPHRASE, doc.version)
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    doc = kit.document(app, doc_id)
    assert doc.step == 7 and doc.signature_kind == "elektronik"
    assert kit.count_events(app) == before + 1
    event = kit.events(app, doc_id, "step.sign")[-1]
    assert kit.PASSPHRASE not in event.details and "passphrase" not in event.details
    signed = _blob(app, doc.signed_pdf_blob_id)
    frozen = _blob(app, doc.cover_pdf_blob_id)
    assert hashlib.sha256(signed).hexdigest() == doc.signed_sha256
    assert signed.startswith(frozen)  # an incremental update over exactly the paraf PDF
    with app.app_context():
        result = esign.verify(signed)
    assert (result.signed, result.intact, result.valid, result.trusted) == (True, True, True, True)
    assert result.signer_name == kit.KASI_NAME
    text = kit.flat(signed)
    assert kit.KASI_NAME in text and kit.KASI_NIP in text and "WIB" in text
    kit.keep_png(signed, "cover_letter_signed")


def test_wrong_passphrase_changes_nothing(app, make, team, client):
    sandiman, kasi = team
    doc_id = make.document(step=6, sandiman=sandiman, kasi=kasi)
    login(client, kasi)
    before, blobs = kit.count_events(app), kit.count_blobs(app)
    response = _sign(client, doc_id, sandiman.id, "salah sekali", kit.document(app, doc_id).version)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert WRONG_PASSPHRASE_MSG in page and 'id="passphrase-err"' in page
    assert "salah sekali" not in page  # never echoed back
    doc = kit.document(app, doc_id)
    assert doc.step == 6 and doc.signed_pdf_blob_id is None and doc.signed_at is None
    assert kit.count_events(app) == before and kit.count_blobs(app) == blobs


def test_missing_passphrase_is_asked_for(app, make, team, client):
    sandiman, kasi = team
    doc_id = make.document(step=6, sandiman=sandiman, kasi=kasi)
    login(client, kasi)
    response = client.post(f"/dokumen/{doc_id}/aksi/sign", headers={"HX-Request": "true"},
                           data={"courier_id": str(sandiman.id), "version": kit.document(app, doc_id).version})
    assert response.status_code == 200  # htmx: the form comes back in the card
    assert "Masukkan frasa sandi sertifikat Anda." in response.get_data(as_text=True)
    assert kit.document(app, doc_id).step == 6


def test_wrong_passphrases_are_rate_limited(app, make, team, client):
    app.config["SIGN_ATTEMPTS"] = (2, 300)
    sandiman, kasi = team
    doc_id = make.document(step=6, sandiman=sandiman, kasi=kasi)
    login(client, kasi)
    version = kit.document(app, doc_id).version
    for _ in range(2):
        assert _sign(client, doc_id, sandiman.id, "salah sekali", version).status_code == 400
    response = _sign(client, doc_id, sandiman.id, kit.PASSPHRASE, version)
    assert response.status_code == 400 and "Terlalu banyak" in response.get_data(as_text=True)
    assert kit.document(app, doc_id).step == 6


def test_wrong_passphrases_count_on_every_server_process(app, make, team, client, tmp_path):
    """Two server processes on one database: each one's wrong passphrases count for both."""
    sandiman, kasi = team
    other = create_app(make_config(tmp_path))
    for each in (app, other):
        each.config["SIGN_ATTEMPTS"] = (2, 300)
    try:
        doc_id = make.document(step=6, sandiman=sandiman, kasi=kasi)
        version = kit.document(app, doc_id).version
        browsers = [client, other.test_client()]
        for browser in browsers:  # one wrong passphrase on each process
            login(browser, kasi)
            assert _sign(browser, doc_id, sandiman.id, "salah sekali", version).status_code == 400
        for browser in browsers:
            response = _sign(browser, doc_id, sandiman.id, kit.PASSPHRASE, version)
            assert response.status_code == 400 and "Terlalu banyak" in response.get_data(as_text=True)
        assert kit.document(app, doc_id).step == 6
    finally:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def test_revoked_certificate_cannot_sign_and_verification_reports_it(app, make, team, client):
    sandiman, kasi = team
    signed_id = kit.signed_document(app, make, sandiman, kasi)
    doc_id = make.document(step=6, sandiman=sandiman, kasi=kasi)
    with app.app_context():
        esign.revoke(kasi.username)
        db.session.commit()
    login(client, kasi)
    response = _sign(client, doc_id, sandiman.id, kit.PASSPHRASE, kit.document(app, doc_id).version)
    assert response.status_code == 400 and "dicabut" in response.get_data(as_text=True)
    assert kit.document(app, doc_id).step == 6
    signed = _blob(app, kit.document(app, signed_id).signed_pdf_blob_id)
    with app.app_context():
        result = esign.verify(signed)
    assert result.revoked and not result.valid and "dicabut" in result.summary


def test_retired_certificate_is_not_used(app, make, team):
    sandiman, kasi = team
    with app.app_context():
        old = db.session.scalar(db.select(SigningCertificate))
        old.status = "retired"
        db.session.commit()
    doc_id = make.document(step=6, sandiman=sandiman, kasi=kasi)
    with pytest.raises(Exception) as err:
        kit.advance(app, doc_id, "sign", kasi, {"courier_id": sandiman.id, "passphrase": kit.PASSPHRASE})
    assert "tidak aktif" in str(err.value)


def test_tampered_signed_pdf_fails(app, make, team):
    sandiman, kasi = team
    doc = kit.document(app, kit.signed_document(app, make, sandiman, kasi))
    signed = bytearray(_blob(app, doc.signed_pdf_blob_id))
    i = signed.index(b"SURAT PENGANTAR") if b"SURAT PENGANTAR" in signed else len(signed) // 3
    signed[i] ^= 0x01
    with app.app_context():
        result = esign.verify(bytes(signed))
    assert not (result.intact and result.valid)


def test_other_ca_is_not_trusted(app, make, team):
    from naskah.paper import signing_ca as pki
    from naskah.printing.sign import sign_pdf, verify_pdf
    sandiman, kasi = team
    doc = kit.document(app, make.document(step=6, sandiman=sandiman, kasi=kasi))
    frozen = _blob(app, doc.cover_pdf_blob_id)
    _, _, key, cert, _ = kit.office_material()
    rogue = sign_pdf(frozen, key=key, cert=cert, signer_name="x")
    other_ca = pki.create_ca("CA lain", "Lain")[1]
    result = verify_pdf(rogue, [other_ca])
    assert result.intact and not result.trusted


def test_return_voids_frozen_pdf_and_new_paraf_replaces_it(app, make, team):
    sandiman, kasi = team
    doc_id = make.document(step=6, sandiman=sandiman, kasi=kasi)
    first = kit.document(app, doc_id)
    kit.advance(app, doc_id, "return", kasi, {"reason": "Perbaiki perihal"})
    returned = kit.document(app, doc_id)
    assert returned.cover_pdf_blob_id is None and returned.paraf_sha256 is None
    assert _blob(app, first.cover_pdf_blob_id) is None  # destroyed
    kit.advance(app, doc_id, "revise", sandiman, {"plaintext": "Teks baru", "addressee": "Wali Kota",
                                                   "subject": "Perihal baru"})
    kit.advance(app, doc_id, "initial", sandiman)
    second = kit.document(app, doc_id)
    assert second.paraf_sha256 != first.paraf_sha256
    assert hashlib.sha256(_blob(app, second.cover_pdf_blob_id)).hexdigest() == second.paraf_sha256
    with app.app_context():
        papers = db.session.scalars(db.select(IssuedPaper).where(IssuedPaper.document_id == doc_id)).all()
        assert [bool(p.void_reason) for p in papers] == [True, False]


def test_office_without_certificates_signs_by_hand(app, make):
    sandiman, kasi = make.user("sandiman"), make.user("kasi")
    doc_id = make.document(step=7, sandiman=sandiman, kasi=kasi)
    doc = kit.document(app, doc_id)
    assert doc.step == 7 and doc.signature_kind == "basah" and doc.signed_sha256 is None
    assert doc.cover_number == "000.5.1/0001/Sandi/" + doc.cover_number[-4:]  # numbered at signing
    assert doc.signed_pdf_blob_id is not None   # the numbered letter the kasi signs with a pen
    with app.app_context():
        from naskah.core import settings
        settings.set_value("signature_required", True)
        db.session.commit()
    other = make.document(step=6, sandiman=sandiman, kasi=kasi)
    with pytest.raises(Exception) as err:
        kit.advance(app, other, "sign", kasi, {"courier_id": sandiman.id})
    assert "wajib" in str(err.value)


def test_sign_form_has_passphrase_field(app, make, team, client):
    sandiman, kasi = team
    doc_id = make.document(step=6, sandiman=sandiman, kasi=kasi)
    login(client, kasi)
    page = client.get(f"/dokumen/{doc_id}/aksi/sign").get_data(as_text=True)
    assert 'type="password"' in page and 'name="passphrase"' in page
    assert f"/cetak/{doc_id}/pengantar.pdf" in page


def test_sandiman_cannot_sign(app, make, team, client):
    sandiman, kasi = team
    doc_id = make.document(step=6, sandiman=sandiman, kasi=kasi)
    login(client, sandiman)
    before = kit.count_events(app)
    response = _sign(client, doc_id, sandiman.id, kit.PASSPHRASE, kit.document(app, doc_id).version)
    assert response.status_code == 403
    assert kit.document(app, doc_id).step == 6 and kit.count_events(app) == before


def test_pdfsig_accepts_the_signed_cover(app, make, team, tmp_path):
    import shutil
    import subprocess
    assert shutil.which("pdfsig"), "pdfsig (poppler-utils) is required: make test installs it"
    sandiman, kasi = team
    path = tmp_path / "pengantar.pdf"
    path.write_bytes(_blob(app, kit.document(app, kit.signed_document(app, make, sandiman, kasi)).signed_pdf_blob_id))
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert "Signature is Valid." in out and kit.KASI_NAME in out
