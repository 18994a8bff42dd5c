"""Uploaded files: the type comes from the bytes, the name is only ever displayed.

`sniff(data)` names a media type from magic bytes and structure (never from the file name or
the browser's Content-Type); `check_cryptogram()` refuses types a cryptogram cannot be (programs,
archives, HTML/SVG that could carry script); `safe_display_name()` reduces a client file name to
something safe to show and to put in a Content-Disposition header. Files are stored in the vault,
so no uploaded name ever becomes a path.
"""
import re
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


# Markup a browser would run or render, searched over the WHOLE file (a script after the first
# kilobytes is as dangerous as one at the top).
_ACTIVE_MARKUP = re.compile(rb"<\s*(script|html|iframe|object|embed|body|frameset|meta|form|base|link|style|img"
                            rb"|math|template)\b|<!doctype\s+html|javascript\s*:", re.IGNORECASE)
_SVG = re.compile(rb"<\s*svg\b", re.IGNORECASE)
# PDF names that start actions when the file is opened or that carry script or embedded files.
_PDF_ACTIVE = (b"/javascript", b"/js", b"/openaction", b"/aa", b"/launch", b"/embeddedfiles", b"/embeddedfile",
               b"/richmedia", b"/xfa", b"/submitform", b"/importdata", b"/gotoe")
_PDF_NAME = re.compile(rb"/[^\s/<>\[\]()%{}]+")
_PDF_HEX = re.compile(rb"#([0-9a-fA-F]{2})")


def pdf_active_content(data: bytes) -> list[str]:
    """The active-content names in a PDF (hex-escaped names decoded; compressed object streams
    looked into with pypdf), empty when there are none."""
    found = set()
    for name in _PDF_NAME.findall(data):
        plain = _PDF_HEX.sub(lambda m: bytes([int(m.group(1), 16)]), name).lower()
        if plain in _PDF_ACTIVE:
            found.add(plain.decode("latin-1"))
    try:
        import io

        from pypdf import PdfReader
        reader = PdfReader(io.BytesIO(data), strict=False)
        root = reader.trailer["/Root"]
        for key in ("/OpenAction", "/AA"):
            if key in root:
                found.add(key.lower())
        if "/Names" in root and "/JavaScript" in root["/Names"]:
            found.add("/javascript")
        for page in reader.pages:
            if "/AA" in page:
                found.add("/aa")
    except Exception:  # noqa: BLE001, S110 - a PDF pypdf cannot read is judged by the byte scan alone # nosec B110
        pass
    return sorted(found)


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
        if _SVG.search(data):
            return "image/svg+xml"
        if _ACTIVE_MARKUP.search(data):
            return "text/html"
        if b"-----begin " in stripped:
            return PEM
        if _mime.is_mime_message(head.lstrip(b"\xef\xbb\xbf")):
            return MIME_MESSAGE
    media_type = _mime.sniff_media_type(data, text)
    if media_type == TEXT and (_SVG.search(data) or _ACTIVE_MARKUP.search(data)):
        return "text/html"  # text in another encoding is still read as markup by a browser
    return media_type


def check_cryptogram(data: bytes) -> str:
    """The sniffed type of an uploaded cryptogram, or a DomainError naming what it looks like."""
    media_type = sniff(data)
    if media_type not in CRYPTOGRAM_TYPES:
        raise DomainError(f"Jenis berkas tidak diterima sebagai kriptogram (terdeteksi: {media_type}). "
                          "Unggah berkas PKCS#7/CMS, S/MIME, teks sandi, PDF, atau gambar pindaian.",
                          field="cryptogram_file")
    if media_type == "application/pdf":
        active = pdf_active_content(data)
        if active:
            raise DomainError("PDF ini memuat konten aktif (" + ", ".join(active) + ": skrip, aksi otomatis atau "
                              "berkas sisipan) dan tidak diterima. Minta pengirim mengirim PDF biasa atau "
                              "pindaian.", field="cryptogram_file")
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
