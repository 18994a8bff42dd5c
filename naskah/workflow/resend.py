"""Awaiting a resend (menunggu kirim ulang): effects of two workflow transitions at step 4, and
the request letter to the sender.

The request keeps the record and its agenda number; the resent cryptogram replaces the stored
bytes while the old ones stay sealed in the vault as superseded. The waiting period is the
request's requested_at .. resolved_at, for the service-time measurement.
"""
import hashlib

from flask import abort, current_app
from sqlalchemy import bindparam, select

from naskah.core import settings, vault
from naskah.core.errors import Conflict, DomainError
from naskah.core.timeutil import utcnow
from naskah.correspondents import directory
from naskah.extensions import db
from naskah.models import Document, User
from naskah.models.decryption import ResendRequest
from naskah.sla import due as sla
from naskah.workflow import engine as workflow


def open_request(doc: Document) -> ResendRequest | None:
    for req in doc.resend_requests:
        if req.resolved_at is None:
            return req
    return None


def is_waiting(doc: Document) -> bool:
    return open_request(doc) is not None


def request_resend(doc: Document, actor: User, data: dict) -> dict:
    """Effect of `request_resend`: record who asks the sender, when and why."""
    if is_waiting(doc):
        raise Conflict("Permintaan kirim ulang untuk naskah ini masih menunggu.")
    reason = str(data.get("reason") or "").strip()
    if not reason:
        raise DomainError("Tuliskan alasan permintaan kirim ulang.", field="reason")
    req = ResendRequest(document_id=doc.id, requested_at=utcnow(), requested_by_id=actor.id, reason=reason)
    db.session.add(req)
    doc.resend_requests.append(req)
    doc.updated_at = utcnow()  # bumps the version: two concurrent requests cannot both succeed
    db.session.flush()
    return {"reason": reason, "resend_request": req.id}


def read_upload(data: dict) -> tuple[bytes, str | None]:
    """The resent cryptogram from an uploaded file or pasted text, within the upload limit."""
    upload = data.get("cryptogram_file")
    limit = current_app.config["CRYPTOGRAM_MAX_BYTES"]
    if upload is not None and getattr(upload, "filename", None):
        payload = upload.read(limit + 1)
        if len(payload) > limit:
            raise DomainError(f"Berkas melebihi batas {limit // (1024 * 1024)} MB.", field="cryptogram_file")
        if not payload:
            raise DomainError("Berkas kosong.", field="cryptogram_file")
        return payload, safe_name(upload.filename)
    if isinstance(upload, (bytes, bytearray)) and upload:
        return bytes(upload), data.get("filename")
    pasted = str(data.get("cryptogram_text") or "").strip()
    if pasted:
        return pasted.encode("utf-8"), None
    raise DomainError("Unggah berkas kriptogram kiriman ulang atau tempelkan teksnya.", field="cryptogram_file")


def safe_name(name: str) -> str:
    """A display name only; never used as a path."""
    keep = "".join(c for c in name.replace("\\", "/").rsplit("/", 1)[-1] if c.isprintable())
    return keep[:200] or "kriptogram"


def attach_resend(doc: Document, actor: User, data: dict) -> dict:
    """Effect of `attach_resend`: the resent cryptogram replaces the stored one on the same record."""
    req = open_request(doc)
    if req is None:
        raise Conflict("Tidak ada permintaan kirim ulang yang menunggu untuk naskah ini.")
    payload, filename = read_upload(data)
    sha = hashlib.sha256(payload).hexdigest()
    if sha == doc.cryptogram_sha256:
        raise DomainError("Berkas ini sama persis dengan kriptogram sebelumnya.", field="cryptogram_file")
    req.superseded_blob_id, req.superseded_filename = doc.cryptogram_blob_id, doc.cryptogram_filename
    req.superseded_size, req.superseded_sha256 = doc.cryptogram_size, doc.cryptogram_sha256
    req.resolved_at, req.resolved_by_id, req.resolution = utcnow(), actor.id, "resent"
    doc.cryptogram_blob_id = vault.store(payload, "cryptogram").id
    doc.cryptogram_filename, doc.cryptogram_size, doc.cryptogram_sha256 = filename, len(payload), sha
    return {"resend_request": req.id, "sha256": sha, "size": len(payload), "superseded_sha256": req.superseded_sha256}


def office_context() -> dict:
    return {
        "name": settings.office_line(),
        "address": settings.get("office_address"),
        "phone": settings.get("office_phone"),
        "website": settings.get("office_website"),
        "city": settings.get("office_city"),
    }


def letter_context(doc: Document, req: ResendRequest, kasi: User | None) -> dict:
    """Context for templates/print/resend_request.html (no content of the message, ever)."""
    return {
        "office": office_context(),
        "unit": settings.get("office_unit"),
        "date": req.requested_at,
        "addressee": directory.addressee(doc),   # name and postal address from the directory
        "sender_ref_number": doc.sender_ref_number,
        "sender_ref_date": doc.sender_ref_date,
        "agenda_number": doc.agenda_label,
        "received_at": doc.received_at,
        "channel": doc.channel_label,
        "cryptogram": {"filename": doc.cryptogram_filename if req.is_open else req.superseded_filename,
                       "sha256": doc.cryptogram_sha256 if req.is_open else req.superseded_sha256},
        "reason": req.reason,
        "requested_by": req.requested_by,
        "signer": {"title": settings.get("kasi_title"), "name": getattr(kasi, "full_name", None),
                   "nip": getattr(kasi, "nip", None)},
        "doc_title": f"Permintaan Kirim Ulang {doc.agenda_label}",
    }


def get_request(doc: Document, req_id: int) -> ResendRequest:
    req = db.session.get(ResendRequest, req_id)
    if req is None or req.document_id != doc.id:
        abort(404)
    return req


_RESENDS = ResendRequest.__table__.c  # the table's columns: see naskah.core.dbtuning
_PAUSES = (select(_RESENDS.document_id, _RESENDS.requested_at, _RESENDS.resolved_at)
           .where(_RESENDS.document_id.in_(bindparam("ids", expanding=True))))  # built once: every board asks


def resend_pauses(doc_ids) -> dict:
    """Waiting periods per document for the SLA clock (one query for all ids)."""
    ids = list(doc_ids)
    if not ids:
        return {}
    rows = db.session.execute(_PAUSES, {"ids": ids}).all()
    out: dict[int, list] = {}
    for doc_id, start, end in rows:
        out.setdefault(doc_id, []).append((start, end))
    return out


def init_app(app):
    """Awaiting a resend is part of step 4: its two transitions, their condition, the SLA pause."""
    workflow.add_hook(app, "request_resend", lambda ctx: request_resend(ctx.doc, ctx.actor, ctx.data))
    workflow.add_hook(app, "attach_resend", lambda ctx: attach_resend(ctx.doc, ctx.actor, ctx.data))
    workflow.add_condition(app, "waiting", is_waiting,
                           "Tidak ada permintaan kirim ulang yang menunggu untuk naskah ini.")
    workflow.add_condition(app, "not_waiting", lambda doc: not is_waiting(doc),
                           "Permintaan kirim ulang untuk naskah ini masih menunggu kiriman dari pengirim.")
    sla.register_pause_source(resend_pauses)
