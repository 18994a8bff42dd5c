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
