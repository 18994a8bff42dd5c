"""Counters for rate limits and sign-in throttles, in the database so every server process shares them."""
from ..extensions import db
from .types import UTCDateTime


class RateCounter(db.Model):
    """One window or throttle. `key` is a SHA-256 of scope and subject (no address or name in clear)."""
    __tablename__ = "rate_counters"
    key = db.Column(db.String(64), primary_key=True)
    count = db.Column(db.Integer, nullable=False, default=0)
    window_start = db.Column(UTCDateTime, nullable=False)
    blocked_until = db.Column(UTCDateTime, nullable=True)
