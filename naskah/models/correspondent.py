"""The correspondent directory: the agencies that send the office cryptograms.

A merged entry is never deleted: it keeps its name (so old spellings still resolve) and points
at the surviving entry with `merged_into_id`; documents, keys, certificates and e-mail
addresses move to the survivor.
"""
from naskah.core.timeutil import utcnow

from ..extensions import db
from .types import UTCDateTime


class Correspondent(db.Model):
    __tablename__ = "correspondents"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(200), nullable=False)
    name_key = db.Column(db.String(200), nullable=False, unique=True)   # casefolded, spaces collapsed
    short_name = db.Column(db.String(40), nullable=True)
    address = db.Column(db.Text, nullable=True)
    contact = db.Column(db.String(200), nullable=True)
    merged_into_id = db.Column(db.Integer, db.ForeignKey("correspondents.id"), nullable=True, index=True)
    merged_at = db.Column(UTCDateTime, nullable=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)

    emails = db.relationship("CorrespondentEmail", back_populates="correspondent",
                             order_by="CorrespondentEmail.address")
    merged_into = db.relationship("Correspondent", remote_side=[id])

    @property
    def label(self) -> str:
        return f"{self.name} ({self.short_name})" if self.short_name else self.name


class CorrespondentEmail(db.Model):
    """An e-mail address a correspondent sends from; one address belongs to one agency."""
    __tablename__ = "correspondent_emails"
    id = db.Column(db.Integer, primary_key=True)
    correspondent_id = db.Column(db.Integer, db.ForeignKey("correspondents.id"), nullable=False, index=True)
    address = db.Column(db.String(254), nullable=False, unique=True)   # lower case
    correspondent = db.relationship("Correspondent", back_populates="emails")
