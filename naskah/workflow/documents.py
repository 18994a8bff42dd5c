"""Intake (step 1) and need-to-know reading of a document's secret content."""
import hashlib
import json

from flask import abort

from naskah.audit import chain as audit
from naskah.core import vault
from naskah.core.errors import DomainError
from naskah.correspondents import directory
from naskah.extensions import db
from naskah.models import Document, Role, User
from naskah.workflow.locks import locked_document


def receive(actor: User | None, data: dict, file_bytes: bytes | None, filename: str | None,
            *, audit_details: dict | None = None) -> Document:
    """Step 1: record a received cryptogram (bytes sealed at rest) and its audit event.

    `actor` is None for e-mail intake (naskah.intake), which names its mailbox in `audit_details`
    and gives `created_by_id` (the administrator responsible for the mailbox).
    """
    if actor is not None and actor.role != Role.SANDIMAN.value:
        raise DomainError("Hanya Sandiman yang dapat mencatat kriptogram yang diterima.")
    pasted = (data.get("cryptogram_text") or "").strip()
    if file_bytes:
        payload, name = file_bytes, filename
    elif pasted:
        payload, name = pasted.encode("utf-8"), None
    else:
        raise DomainError("Unggah berkas kriptogram atau tempelkan teksnya.", field="cryptogram_file")
    blob = vault.store(payload, "cryptogram")
    doc = Document(
        step=1,
        sender_agency=data["sender_agency"].strip(),
        correspondent_id=data.get("correspondent_id") or directory.link(data["sender_agency"]),
        sender_email=data.get("sender_email"),
        sender_ref_number=data["sender_ref_number"].strip(),
        sender_ref_date=data.get("sender_ref_date"),
        channel=data["channel"],
        classification=data["classification"],
        urgency=data["urgency"],
        received_at=data["received_at"],
        notes=(data.get("notes") or "").strip() or None,
        cryptogram_blob_id=blob.id,
        cryptogram_filename=name,
        cryptogram_size=len(payload),
        cryptogram_sha256=hashlib.sha256(payload).hexdigest(),
        created_by_id=getattr(actor, "id", None) or data["created_by_id"],
    )
    db.session.add(doc)
    db.session.flush()
    details = {"sender": doc.sender_agency, "classification": doc.classification,
               "sha256": doc.cryptogram_sha256, "size": doc.cryptogram_size,
               "correspondent": doc.correspondent_id, **(audit_details or {})}
    audit.append("document.receive", actor=actor, document=doc, details=details,
                 actor_name=None if actor is not None else "surel")
    return doc


def get_document(doc_id: int, user: User | None = None, *, for_update: bool = False) -> Document:
    """Load or 404. Any signed-in staff role but petugas may see the record's metadata.

    `for_update` locks the row (PostgreSQL) for a transition, so two people acting on the same
    document at once queue up and the second one sees the first one's result as a conflict.
    """
    doc = locked_document(doc_id) if for_update else db.session.get(Document, doc_id)
    if doc is None:
        abort(404)
    if user is not None and not can_see_metadata(user):
        abort(403)
    return doc


def can_see_metadata(user: User) -> bool:
    return user.role in (Role.SANDIMAN.value, Role.KASI.value, Role.PEJABAT.value)


def can_read_content(doc: Document, user: User) -> bool:
    """Need-to-know: the decrypted text is for the kasi and the assigned sandiman only."""
    if user.role == Role.KASI.value:
        return True
    return user.role == Role.SANDIMAN.value and doc.assigned_to_id == user.id


def read_content(doc: Document, user: User, purpose: str = "view") -> dict | None:
    """The plaintext and letter fields, with the read recorded in the audit trail."""
    if not can_read_content(doc, user):
        abort(403)
    if doc.plaintext_blob_id is None:
        return None
    plaintext = vault.load_id(doc.plaintext_blob_id).decode("utf-8")
    letters = json.loads(vault.load_id(doc.letters_blob_id) or b"{}")
    audit.append("content.read", actor=user, document=doc,
                 details={"purpose": purpose, "content_version": doc.content_version})
    letters["plaintext"] = plaintext
    return letters


def read_cryptogram(doc: Document) -> bytes | None:
    return vault.load_id(doc.cryptogram_blob_id)
