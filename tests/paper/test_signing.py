"""PAdES signing of the cover letter and offline verification.

pdfsig (poppler) check: when NSS's `certutil` is installed the office CA is put
in a temporary NSS db and pdfsig must report the certificate as trusted. Without
certutil (the case on the dev box) pdfsig can only be asked with its default db:
then it must say "Signature is Valid." while the issuer is untrusted.
"""
from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import pytest
from cryptography.hazmat.primitives import serialization
from pypdf import PdfReader

from naskah.paper import signing_ca as pki
from naskah.printing.render import render_pdf
from naskah.printing.sign import (
    COVER_SIGNATURE_BOX_A4_PT,
    WRONG_PASSPHRASE_MSG,
    SigningError,
    cover_signature_box,
    sign_pdf,
    sign_pdf_with_p12,
    verify_pdf,
)

UTC = dt.timezone.utc
NAME, NIP = "Dra. Siti Aminah, M.Si.", "197805122005012003"
QR = "https://naskah.pekalongankota.go.id/v/AB12CD"


def cover_ctx() -> dict:
    return dict(
        office=dict(name="PEMERINTAH KOTA PEKALONGAN / DINAS KOMUNIKASI DAN INFORMATIKA",
                    address="Jl. Mataram No. 1, Pekalongan", phone="(0285) 421093",
                    website="dinkominfo.pekalongankota.go.id", city="Pekalongan"),
        classification="R", number="000.5.1/0124/Sandi/2026", date=dt.date(2026, 11, 28),
        addressee=dict(title="Wali Kota Pekalongan", address="Pekalongan"),
        items=[dict(name="Surat salinan Nomor 000.5.1/0123/Sandi/2026", quantity="1 lembar",
                    notes="Salinan ke-1 dari 1")],
        paraf=dict(initials="BS", time=dt.datetime(2026, 11, 28, 2, 15, tzinfo=UTC)),
        signer=dict(name=NAME, nip=NIP),
    )


@pytest.fixture(scope="module")
def office_ca():
    return pki.create_ca("CA Dinkominfo Kota Pekalongan", "Pemerintah Kota Pekalongan")


@pytest.fixture(scope="module")
def kasi(office_ca):
    return pki.issue_signing_cert(*office_ca, NAME, NIP)


@pytest.fixture(scope="module")
def cover_pdf():
    return render_pdf("cover_letter.html", cover_ctx())


@pytest.fixture(scope="module")
def signed(cover_pdf, office_ca, kasi):
    key, cert = kasi
    return sign_pdf(cover_pdf, key=key, cert=cert, ca_chain=[office_ca[1]], signer_name=NAME,
                    signer_nip=NIP, location="Pekalongan", qr_text=QR)


def test_signed_cover_letter_verifies(signed, office_ca, kasi):
    r = verify_pdf(signed, [office_ca[1]])
    assert (r.signed, r.intact, r.valid, r.trusted) == (True, True, True, True)
    assert r.covers_whole_document and not r.revoked
    assert r.signer_name == NAME and r.signer_serial == kasi[1].serial_number
    assert r.signing_time and r.signing_time.utcoffset() == dt.timedelta(hours=7)
    assert abs((dt.datetime.now(UTC) - r.signing_time).total_seconds()) < 300
    assert r.summary.startswith("Tanda tangan SAH")


def test_signature_is_visible_pades_in_the_box(signed):
    reader = PdfReader(io.BytesIO(signed))
    annots = [a.get_object() for a in reader.pages[0].get("/Annots", [])]
    sig = [a for a in annots if a.get("/T") == "TandaTanganKasi"]
    assert len(sig) == 1
    rect = [float(v) for v in sig[0]["/Rect"]]
    _, x1, y1, x2, y2 = COVER_SIGNATURE_BOX_A4_PT
    assert rect == pytest.approx([x1, y1, x2, y2], abs=0.5)
    assert "/AP" in sig[0]  # visible appearance
    v = sig[0]["/V"].get_object()
    assert v["/SubFilter"] == "/ETSI.CAdES.detached"
    assert "Dra. Siti Aminah" in reader.pages[0].extract_text()


def test_default_box_follows_page_height(office_ca, kasi):
    f4 = render_pdf("cover_letter.html", cover_ctx(), paper="F4")
    out = sign_pdf(f4, key=kasi[0], cert=kasi[1], ca_chain=[office_ca[1]], signer_name=NAME,
                   signer_nip=NIP, location="Pekalongan")  # no QR: text stamp
    page = PdfReader(io.BytesIO(out)).pages[0]
    rect = [float(v) for v in page["/Annots"][0].get_object()["/Rect"]]
    _, x1, y1, x2, y2 = cover_signature_box(float(page.mediabox.height))
    assert rect == pytest.approx([x1, y1, x2, y2], abs=0.5)
    assert verify_pdf(out, [office_ca[1]]).valid


def test_pdfsig(signed, office_ca, tmp_path):
    assert shutil.which("pdfsig"), "pdfsig (poppler-utils) is required: make test installs it"
    f = tmp_path / "signed.pdf"
    f.write_bytes(signed)
    if shutil.which("certutil"):
        db = tmp_path / "nss"
        db.mkdir()
        ca_pem = tmp_path / "ca.pem"
        ca_pem.write_bytes(office_ca[1].public_bytes(serialization.Encoding.PEM))
        subprocess.run(["certutil", "-N", "-d", f"sql:{db}", "--empty-password"], check=True)
        subprocess.run(["certutil", "-A", "-d", f"sql:{db}", "-n", "office-ca", "-t", "CT,C,C",
                        "-i", str(ca_pem)], check=True)
        out = subprocess.run(["pdfsig", "-nssdir", f"sql:{db}", str(f)],
                             capture_output=True, text=True).stdout
        assert "Signature is Valid." in out
        assert "Certificate is Trusted." in out
    else:
        out = subprocess.run(["pdfsig", str(f)], capture_output=True, text=True).stdout
        assert "Signature is Valid." in out
        assert "Certificate issuer isn't Trusted." in out  # office CA not in NSS db
    assert "Total document signed" in out
    assert "SHA-256" in out and "ETSI.CAdES.detached" in out


def test_tampered_byte_breaks_integrity(signed, office_ca):
    marker = b"ReportLab Generated PDF document"
    pos = signed.index(marker)  # a comment in the first signed byte range
    tampered = signed[:pos] + b"X" + signed[pos + 1:]
    r = verify_pdf(tampered, [office_ca[1]])
    assert r.signed and not r.intact and not r.valid
    assert "diubah" in r.summary


def test_wrong_passphrase(cover_pdf, office_ca, kasi):
    p12 = pki.to_pkcs12(kasi[0], kasi[1], office_ca[1], b"benar")
    with pytest.raises(SigningError) as e:
        sign_pdf_with_p12(cover_pdf, p12, b"salah", signer_name=NAME, signer_nip=NIP)
    assert str(e.value) == WRONG_PASSPHRASE_MSG == "Frasa sandi salah atau berkas sertifikat rusak."
    with pytest.raises(SigningError):
        sign_pdf_with_p12(cover_pdf, b"bukan p12", b"benar", signer_name=NAME)
    ok = sign_pdf_with_p12(cover_pdf, p12, b"benar", signer_name=NAME, signer_nip=NIP,
                           location="Pekalongan", qr_text=QR)
    assert verify_pdf(ok, [office_ca[1]]).trusted


def test_revoked_serial(signed, office_ca, kasi):
    r = verify_pdf(signed, [office_ca[1]], revoked_serials={kasi[1].serial_number})
    assert r.revoked and not r.trusted and not r.valid and r.intact
    assert "dicabut" in r.summary


def test_other_ca_is_untrusted(signed, cover_pdf):
    other_key, other_ca = pki.create_ca("CA Lain", "Instansi Lain")
    r = verify_pdf(signed, [other_ca])
    assert r.signed and r.intact and not r.trusted
    k, c = pki.issue_signing_cert(other_key, other_ca, "Orang Lain", None)
    foreign = sign_pdf(cover_pdf, key=k, cert=c, ca_chain=[other_ca], signer_name="Orang Lain")
    assert not verify_pdf(foreign, []).trusted


@pytest.mark.parametrize("blob", [b"", b"hello world", b"%PDF-1.7\n garbage \n%%EOF",
                                  bytes(range(256)) * 10, None])
def test_random_uploads_never_raise(blob, cover_pdf):
    r = verify_pdf(blob, [])
    assert r.signed is False and r.summary
    unsigned = verify_pdf(cover_pdf, [])
    assert not unsigned.signed and "tidak memiliki tanda tangan" in unsigned.summary


def test_truncated_signed_file_does_not_raise(signed):
    r = verify_pdf(signed[: len(signed) // 2], [])
    assert not (r.intact and r.valid)
