"""Server-side sign-in sessions: one row per browser session, found by a hash of its cookie."""
from naskah.core.timeutil import utcnow

from ..extensions import db
from .types import UTCDateTime


class WebSession(db.Model):
    """The cookie carries a random id alone; this row stores only its SHA-256 and the session data
    sealed under a key derived from that id, so a copy of the database opens no session."""
    __tablename__ = "web_sessions"
    id = db.Column(db.Integer, primary_key=True)
    token_hash = db.Column(db.String(64), unique=True, nullable=False)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True, index=True)
    data = db.Column(db.LargeBinary, nullable=False)
    user_agent = db.Column(db.String(200), nullable=True)
    ip = db.Column(db.String(64), nullable=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    last_seen_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    expires_at = db.Column(UTCDateTime, nullable=False, index=True)
