"""Upload helpers: type by content, names only for display."""
import pytest

from naskah.core import uploads
from naskah.core.errors import DomainError

CMS_DER = b"\x30\x82\x01\x10\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x03" + bytes(260)
PEM = b"-----BEGIN PKCS7-----\nMIIBEAYJKoZIhvcNAQcDoIIBATCB\n-----END PKCS7-----\n"
SMIME = (b"MIME-Version: 1.0\r\nContent-Type: application/pkcs7-mime; smime-type=enveloped-data\r\n"
         b"Content-Transfer-Encoding: base64\r\n\r\nMIIBEAYJKoZIhvcNAQcD\r\n")


@pytest.mark.parametrize("data, expected", [
    (CMS_DER, "application/pkcs7-mime"),
    (PEM, "application/x-pem-file"),
    (SMIME, "message/rfc822"),
    (b"Salted__" + bytes(32), "application/x-openssl-enc"),
    (b"gAAAAABk0aZ0 12345 67890 ABCDE\n", "text/plain"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n" + bytes(20), "image/png"),
    (b"II*\x00" + bytes(20), "image/tiff"),
    (b"MZ\x90\x00" + bytes(60), "application/x-msdownload"),
    (b"\x7fELF\x02\x01\x01" + bytes(20), "application/x-executable"),
    (b"PK\x03\x04" + bytes(26), "application/zip"),
    (b"<html><body><script>alert(1)</script>", "text/html"),
    (b"  \n<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "image/svg+xml"),
    (b"#!/bin/sh\nrm -rf /\n", "text/x-script"),
    (bytes(range(256)) * 4, "application/octet-stream"),
    (b"", "application/x-empty"),
])
def test_sniff_by_content(data, expected):
    assert uploads.sniff(data) == expected


@pytest.mark.parametrize("data", [CMS_DER, PEM, SMIME, b"XKQVZ 18273 99812\n", b"%PDF-1.4\n"])
def test_cryptogram_types_accepted(data):
    uploads.check_cryptogram(data)


@pytest.mark.parametrize("data", [b"MZ\x90\x00" + bytes(60), b"PK\x03\x04" + bytes(26),
                                  b"<!DOCTYPE html><html>", bytes(range(256)) * 4, b"#!/bin/sh\n"])
def test_other_types_refused_with_a_message(data):
    with pytest.raises(DomainError) as e:
        uploads.check_cryptogram(data)
    assert e.value.field == "cryptogram_file" and "tidak diterima" in e.value.message


@pytest.mark.parametrize("raw, expected", [
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\budi\\surat.p7m", "surat.p7m"),
    ("/var/lib/naskah/master.key", "master.key"),
    ("..", "berkas"),
    ("   ", "berkas"),
    (None, "berkas"),
    (".htaccess", "htaccess"),
    ("laporan\u202egpj.exe", "laporangpj.exe"),
    ("a\x00b\r\nc.txt", "abc.txt"),
    ("surat  rahasia\t.p7m", "surat rahasia.p7m"),
])
def test_safe_display_name(raw, expected):
    assert uploads.safe_display_name(raw) == expected


def test_long_names_keep_their_extension():
    name = uploads.safe_display_name("x" * 500 + ".p7m")
    assert len(name) == 120 and name.endswith(".p7m")


def test_content_disposition_is_header_safe():
    value = uploads.content_disposition('a"b;\r\nSet-Cookie: x=1/../ñ.p7m')
    assert "\r" not in value and "\n" not in value
    assert value.startswith('attachment; filename="') and "filename*=UTF-8''" in value
    assert '"' not in value.split('filename="')[1].rstrip('"').split('";')[0]


# Issue 12 item 13: sniffing covers the whole file; active PDF content is refused.
@pytest.mark.parametrize("data, expected", [
    (b"a" * 5000 + b"<script>alert(1)</script>", "text/html"),
    (b"Sandi: QWERTY\n" * 400 + b"<html><body onload=x()>", "text/html"),
    (b"x" * 2000 + b"<svg xmlns='http://www.w3.org/2000/svg'><script>1</script></svg>", "image/svg+xml"),
    ("é".encode() * 3000 + b"<script>alert(1)</script>", "text/html"),
    (b"ciphertext " * 1000 + b"<IFRAME src=x>", "text/html"),
])
def test_markup_anywhere_in_the_file_is_found(data, expected):
    assert uploads.sniff(data) == expected
    with pytest.raises(DomainError):
        uploads.check_cryptogram(data)


def _pdf(extra_catalog: bytes = b"", body: bytes = b"") -> bytes:
    return (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R " + extra_catalog + b">>\nendobj\n"
            b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n" + body +
            b"trailer\n<< /Root 1 0 R >>\n%%EOF\n")


@pytest.mark.parametrize("extra, body", [
    (b"/OpenAction 3 0 R", b"3 0 obj\n<< /S /JavaScript /JS (app.alert(1)) >>\nendobj\n"),
    (b"/Names << /JavaScript 3 0 R >>", b"3 0 obj\n<< /Names [(a) 4 0 R] >>\nendobj\n"),
    (b"/#4Fpen#41ction 3 0 R", b"3 0 obj\n<< /S /Launch /F (cmd.exe) >>\nendobj\n"),
    (b"/AA << /O 3 0 R >>", b"3 0 obj\n<< /S /JavaScript /JS (x) >>\nendobj\n"),
])
def test_active_pdf_content_is_refused(extra, body):
    data = _pdf(extra, body)
    assert uploads.sniff(data) == "application/pdf"
    with pytest.raises(DomainError) as err:
        uploads.check_cryptogram(data)
    assert "konten aktif" in err.value.message and err.value.field == "cryptogram_file"


def test_plain_pdf_passes():
    assert uploads.check_cryptogram(_pdf()) == "application/pdf"
