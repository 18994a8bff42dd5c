"""Refusals of classified content leave a trace: who, what, from where (an audit event each)."""
from datetime import date, datetime, time

from flask import g, request
from flask_login import current_user

from naskah.audit import chain as audit
from naskah.core.dbtuning import writes_from_here
from naskah.core.errors import render_error
from naskah.core.timeutil import WIB
from naskah.extensions import db
from naskah.models import AuditEvent, Document

DENIED = "access.denied"


def record(reason: str, *, document=None, object_type=None, object_id=None) -> None:
    """Append and commit one denial event (its own transaction: the refused request rolls back)."""
    db.session.rollback()
    writes_from_here()  # a refused GET may have begun a deferred read: write through the queue
    actor = current_user._get_current_object() if current_user.is_authenticated else None
    if isinstance(document, int) and db.session.get(Document, document) is None:
        # an id that names no document (a guessed URL) is kept as what was asked for: the
        # event's document column is a foreign key, and the refusal must not become a 500
        document, object_type, object_id = None, object_type or "document", object_id or str(document)
    audit.append(DENIED, actor=actor, actor_name=None if actor else "anonim", document=document,
                 object_type=object_type, object_id=object_id,
                 details={"reason": reason, "path": request.path[:200], "method": request.method})
    db.session.commit()
    g.denial_recorded = True


def deny(reason: str, *, message: str | None = None, status: int = 403, **target):
    record(reason, **target)
    return render_error(status, message)


def count_between(start: date, end: date) -> int:
    """Denials recorded from `start` up to `end` (WIB dates, end exclusive): for the dashboard."""

    lo, hi = (datetime.combine(d, time(), tzinfo=WIB) for d in (start, end))
    return db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(
        AuditEvent.action == DENIED, AuditEvent.at >= lo, AuditEvent.at < hi)) or 0


def init_app(app) -> None:
    @app.after_request
    def audit_refusals(response):
        """Every 403 (role check, need-to-know, workflow guard) becomes one audit event."""
        if response.status_code == 403 and not g.get("denial_recorded") and current_user.is_authenticated:
            record("forbidden", document=(request.view_args or {}).get("doc_id"))
        return response
