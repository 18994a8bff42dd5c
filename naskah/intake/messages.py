"""What an incoming e-mail carries: pure parsing with the standard `email` package, no database.

`extract()` finds the one cryptogram a message carries (an S/MIME enveloped message, a CMS
attachment, or a Fernet token in the text) and the facts the card needs (Message-ID, From, Date,
Subject, an outer S/MIME signature), or raises Refused with the reason in Indonesian. The CMS
check here is structural (it parses); decrypting is step 5's job.
"""
from __future__ import annotations

import email
import email.policy
import email.utils
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

from asn1crypto import cms as acms

from naskah.crypto import _mime

CMS_EXTENSIONS = (".p7m", ".p7", ".p7c", ".cms", ".der", ".pem", ".p7e")
PKCS7_TYPES = ("application/pkcs7-mime", "application/x-pkcs7-mime")
SIGNATURE_TYPES = ("application/pkcs7-signature", "application/x-pkcs7-signature")
FERNET_RE = re.compile(rb"gAAAAA[A-Za-z0-9_\-]{60,}={0,2}")
FERNET_WRAPPED_RE = re.compile(rb"gAAAAA(?:[A-Za-z0-9_\-]|\r?\n)+={0,2}")
ENVELOPED = ("enveloped_data", "authenticated_enveloped_data", "1.2.840.113549.1.9.16.1.23")


class Refused(Exception):
    """The message is not a cryptogram the office takes in; `reason` says why (Indonesian)."""

    def __init__(self, reason: str, code: str):
        super().__init__(reason)
        self.reason, self.code = reason, code


@dataclass
class Incoming:
    message_id: str | None
    from_address: str | None
    from_name: str | None
    date: datetime | None
    subject: str
    cryptogram: bytes | None = None
    filename: str | None = None
    kind: str = ""                        # smime | attachment | fernet
    signature_der: bytes | None = None    # outer S/MIME signature (signed after encryption)
    signed_content: list[bytes] = field(default_factory=list)


def parse_headers(raw: bytes) -> email.message.Message:
    return email.message_from_bytes(raw, policy=email.policy.compat32)


def message_id(raw: bytes) -> str | None:
    value = parse_headers(raw).get("Message-ID")
    value = " ".join(str(value).split()) if value else ""
    return value[:500] or None


def _date(msg) -> datetime | None:
    try:
        value = email.utils.parsedate_to_datetime(str(msg.get("Date") or ""))
    except (TypeError, ValueError, IndexError):
        return None
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def _decoded(value) -> str:
    try:
        return str(email.header.make_header(email.header.decode_header(str(value or ""))))
    except Exception:  # noqa: BLE001 - a broken encoded-word falls back to the raw header
        return str(value or "")


def check_cms(der: bytes) -> None:
    """Refused unless `der` is a complete, parseable CMS EnvelopedData/AuthEnvelopedData."""
    try:
        ci = acms.ContentInfo.load(der, strict=True)
        kind = ci["content_type"].native
        ci["content"].native  # noqa: B018 - parses every field: a truncated structure fails here
    except Exception:  # noqa: BLE001 - asn1crypto raises many types on bad input
        raise Refused("Lampiran kriptogram rusak: bukan struktur CMS/PKCS#7 yang utuh.", "broken_cms") from None
    if kind not in ENVELOPED:
        raise Refused(f"Lampiran CMS bukan data terenkripsi (jenis: {kind}).", "not_enveloped")


def _cms_bytes(payload: bytes) -> bytes:
    """DER from a DER, PEM or base64 attachment, or Refused."""
    try:
        fmt = _mime.detect_format(payload)
        der = _mime.decode_pem(payload) if fmt == "pem" else _mime.decode_smime(payload) if fmt == "smime" \
            else payload if fmt == "der" else None
    except Exception:  # noqa: BLE001
        der = None
    if der is None:
        raise Refused("Lampiran kriptogram rusak: bukan struktur CMS/PKCS#7 yang utuh.", "broken_cms")
    check_cms(der)
    return der


def _is_cms_part(part) -> bool:
    ctype = _mime.content_type(part)
    name = (part.get_filename() or "").lower()
    return ctype in PKCS7_TYPES or name.endswith(CMS_EXTENSIONS)


def _signed_parts(raw: bytes, msg):
    """(inner entity bytes, signature DER) of a multipart/signed message, else None."""
    if _mime.content_type(msg) != "multipart/signed":
        return None
    try:
        return _mime.parse_multipart_signed(raw)
    except Exception:  # noqa: BLE001
        raise Refused("Tanda tangan S/MIME surel ini rusak.", "broken_signature") from None


def extract(raw: bytes, *, allow_fernet: bool = True) -> Incoming:
    """The cryptogram and the facts of one message, or Refused."""
    msg = parse_headers(raw)
    name, address = email.utils.parseaddr(str(msg.get("From") or ""))
    incoming = Incoming(message_id=message_id(raw), from_address=(address or "").strip().lower()[:254] or None,
                        from_name=_decoded(name).strip()[:200] or None, date=_date(msg),
                        subject=" ".join(_decoded(msg.get("Subject")).split())[:300])
    body_msg, body_raw = msg, raw
    signed = _signed_parts(raw, msg)
    if signed is not None:                       # signed after encryption: check it at intake
        inner, incoming.signature_der = signed
        canon = _mime.canonical_crlf(inner)
        incoming.signed_content = [canon, inner] if canon != inner else [inner]
        body_raw = inner
        body_msg = parse_headers(inner)
    found = []
    if _mime.content_type(body_msg) in PKCS7_TYPES:
        smime_type = (body_msg.get_param("smime-type") or "enveloped-data").lower()
        if smime_type not in ("enveloped-data", "authenveloped-data"):
            raise Refused(f"Surel S/MIME jenis {smime_type} tidak memuat kriptogram terenkripsi.", "not_enveloped")
        payload = body_msg.get_payload(decode=True) or b""
        found.append((_cms_bytes(payload), "smime.p7m", "smime"))
    else:
        for part in body_msg.walk():
            if part.is_multipart() or _mime.content_type(part) in SIGNATURE_TYPES:
                continue
            if _is_cms_part(part):
                payload = part.get_payload(decode=True) or b""
                filename = (part.get_filename() or "kriptogram.p7m")[:200]
                found.append((_cms_bytes(payload), filename, "attachment"))
    if not found and allow_fernet:
        tokens = _fernet_tokens(body_msg)
        if len(tokens) == 1:
            found.append((tokens[0], None, "fernet"))
        elif len(tokens) > 1:
            raise Refused(f"Surel memuat {len(tokens)} token Fernet; kirim satu kriptogram per surel.", "many")
    if not found:
        raise Refused("Surel tidak memuat kriptogram (S/MIME, lampiran .p7m/CMS, atau token Fernet).",
                      "no_cryptogram")
    if len(found) > 1:
        raise Refused(f"Surel memuat {len(found)} kriptogram; kirim satu kriptogram per surel.", "many")
    incoming.cryptogram, incoming.filename, incoming.kind = found[0]
    del body_raw
    return incoming


def extract_safely(raw: bytes) -> Incoming:
    """extract(), with any surprise of a hostile or broken message turned into a refusal, so one
    bad mail can never stop the mailbox's poll."""
    try:
        return extract(raw)
    except Refused:
        raise
    except Exception:  # noqa: BLE001 - the email package and asn1crypto raise many types
        raise Refused("Surel tidak dapat diurai (struktur MIME rusak).", "malformed") from None


def _fernet_tokens(msg) -> list[bytes]:
    tokens = []
    for part in msg.walk():
        if part.is_multipart() or _mime.content_type(part) not in ("text/plain", "application/octet-stream"):
            continue
        payload = part.get_payload(decode=True) or b""
        # A token on one line, or wrapped over several by the mailer (then ended by a blank line).
        candidates = [m.group(0) for m in FERNET_RE.finditer(payload)]
        candidates += [_mime.compact(m.group(0)) for m in FERNET_WRAPPED_RE.finditer(payload)]
        for token in candidates:
            if token not in tokens and _is_fernet(token):
                tokens.append(token)
    return tokens


def _is_fernet(token: bytes) -> bool:
    try:
        return _mime.detect_format(token) == "fernet"
    except Exception:  # noqa: BLE001
        return False


def has_fernet(raw: bytes) -> bool:
    try:
        return bool(_fernet_tokens(parse_headers(raw)))
    except Exception:  # noqa: BLE001
        return False


def extract_from(raw: bytes) -> str | None:
    """The From address of a message or header block (refused messages keep it for the admin)."""
    _name, address = email.utils.parseaddr(str(parse_headers(raw).get("From") or ""))
    return (address or "").strip().lower()[:254] or None
