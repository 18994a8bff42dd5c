"""Append audit events to the hash chain and verify it.

The chain tip lives in one AuditHead row; the append updates it first, which takes a row lock on
PostgreSQL (and SQLite's write lock), so concurrent appenders line up and the chain never forks.
"""
import hashlib
import json

from flask import has_request_context, request
from sqlalchemy import update

from naskah.core.timeutil import utcnow
from naskah.extensions import db
from naskah.models import AuditEvent, AuditHead

GENESIS = "0" * 64


def _canonical(event: AuditEvent) -> bytes:
    fields = {
        "seq": event.seq,
        "at": event.at.isoformat(),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "action": event.action,
        "document_id": event.document_id,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "details": event.details,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def _ensure_head() -> None:
    if db.session.get(AuditHead, 1) is None:
        db.session.add(AuditHead(id=1, seq=0, last_hash=GENESIS))
        db.session.flush()


def append(action: str, *, actor=None, document=None, object_type=None, object_id=None,
           details: dict | None = None, actor_name: str | None = None) -> AuditEvent:
    """Record one event in the caller's transaction; committing is the caller's job."""
    _ensure_head()
    # Atomic increment: the row lock it takes serialises concurrent appenders.
    seq = db.session.execute(
        update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + 1).returning(AuditHead.seq)
    ).scalar_one()
    head = db.session.execute(db.select(AuditHead.last_hash).where(AuditHead.id == 1)).scalar_one()
    details = dict(details or {})
    if has_request_context():
        details.setdefault("ip", request.remote_addr)
    event = AuditEvent(
        seq=seq,
        at=utcnow(),
        actor_id=getattr(actor, "id", None),
        actor_name=actor_name or (actor.username if actor is not None else "sistem"),
        action=action,
        document_id=getattr(document, "id", document),
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        details=json.dumps(details, sort_keys=True, ensure_ascii=False, default=str),
        prev_hash=head,
    )
    event.hash = compute_hash(event)
    db.session.add(event)
    db.session.execute(update(AuditHead).where(AuditHead.id == 1).values(last_hash=event.hash))
    return event


def verify(batch: int = 2000) -> tuple[bool, AuditEvent | None, int]:
    """Walk the chain in order; returns (ok, first broken event, events checked)."""
    prev = GENESIS
    expected_seq = 1
    checked = 0
    while True:
        rows = db.session.scalars(
            db.select(AuditEvent).where(AuditEvent.seq >= expected_seq).order_by(AuditEvent.seq).limit(batch)
        ).all()
        if not rows:
            break
        for event in rows:
            if event.seq != expected_seq or event.prev_hash != prev or compute_hash(event) != event.hash:
                return False, event, checked
            prev = event.hash
            expected_seq += 1
            checked += 1
    head = db.session.get(AuditHead, 1)
    if head is not None and (head.seq != checked or head.last_hash != prev):
        # Events were removed from the end of the chain.
        return False, None, checked
    return True, None, checked


def events_for(document_id: int):
    return db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.document_id == document_id).order_by(AuditEvent.seq)
    ).all()


def details_of(event: AuditEvent) -> dict:
    try:
        return json.loads(event.details)
    except ValueError:
        return {}
