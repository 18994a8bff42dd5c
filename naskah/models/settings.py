"""Office settings as JSON values under a key; defaults live in naskah.settings."""
from naskah.core.timeutil import utcnow

from ..extensions import db
from .types import UTCDateTime


class OfficeSetting(db.Model):
    __tablename__ = "office_settings"
    key = db.Column(db.String(60), primary_key=True)
    value = db.Column(db.Text, nullable=False)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
