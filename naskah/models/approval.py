"""Two-person rule for Kasi rights: a request waits here until a second person decides."""
from naskah.core.timeutil import utcnow

from ..extensions import db
from .types import UTCDateTime


class KasiApproval(db.Model):
    """kind: create (a new Kasi account), grant (the Kasi role), reset_password, reset_2fa."""
    __tablename__ = "kasi_approvals"
    id = db.Column(db.Integer, primary_key=True)
    kind = db.Column(db.String(20), nullable=False)
    subject_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    requested_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    reason = db.Column(db.Text, nullable=False)
    approver_role = db.Column(db.String(20), nullable=False)
    status = db.Column(db.String(20), nullable=False, default="pending", index=True)
    requested_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    decided_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)
    decided_at = db.Column(UTCDateTime, nullable=True)

    subject = db.relationship("User", foreign_keys=[subject_id])
    requested_by = db.relationship("User", foreign_keys=[requested_by_id])
    decided_by = db.relationship("User", foreign_keys=[decided_by_id])
