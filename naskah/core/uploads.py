"""Uploaded files: the type comes from the bytes, the name is only ever displayed.

`sniff(data)` names a media type from magic bytes and structure (never from the file name or
the browser's Content-Type); `check_cryptogram()` refuses types a cryptogram cannot be (programs,
archives, HTML/SVG that could carry script); `safe_display_name()` reduces a client file name to
something safe to show and to put in a Content-Disposition header. Files are stored in the vault,
so no uploaded name ever becomes a path.
"""
import unicodedata
from urllib.parse import quote

from naskah.core.errors import DomainError
from naskah.crypto import _mime

PKCS7 = "application/pkcs7-mime"
PEM = "application/x-pem-file"
MIME_MESSAGE = "message/rfc822"
OPENSSL_ENC = "application/x-openssl-enc"
TEXT = "text/plain"

_BINARY_MAGIC = (
    (b"MZ", "application/x-msdownload"),
    (b"\x7fELF", "application/x-executable"),
    (b"\xca\xfe\xba\xbe", "application/x-mach-binary"),
    (b"\xcf\xfa\xed\xfe", "application/x-mach-binary"),
    (b"Salted__", OPENSSL_ENC),
)

# What a received cryptogram may be: CMS/PKCS#7 (DER, PEM or S/MIME mail), an OpenSSL-encrypted
# file, cipher text typed or pasted as text (incl. Fernet tokens), or a scan or fax of a paper one.
CRYPTOGRAM_TYPES = frozenset({
    PKCS7, PEM, MIME_MESSAGE, OPENSSL_ENC, TEXT,
    "application/pdf", "image/png", "image/jpeg", "image/tiff", "image/gif",
})


def sniff(data: bytes) -> str:
    """The media type of `data`, judged by content alone."""
    data = bytes(data or b"")
    if not data:
        return "application/x-empty"
    if _mime.looks_like_cms_der(data):
        return PKCS7
    head = data[:4096]
    for magic, media_type in _BINARY_MAGIC:
        if head.startswith(magic):
            return media_type
    text = _mime.is_text(data)
    if text:
        stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if stripped.startswith(b"#!"):
            return "text/x-script"
        if b"<svg" in stripped[:1024]:
            return "image/svg+xml"
        if b"<script" in stripped or b"<html" in stripped[:1024] or b"<!doctype html" in stripped[:1024]:
            return "text/html"
        if b"-----begin " in stripped:
            return PEM
        if _mime.is_mime_message(head.lstrip(b"\xef\xbb\xbf")):
            return MIME_MESSAGE
    return _mime.sniff_media_type(data, text)


def check_cryptogram(data: bytes) -> str:
    """The sniffed type of an uploaded cryptogram, or a DomainError naming what it looks like."""
    media_type = sniff(data)
    if media_type not in CRYPTOGRAM_TYPES:
        raise DomainError(f"Jenis berkas tidak diterima sebagai kriptogram (terdeteksi: {media_type}). "
                          "Unggah berkas PKCS#7/CMS, S/MIME, teks sandi, PDF, atau gambar pindaian.",
                          field="cryptogram_file")
    return media_type


_INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}   # controls, bidi overrides, unassigned


def safe_display_name(name: str | None, default: str = "berkas", max_length: int = 120) -> str:
    """A client-supplied file name reduced to a harmless label: last path component only, no
    control or bidirectional-override characters, no leading dots, at most `max_length`
    characters (keeping the extension)."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(" " if unicodedata.category(c) in ("Zs",) else c for c in name
                   if unicodedata.category(c) not in _INVISIBLE)
    name = " ".join(name.split()).strip(" .")
    if not name:
        return default
    if len(name) > max_length:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10 and stem:
            name = stem[:max_length - len(ext) - 1].rstrip(" .") + "." + ext
        else:
            name = name[:max_length]
    return name


def content_disposition(name: str | None, inline: bool = False) -> str:
    """A Content-Disposition value for downloads: ASCII fallback plus RFC 5987 UTF-8 name."""
    display = safe_display_name(name)
    ascii_name = "".join(c if 32 <= ord(c) < 127 and c not in '"\\;' else "_" for c in display)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(display, safe='')}"
