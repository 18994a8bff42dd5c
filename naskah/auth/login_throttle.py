"""Checking a sign-in so that unknown, wrong, inactive and throttled look the same from outside.

Every attempt does one password-hash check (against a dummy hash of the same method when the
user is unknown or the pair is throttled), one throttle read and, on failure, one throttle write
and one audit event: the response time and the answer say nothing about which case it was.
The throttle is per account AND address (naskah.core.throttle), so a flood from elsewhere does not
lock the real user out at their own desk.
"""
import secrets

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from naskah.audit import chain as audit
from naskah.core import throttle
from naskah.extensions import db
from naskah.models import User


def _dummy_hash() -> str:
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    cache = current_app.extensions.setdefault("naskah_dummy_hash", {})
    if method not in cache:
        cache[method] = generate_password_hash(secrets.token_urlsafe(16), method=method)
    return cache[method]


def check(username: str, password: str, address: str | None) -> tuple[User | None, str | None]:
    """(user, None) when the sign-in may proceed, else (user or None, reason for the audit)."""
    key = throttle.pair_key(username, address)
    blocked = throttle.pair_blocked(key)
    user = db.session.scalar(db.select(User).where(User.username == username))
    stored = user.password_hash if user is not None else _dummy_hash()
    matches = check_password_hash(stored, password or "")
    if user is None:
        return None, "unknown_user"
    if blocked:
        return user, "throttled"
    if not matches:
        return user, "wrong_password"
    if not user.active:
        return user, "inactive"
    throttle.pair_success(key)
    return user, None


def record_failure(username: str, address: str | None, user: User | None, reason: str) -> None:
    """Count the failure for this pair and audit it (reason kept in the audit trail only)."""
    if user is not None:
        user.failed_logins = (user.failed_logins or 0) + 1
        audit.append("auth.login_failed", actor=user, details={"reason": reason})
    else:
        audit.append("auth.login_failed", actor_name=username[:40] or "?", details={"reason": reason})
    db.session.commit()
    throttle.pair_failure(throttle.pair_key(username, address))
