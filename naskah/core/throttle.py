"""Rate limits and sign-in throttles kept in the database (shared by every server process).

Written by hand: Flask-Limiter would need Redis or memcached for shared state, which an office
server does not run; one small table works on SQLite and PostgreSQL alike. Each write is an
atomic upsert, so concurrent processes count every attempt once.

Callers use these before the view changes anything: the counter is committed at once, so an
attempt counts even when the view later rolls back.
"""
import hashlib
from datetime import timedelta

from flask import current_app
from sqlalchemy import case

from naskah.core.timeutil import utcnow
from naskah.extensions import db
from naskah.models.ratecounter import RateCounter


def counter_key(scope: str, *parts) -> str:
    raw = "\x00".join([scope, *[str(p or "?") for p in parts]])
    return hashlib.sha256(raw.encode()).hexdigest()


def _insert():
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(RateCounter)


def _bump(key: str, window_seconds: float) -> int:
    """Add one to `key`'s window (a new window once the old one is over); returns the count."""
    now = utcnow()
    expired = RateCounter.window_start < now - timedelta(seconds=window_seconds)
    stmt = _insert().values(key=key, count=1, window_start=now)
    stmt = stmt.on_conflict_do_update(index_elements=[RateCounter.key], set_={
        "count": case((expired, 1), else_=RateCounter.count + 1),
        "window_start": case((expired, now), else_=RateCounter.window_start),
    }).returning(RateCounter.count)
    count = db.session.execute(stmt).scalar_one()
    db.session.commit()
    return count


def _row(key: str) -> RateCounter | None:
    return db.session.execute(db.select(RateCounter).where(RateCounter.key == key)).scalar_one_or_none()


class DatabaseRateLimiter:
    """Fixed-window limiter with the interface the views used with the in-memory one."""

    def hit(self, key: str, limit: int, window_seconds: float) -> bool:
        """Record one attempt; False when `key` has used up `limit` attempts in the window."""
        return _bump(counter_key("rate", key), window_seconds) <= limit

    def allowed(self, key: str, limit: int, window_seconds: float) -> bool:
        """True while `key` has fewer than `limit` attempts in the window (records nothing)."""
        row = _row(counter_key("rate", key))
        if row is None or row.window_start < utcnow() - timedelta(seconds=window_seconds):
            return True
        return row.count < limit

    def reset(self) -> None:
        db.session.execute(db.delete(RateCounter))
        db.session.commit()


# Sign-in throttle per account and address: a few free failures, then each further failure
# blocks this pair (only) for twice as long as the previous one, up to LOGIN_PAIR_MAX_DELAY.

def pair_key(username: str, address: str | None) -> str:
    return counter_key("login-pair", (username or "").strip().lower()[:80], address)


def pair_blocked(key: str) -> bool:
    row = _row(key)
    return row is not None and row.blocked_until is not None and row.blocked_until > utcnow()


def pair_failure(key: str) -> None:
    cfg = current_app.config
    count = _bump(key, cfg["LOGIN_PAIR_FORGET_SECONDS"])
    free = cfg["LOGIN_PAIR_FREE_FAILURES"]
    if count >= free:
        delay = min(cfg["LOGIN_PAIR_BASE_DELAY"] * 2 ** (count - free), cfg["LOGIN_PAIR_MAX_DELAY"])
        db.session.execute(db.update(RateCounter).where(RateCounter.key == key).values(
            blocked_until=utcnow() + timedelta(seconds=delay)))
        db.session.commit()


def pair_success(key: str) -> None:
    db.session.execute(db.delete(RateCounter).where(RateCounter.key == key))
