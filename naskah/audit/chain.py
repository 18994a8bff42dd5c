"""Append audit events to the hash chain and verify it.

The chain tip lives in one AuditHead row; the append updates it first, which takes a row lock on
PostgreSQL (and SQLite's write lock), so concurrent appenders line up and the chain never forks.

Each link is an HMAC-SHA256 under the audit key kept in the instance folder (instance/audit.key,
0600, or NASKAH_AUDIT_KEY), apart from the database: whoever holds only the database cannot
recompute the chain after altering an event. Checkpoints (naskah.audit.checkpoint) sign the head
with the office CA key, and its short fingerprint is printed on paper.
"""
import hashlib
import hmac
import json
import os

from flask import current_app, has_app_context, has_request_context, request
from sqlalchemy import update

from naskah.config import load_secret
from naskah.core import vault
from naskah.core.timeutil import utcnow
from naskah.extensions import db
from naskah.models import AuditEvent, AuditHead

GENESIS = "0" * 64
KEY_FILE = "audit.key"


def load_key(app) -> bytes:
    """The chain key from AUDIT_KEY / NASKAH_AUDIT_KEY or instance/audit.key (created once, 0600)."""
    value = app.config.get("AUDIT_KEY") or os.environ.get("NASKAH_AUDIT_KEY") \
        or load_secret(app.instance_path, KEY_FILE)
    return value.encode() if isinstance(value, str) else value


def _key() -> bytes:
    return current_app.extensions["naskah_audit_key"]


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


def compute_hash(event: AuditEvent, keyed: bool = True) -> str:
    """The event's link: HMAC under the audit key (plain SHA-256 only for pre-key legacy events)."""
    if not keyed:
        return hashlib.sha256(_canonical(event)).hexdigest()
    return hmac.new(_key(), _canonical(event), hashlib.sha256).hexdigest()


def head_mac(seq: int, last_hash: str, keyed_from_seq: int, key: bytes | None = None) -> str:
    """The head row's own HMAC, so its keyed_from_seq (and tip) cannot be edited unseen."""
    message = f"naskah-audit-head/v1|{seq}|{last_hash}|{keyed_from_seq}".encode()
    return hmac.new(key or _key(), message, hashlib.sha256).hexdigest()


def _ensure_head() -> None:
    if db.session.get(AuditHead, 1) is None:
        db.session.add(AuditHead(id=1, seq=0, last_hash=GENESIS, keyed_from_seq=1, mac=head_mac(0, GENESIS, 1)))
        db.session.flush()


def head_fingerprint() -> str:
    """The head's short fingerprint for printed pages: "#seq" then four groups of four characters."""
    if not has_app_context():
        return "#0"
    head = db.session.execute(db.select(AuditHead.seq, AuditHead.last_hash).where(AuditHead.id == 1)).first()
    if head is None:
        return "#0"
    short = head.last_hash[:16].upper()
    return f"#{head.seq} " + "-".join(short[i:i + 4] for i in range(0, 16, 4))


def append(action: str, *, actor=None, document=None, object_type=None, object_id=None,
           details: dict | None = None, actor_name: str | None = None) -> AuditEvent:
    """Record one event in the caller's transaction; committing is the caller's job."""
    # Atomic increment: the row lock it takes serialises concurrent appenders, and the row it
    # returns is the tip as of that lock (one statement where three were: every action pays it).
    bump = update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + 1).returning(
        AuditHead.seq, AuditHead.last_hash, AuditHead.keyed_from_seq)
    tip = db.session.execute(bump).first()
    if tip is None:  # the very first event
        _ensure_head()
        tip = db.session.execute(bump).one()
    seq, head, keyed_from = tip
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
    db.session.execute(update(AuditHead).where(AuditHead.id == 1).values(
        last_hash=event.hash, mac=head_mac(seq, event.hash, keyed_from)))
    return event


def _head_ok(head: AuditHead) -> bool:
    return head.mac is not None and hmac.compare_digest(
        head.mac, head_mac(head.seq, head.last_hash, head.keyed_from_seq))


def verify(batch: int = 2000) -> tuple[bool, AuditEvent | None, int]:
    """Walk the chain in order; returns (ok, first broken event, events checked)."""
    prev = GENESIS
    expected_seq = 1
    checked = 0
    head = db.session.get(AuditHead, 1)
    keyed_from = head.keyed_from_seq if head is not None else 1
    while True:
        rows = db.session.scalars(
            db.select(AuditEvent).where(AuditEvent.seq >= expected_seq).order_by(AuditEvent.seq).limit(batch)
        ).all()
        if not rows:
            break
        for event in rows:
            link = compute_hash(event, keyed=event.seq >= keyed_from)
            if event.seq != expected_seq or event.prev_hash != prev or not hmac.compare_digest(link, event.hash):
                return False, event, checked
            prev = event.hash
            expected_seq += 1
            checked += 1
    if head is not None and (head.seq != checked or head.last_hash != prev or not _head_ok(head)):
        # Events were removed from the end of the chain, or the head row was edited.
        return False, None, checked
    return True, None, checked


def events_for(document_id: int):
    return db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.document_id == document_id).order_by(AuditEvent.seq)
    ).all()


SEALED = "sealed_blob"


def sealed(text: str | None):
    """An event detail of classified text (a return reason, a note): the text goes to the vault,
    the event keeps the blob's id, so the chain and a copy of the database hold none of it."""
    text = (text or "").strip()
    return {SEALED: vault.store(text.encode("utf-8"), "audit-note").id} if text else ""


def is_sealed(value) -> bool:
    return isinstance(value, dict) and set(value) == {SEALED}


def _opened(value):
    if not is_sealed(value):
        return value
    data = vault.load_id(value[SEALED])
    return data.decode("utf-8") if data is not None else "(telah dimusnahkan)"


def details_of(event: AuditEvent) -> dict:
    """An event's details with sealed texts opened: for the document's own page only."""
    try:
        details = json.loads(event.details)
    except ValueError:
        return {}
    return {key: _opened(value) for key, value in details.items()}
