"""What a step's side panel shows beside its form: the work the person acts on.

Step 4 (assign): each sandiman's open cards by step, and the lembar disposisi.
Step 4 -> 5 (decrypt) and step 5: the Kasi's disposition; the decrypted text after a recorded
reveal (a POST, never a GET). Step 5 (paraf) and 6 (sign/return): both drafts, print view and PDF.
"""
from dataclasses import dataclass, field

from sqlalchemy import func, select

from naskah.audit import chain as audit
from naskah.correspondents import directory
from naskah.crypto.cms import DecryptionError
from naskah.decryption.decrypt import DecryptFailed, decrypt_bytes
from naskah.decryption.identities import has_decryption_keys
from naskah.extensions import db
from naskah.models import AuditEvent, Document, Role, User
from naskah.paper import letters
from naskah.workflow import documents
from naskah.workflow.engine import STEP_LABELS, Step

WORK_STEPS = (4, 5, 6, 7, 8)    # the steps where a card is a sandiman's own work
REVEAL_ACTIONS = ("decrypt", "revise", "initial", "sign", "return")
DRAFT_ACTIONS = ("initial", "sign", "return")


@dataclass
class Workload:
    user: User
    by_step: dict = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_step.values())


def workloads() -> list[Workload]:
    """Every active sandiman with their open cards per step, in ONE grouped query.

    Steps 4-6 count for the assigned sandiman, steps 7-8 for the delivery assignee.
    """
    people = db.session.scalars(select(User).where(User.active_in(Role.SANDIMAN))
                                .order_by(User.full_name)).all()
    owner = func.coalesce(Document.delivery_assignee_id, Document.assigned_to_id)
    who = db.case((Document.step >= 7, owner), else_=Document.assigned_to_id)
    rows = db.session.execute(
        select(who, Document.step, func.count(Document.id))
        .where(Document.step.in_(WORK_STEPS), who.is_not(None))
        .group_by(who, Document.step)).all()
    loads = {u.id: Workload(u) for u in people}
    for user_id, step, n in rows:
        if user_id in loads:
            loads[user_id].by_step[int(step)] = int(n)
    return list(loads.values())


def work_step_labels() -> list[tuple[int, str]]:
    return [(s, STEP_LABELS[Step(s)]) for s in WORK_STEPS]


def assigned_by(doc: Document) -> str | None:
    """The Kasi who gave the disposition (the actor of the step.assign event)."""
    row = db.session.execute(
        select(User.full_name, AuditEvent.actor_name).outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.document_id == doc.id, AuditEvent.action == "step.assign")
        .order_by(AuditEvent.seq.desc()).limit(1)).first()
    return (row[0] or row[1]) if row else None


def panel(doc: Document, action: str, user: User) -> dict:
    """The context the panel template needs for `action` (cheap: nothing secret is read here)."""
    out = {"reveal": action in REVEAL_ACTIONS and documents.can_read_content(doc, user)
           and (has_decryption_keys() if action == "decrypt" else doc.plaintext_blob_id is not None),
           "drafts": action in DRAFT_ACTIONS and doc.letters_blob_id is not None,
           "disposition": doc.step >= 4 and action in ("decrypt", "revise", "initial", "request_resend"),
           "can_read": documents.can_read_content(doc, user)}
    if action == "decrypt":
        out["expected"] = directory.expected_keys(doc)   # the correspondent's keys and certificates
    if action == "assign":
        out["workloads"] = workloads()
        out["work_steps"] = work_step_labels()
    if out["disposition"]:
        out["disposed_by"] = assigned_by(doc)
    return out


def reveal(doc: Document, user: User, action: str) -> dict:
    """The text the person works from, recorded in the audit trail (one event).

    Before step 5 (the decrypt panel) it is the office keys' decryption of the stored
    cryptogram: shown, not stored (the step itself decrypts again and stores it). From step 5 on
    it is the typed copy letter.
    """
    if not documents.can_read_content(doc, user):
        from flask import abort
        abort(403)
    if action == "decrypt":
        try:
            result = decrypt_bytes(documents.read_cryptogram(doc) or b"", doc.sender_agency, doc.received_at)
        except DecryptionError as e:
            raise DecryptFailed(e) from None
        text = result.plaintext.decode("utf-8") if result.is_text else None
        audit.append("content.read", actor=user, document=doc,
                     details={"purpose": "preview", "key": result.key_name, "media_type": result.media_type})
        return {"plaintext": text, "media_type": result.media_type, "size": len(result.plaintext),
                "key_name": result.key_name, "preview": True}
    content = documents.read_content(doc, user, purpose="panel") or {}
    return {**content, "preview": False}


def disposition_context(doc: Document) -> dict:
    """Context of print/disposition.html (the lembar disposisi): no classified content."""
    return {"office": letters.office(), "classification": doc.classification, "doc": doc,
            "kasi": letters.kasi_signer(), "assigned_by": assigned_by(doc)}
