"""Input armour (PEM, S/MIME, Fernet) and content sniffing helpers.

Kept separate from the CMS decryption so each piece stays small; everything
here raises plain exceptions that `cms.decrypt` maps to DecryptionError.
"""
from __future__ import annotations

import base64
import binascii
import codecs
import email
import email.policy
import re

from . import _ber

MAX_INPUT = 64 * 1024 * 1024

PEM_LABELS = (b"PKCS7", b"CMS", b"PKCS #7 SIGNED DATA")
_PEM_RE = re.compile(
    rb"-----BEGIN (PKCS7|CMS|PKCS #7 SIGNED DATA)-----\s*?\r?\n(.*?)-----END \1-----", re.S
)
_FERNET_RE = re.compile(rb"gAAAAA[A-Za-z0-9_\-]+={0,2}")
_B64_RE = re.compile(rb"[A-Za-z0-9+/=\s]+")
_HEADER_START = re.compile(rb"[!-9;-~]{1,76}:")
_HEADER_LINE = re.compile(rb"[!-9;-~]+:[^\r\n]*(\r?\n[ \t][^\r\n]*)*")
_PKCS7_MIME = ("application/pkcs7-mime", "application/x-pkcs7-mime")
_PKCS7_SIG = ("application/pkcs7-signature", "application/x-pkcs7-signature")

# ContentInfo content types we recognise at the top of a DER blob.
_CMS_OID_PREFIXES = (_ber.oid_bytes("1.2.840.113549.1.7"), _ber.oid_bytes("1.2.840.113549.1.9.16.1"))


class ArmourError(ValueError):
    pass


def looks_like_cms_der(data) -> bool:
    """Cheap check: SEQUENCE whose first child is a PKCS#7/CMS content-type OID."""
    mv = memoryview(data)
    if len(mv) < 4 or mv[0] != 0x30:
        return False
    # Skip the outer header without walking (indefinite or definite).
    lb = mv[1]
    p = 2 if lb <= 0x80 else 2 + (lb & 0x7F)
    if p + 2 > len(mv) or mv[p] != 0x06:
        return False
    n = mv[p + 1]
    oid = bytes(mv[p + 2:p + 2 + n])
    return len(oid) == n and any(oid.startswith(x) for x in _CMS_OID_PREFIXES)


def _strip(data: bytes) -> bytes:
    head = data[:3]
    if head == b"\xef\xbb\xbf":
        data = data[3:]
    return data.strip()


def compact(data) -> bytes:
    """Text with all whitespace removed (tokens pasted with line wraps)."""
    return re.sub(rb"\s+", b"", _strip(bytes(data)))


def is_mime_message(data: bytes) -> bool:
    """A header block (RFC 5322 syntax) ended by a blank line, with a Content-Type."""
    if not _HEADER_START.match(data[:200]):
        return False  # cheap reject before scanning 64 KiB of a binary body
    head = data[:65536]
    m = re.search(rb"\r?\n\r?\n", head)
    if not m or m.start() == 0:
        return False
    block = head[:m.start()]
    lines = re.split(rb"\r?\n(?![ \t])", block)
    if not all(_HEADER_LINE.fullmatch(ln) for ln in lines):
        return False
    return any(ln.lower().startswith(b"content-type:") for ln in lines)


def detect_format(data: bytes) -> str:
    if not isinstance(data, (bytes, bytearray, memoryview)) or len(data) > MAX_INPUT:
        raise ArmourError("size")
    if looks_like_cms_der(data):
        return "der"
    text = _strip(bytes(data[:4096]) if len(data) > 4096 else bytes(data))
    if b"-----BEGIN " in data[:65536] and _PEM_RE.search(bytes(data)):
        return "pem"
    if text.startswith(b"gAAAAA") and _is_fernet_token(compact(data)):
        return "fernet"
    if is_mime_message(text if len(data) <= 4096 else _strip(bytes(data))):
        msg = email.message_from_bytes(bytes(data), policy=email.policy.compat32)
        if find_pkcs7_part(msg) is not None:
            return "smime"
    if text.startswith(b"MI") and _B64_RE.fullmatch(_strip(bytes(data))):
        try:
            if looks_like_cms_der(base64.b64decode(re.sub(rb"\s+", b"", _strip(bytes(data)))[:64])):
                return "pem"  # armour-less base64 DER, as often pasted from e-mail
        except (binascii.Error, ValueError):
            pass
    raise ArmourError("unknown")


def _is_fernet_token(token: bytes) -> bool:
    """Version 0x80 | time(8) | IV(16) | AES-CBC blocks | HMAC(32), urlsafe base64."""
    if not _FERNET_RE.fullmatch(token):
        return False
    try:
        raw = base64.urlsafe_b64decode(token)
    except (binascii.Error, ValueError):
        return False
    return raw[:1] == b"\x80" and len(raw) >= 73 and (len(raw) - 57) % 16 == 0


def decode_pem(data: bytes) -> bytes:
    m = _PEM_RE.search(bytes(data))
    if m is None:
        body = _strip(bytes(data))  # bare base64
    else:
        body = m.group(2)
        # Skip RFC 1421 style headers if present.
        if b":" in body.split(b"\n", 1)[0]:
            body = body.split(b"\n\n", 1)[-1] if b"\n\n" in body else body
    body = re.sub(rb"\s+", b"", body)
    try:
        return base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ArmourError("base64") from exc


def content_type(part) -> str:
    return (part.get_content_type() or "").lower()


def find_pkcs7_part(msg):
    for part in msg.walk():
        if content_type(part) in _PKCS7_MIME:
            return part
    return None


def decode_smime(data: bytes) -> bytes:
    msg = email.message_from_bytes(bytes(data), policy=email.policy.compat32)
    part = find_pkcs7_part(msg)
    if part is None:
        raise ArmourError("no pkcs7 part")
    payload = part.get_payload(decode=True)
    if not payload:
        raise ArmourError("empty")
    if not looks_like_cms_der(payload):
        # Some mailers leave the body unencoded base64 without a CTE header.
        try:
            payload = base64.b64decode(re.sub(rb"\s+", b"", payload), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ArmourError("base64") from exc
    return payload


def split_mime_entity(data: bytes) -> tuple[str, bytes]:
    """(media type, decoded body) of a single, non-multipart MIME entity."""
    msg = email.message_from_bytes(bytes(data), policy=email.policy.compat32)
    if msg.is_multipart():
        return content_type(msg), bytes(data)
    body = msg.get_payload(decode=True)
    return content_type(msg), body if body is not None else b""


def parse_multipart_signed(data: bytes):
    """Split multipart/signed into (exact signed bytes, signature DER) or None.

    The email package re-serialises parts, which breaks signatures, so the
    first part's bytes are cut out of the original by boundary.
    """
    msg = email.message_from_bytes(bytes(data), policy=email.policy.compat32)
    if content_type(msg) != "multipart/signed" or not msg.is_multipart():
        return None
    boundary = msg.get_boundary()
    if not boundary:
        raise ArmourError("no boundary")
    sig_part = next((p for p in msg.get_payload() if content_type(p) in _PKCS7_SIG), None)
    if sig_part is None:
        raise ArmourError("no signature part")
    signature = sig_part.get_payload(decode=True) or b""
    delim = re.compile(rb"(?:\r?\n|^)--" + re.escape(boundary.encode("ascii", "replace")) + rb"(--)?[ \t]*(?:\r?\n|$)")
    hits = list(delim.finditer(bytes(data)))
    if len(hits) < 2:
        raise ArmourError("bad multipart")
    signed = bytes(data)[hits[0].end():hits[1].start()]
    return signed, signature


def smime_signed_data(data: bytes):
    """DER SignedData from an application/pkcs7-mime; smime-type=signed-data entity."""
    msg = email.message_from_bytes(bytes(data), policy=email.policy.compat32)
    if content_type(msg) in _PKCS7_MIME:
        payload = msg.get_payload(decode=True)
        if payload and looks_like_cms_der(payload):
            return payload
    return None


def canonical_crlf(data: bytes) -> bytes:
    return re.sub(rb"(?<!\r)\n", b"\r\n", data)


def is_text(data) -> bool:
    """Valid UTF-8 without NULs, checked in chunks to avoid one huge str copy."""
    if b"\x00" in data:
        return False
    dec = codecs.getincrementaldecoder("utf-8")("strict")
    mv = memoryview(data)
    try:
        for i in range(0, len(mv), 1 << 20):
            dec.decode(mv[i:i + (1 << 20)])
        dec.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/msword"),
    (b"{\\rtf", "application/rtf"),
    (b"\x1f\x8b", "application/gzip"),
    (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (b"Rar!\x1a\x07", "application/vnd.rar"),
)


def sniff_media_type(data, text: bool) -> str:
    head = bytes(data[:2048])
    for magic, mt in _MAGIC:
        if head.startswith(magic):
            return mt
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"PK\x03\x04"):
        if b"word/" in head:
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        if b"xl/" in head:
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if b"mimetypeapplication/vnd.oasis.opendocument.text" in head:
            return "application/vnd.oasis.opendocument.text"
        return "application/zip"
    if text:
        low = head.lstrip().lower()
        if low.startswith(b"<?xml"):
            return "application/xml"
        if low.startswith(b"<!doctype html") or low.startswith(b"<html"):
            return "text/html"
        return "text/plain"
    return "application/octet-stream"
