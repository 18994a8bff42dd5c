"""The borrowing log of archived paper files (peminjaman arsip)."""
from naskah.core.timeutil import utcnow

from ..extensions import db
from .types import UTCDateTime


class ArchiveLoan(db.Model):
    """One borrowing of an archived record's paper file: who, when, why, returned when."""
    __tablename__ = "archive_loans"
    id = db.Column(db.Integer, primary_key=True)
    document_id = db.Column(db.Integer, db.ForeignKey("documents.id"), nullable=False, index=True)
    borrower_name = db.Column(db.String(120), nullable=False)
    borrower_unit = db.Column(db.String(120), nullable=True)
    purpose = db.Column(db.String(500), nullable=False)
    borrowed_at = db.Column(UTCDateTime, nullable=False)
    due_on = db.Column(db.Date, nullable=True)
    returned_at = db.Column(UTCDateTime, nullable=True)
    lent_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    received_back_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    lent_by = db.relationship("User", foreign_keys=[lent_by_id])
    received_back_by = db.relationship("User", foreign_keys=[received_back_by_id])
