"""Refusals of classified content leave a trace: who, what, from where (an audit event each)."""
from flask import request
from flask_login import current_user

from . import audit
from .errors import render_error
from .extensions import db

DENIED = "access.denied"


def record(reason: str, *, document=None, object_type=None, object_id=None) -> None:
    """Append and commit one denial event (its own transaction: the refused request rolls back)."""
    db.session.rollback()
    actor = current_user._get_current_object() if current_user.is_authenticated else None
    audit.append(DENIED, actor=actor, actor_name=None if actor else "anonim", document=document,
                 object_type=object_type, object_id=object_id,
                 details={"reason": reason, "path": request.path[:200], "method": request.method})
    db.session.commit()


def deny(reason: str, *, message: str | None = None, status: int = 403, **target):
    record(reason, **target)
    return render_error(status, message)
