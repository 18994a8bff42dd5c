"""Step 5 in the app: decrypt the stored cryptogram with the office's keys.

`prepare()` runs inside workflow's `decrypt` effect (one transaction with the step change). A
failure raises DecryptFailed, the caller rolls the transition back and then calls
`record_failure()`, which commits the failure's audit event on its own so it survives.
"""
import hashlib
import logging
from datetime import datetime

from flask import abort

from naskah.audit import chain as audit
from naskah.core import vault
from naskah.core.errors import DomainError
from naskah.core.timeutil import utcnow
from naskah.correspondents import directory
from naskah.crypto.cms import DecryptionError, DecryptResult, decrypt
from naskah.crypto.errors import FAILED, FORMAT, NO_KEY, UNSUPPORTED
from naskah.decryption import identities as keystore
from naskah.extensions import db
from naskah.models import Document, User
from naskah.models.decryption import DecryptionRecord, DocumentAttachment
from naskah.workflow import documents, resend
from naskah.workflow import engine as workflow

log = logging.getLogger("naskah.decryption")

METHODS = {"office": "Dekripsi dengan kunci kantor", "manual": "Ketik manual"}
TEXT_LIMIT = 500_000           # the copy letter's editable text; longer text becomes an attachment
EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg", "image/gif": "gif",
              "image/tiff": "tif", "image/webp": "webp", "application/zip": "zip", "text/plain": "txt",
              "application/msword": "doc", "application/rtf": "rtf", "application/xml": "xml",
              "text/html": "html"}
HINTS = {
    NO_KEY: " Periksa apakah pengirim memakai sertifikat kantor yang berlaku, atau kunci bersama (Fernet, "
            "KEK dengan ID yang sama) atau kata sandi yang terdaftar untuk instansinya; bila tidak, minta kirim ulang.",
    FAILED: " Minta pengirim mengirim ulang kriptogram bila kunci sudah benar.",
    FORMAT: " Pastikan berkas yang diunggah adalah kriptogram utuh (DER, PEM, S/MIME atau token Fernet).",
    UNSUPPORTED: " Minta pengirim memakai AES-CBC/AES-GCM untuk sertifikat RSA atau EC, kunci KEK, kata sandi, "
                 "atau kunci bersama Fernet.",
}


class DecryptFailed(DomainError):
    """The office could not decrypt the cryptogram; `code` is the library's failure class."""

    def __init__(self, error: DecryptionError):
        super().__init__(error.message + HINTS.get(error.code, ""), field="method")
        self.cause = error.message
        self.code = error.code
        self.algorithm = error.algorithm


def decrypt_bytes(data: bytes, sender_agency: str | None, at: datetime) -> DecryptResult:
    """Try every office key that may fit; raises DecryptionError only."""
    entry = directory.resolve(sender_agency)   # expect the directory entry's keys first
    name = entry.name if entry is not None else sender_agency
    return decrypt(data, keystore.decryption_identities(), keystore.symmetric_keys(at),
                   sender_agency=name, trusted_signers=keystore.trusted_signers(name))


def _attachment_name(doc: Document, media_type: str) -> str:
    ext = EXTENSIONS.get(media_type, "bin")
    return f"hasil-dekripsi-{doc.agenda_label.replace('/', '-')}.{ext}"


def prepare(doc: Document, actor: User, data: dict) -> dict:
    """Fill `data["plaintext"]` for the copy letter and record how it was obtained."""
    method = data.get("method") or "manual"
    if method not in METHODS:
        raise DomainError("Pilih cara dekripsi.", field="method")
    record = DecryptionRecord(document_id=doc.id, method=method, decrypted_by_id=actor.id,
                              decrypted_at=utcnow(), cryptogram_sha256=doc.cryptogram_sha256)
    details = {"method": method}
    if method == "manual":
        if not (data.get("plaintext") or "").strip():
            raise DomainError("Ketik hasil dekripsi, atau pilih dekripsi dengan kunci kantor.", field="plaintext")
    else:
        payload = documents.read_cryptogram(doc) or b""
        try:
            result = decrypt_bytes(payload, doc.sender_agency, doc.received_at)
        except DecryptionError as e:
            raise DecryptFailed(e) from None
        record.format, record.content_encryption = result.format, result.content_encryption
        record.key_transport, record.key_name = result.key_transport, result.key_name
        record.signature, record.signer = result.signature, (result.signer or None) and result.signer[:200]
        record.media_type = result.media_type[:100]
        text = result.plaintext.decode("utf-8") if result.is_text else None
        if text is not None and len(text) <= TEXT_LIMIT:
            data["plaintext"] = text
        else:
            att = add_attachment(doc, actor, result.plaintext, _attachment_name(doc, result.media_type),
                                 result.media_type)
            size = f"{att.size:,}".replace(",", ".")
            note = f"Hasil dekripsi berupa berkas {result.media_type} ({size} bita), terlampir: {att.filename}."
            data["plaintext"] = (data.get("plaintext") or "").strip() or note
            if not data.get("attachments"):
                data["attachments"] = att.filename
            details["attachment"] = att.filename
        details.update({"format": result.format, "algorithm": result.content_encryption,
                        "key_transport": result.key_transport, "key": result.key_name,
                        "signature": result.signature, "signer": result.signer,
                        "media_type": result.media_type})
    db.session.add(record)
    waiting = resend.open_request(doc)
    if waiting is not None:
        waiting.resolved_at, waiting.resolved_by_id, waiting.resolution = utcnow(), actor.id, "decrypted"
        details["resend_request"] = waiting.id
    return details


def add_attachment(doc: Document, actor: User, payload: bytes, filename: str, media_type: str) -> DocumentAttachment:
    blob = vault.store(payload, "attachment")
    att = DocumentAttachment(document_id=doc.id, blob_id=blob.id, filename=filename[:200],
                             media_type=media_type[:100], size=len(payload),
                             sha256=hashlib.sha256(payload).hexdigest(), created_by_id=actor.id)
    db.session.add(att)
    db.session.flush()
    return att


def record_failure(doc_id: int, actor: User, error: DecryptFailed) -> None:
    """After the caller's rollback: one audit event for the failed attempt, committed now."""
    doc = db.session.get(Document, doc_id)
    audit.append("decrypt.failed", actor=actor, document=doc,
                 details={"code": error.code, "message": error.cause,
                          "algorithm": error.algorithm, "sha256": doc.cryptogram_sha256 if doc else None})
    db.session.commit()


def read_attachment(doc: Document, att_id: int, user: User) -> tuple[DocumentAttachment, bytes]:
    """Need-to-know download of a copy-letter attachment; every download is recorded."""
    if not documents.can_read_content(doc, user):
        abort(403)
    att = db.session.get(DocumentAttachment, att_id)
    if att is None or att.document_id != doc.id:
        abort(404)
    payload = vault.load_id(att.blob_id)
    audit.append("attachment.download", actor=user, document=doc, object_type="attachment",
                 object_id=att.id, details={"filename": att.filename, "sha256": att.sha256})
    return att, payload


def init_hooks(app) -> None:
    """Step 5 takes the plaintext from the office's keys; a failed attempt stays on record."""
    workflow.add_hook(app, "decrypt", _before_decrypt, when="before")
    workflow.add_hook(app, "decrypt", _after_failure, when="failed")


def _before_decrypt(ctx):
    return prepare(ctx.doc, ctx.actor, ctx.data)


def _after_failure(doc_id, actor, error):
    if isinstance(error, DecryptFailed):
        record_failure(doc_id, actor, error)  # its own commit, after the transition's rollback
