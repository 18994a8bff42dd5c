"""The complaint desk (Pengaduan Layanan): complaints and their responses.

The complainant's identity (name, contact) is never a column: it is sealed in a SecretBlob
(naskah.core.vault) referenced by `identity_blob_id`. The access code is stored only as a keyed
digest (naskah.accesscodes), so neither the database nor a backup reveals it.
"""
from naskah.core.timeutil import utcnow

from ..extensions import db
from .types import UTCDateTime

COMPLAINT_CHANNELS = {
    "langsung": "Langsung (datang ke loket)",
    "telepon": "Telepon",
    "email": "Email",
    "website": "Situs web",
    "lapor": "SP4N-LAPOR!",
}
COMPLAINT_STATUSES = {
    "baru": "Baru",
    "ditanggapi": "Ditanggapi",
    "dieskalasi": "Dieskalasi",
    "selesai": "Selesai",
}
RESPONSE_KINDS = {
    "tanggapan": "Tanggapan",
    "eskalasi": "Eskalasi",
    "penyelesaian": "Penyelesaian",
    "dibuka": "Dibuka kembali",
}


class Complaint(db.Model):
    __tablename__ = "complaints"
    id = db.Column(db.Integer, primary_key=True)
    year = db.Column(db.Integer, nullable=False)
    number = db.Column(db.Integer, nullable=False)
    ticket = db.Column(db.String(20), nullable=False, unique=True)
    access_code_digest = db.Column(db.String(64), nullable=False, unique=True)
    version = db.Column(db.Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}

    channel = db.Column(db.String(12), nullable=False, index=True)
    lapor_id = db.Column(db.String(40), nullable=True)          # SP4N-LAPOR! tracking id
    anonymous = db.Column(db.Boolean, nullable=False, default=False)
    identity_blob_id = db.Column(db.Integer, db.ForeignKey("secret_blobs.id"), nullable=True)
    text = db.Column(db.Text, nullable=False)
    related_agenda = db.Column(db.String(40), nullable=True)
    related_document_id = db.Column(db.Integer, db.ForeignKey("documents.id"), nullable=True)

    status = db.Column(db.String(12), nullable=False, default="baru", index=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    first_response_due = db.Column(UTCDateTime, nullable=False)
    solution_due = db.Column(UTCDateTime, nullable=False)
    first_response_at = db.Column(UTCDateTime, nullable=True)
    escalated_at = db.Column(UTCDateTime, nullable=True)
    closed_at = db.Column(UTCDateTime, nullable=True)
    reopened_at = db.Column(UTCDateTime, nullable=True)
    reopen_count = db.Column(db.Integer, nullable=False, default=0)

    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)  # None: public form
    handler_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True, index=True)
    escalated_to_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True, index=True)
    escalation_reason = db.Column(db.Text, nullable=True)
    solution = db.Column(db.Text, nullable=True)
    closed_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)

    created_by = db.relationship("User", foreign_keys=[created_by_id])
    handler = db.relationship("User", foreign_keys=[handler_id], lazy="joined")
    escalated_to = db.relationship("User", foreign_keys=[escalated_to_id], lazy="joined")
    closed_by = db.relationship("User", foreign_keys=[closed_by_id])
    responses = db.relationship("ComplaintResponse", back_populates="complaint",
                                order_by="ComplaintResponse.id", lazy="select")

    __table_args__ = (
        db.UniqueConstraint("year", "number", name="uq_complaints_year_number"),
        db.Index("ix_complaints_status_due", "status", "solution_due"),
    )

    @property
    def status_label(self) -> str:
        return COMPLAINT_STATUSES.get(self.status, self.status)

    @property
    def channel_label(self) -> str:
        return COMPLAINT_CHANNELS.get(self.channel, self.channel)

    @property
    def is_open(self) -> bool:
        return self.status != "selesai"

    @property
    def was_escalated(self) -> bool:
        return self.escalated_at is not None


class ComplaintResponse(db.Model):
    """One entry of a complaint's thread: a response, the escalation, the solution, a reopening."""
    __tablename__ = "complaint_responses"
    id = db.Column(db.Integer, primary_key=True)
    complaint_id = db.Column(db.Integer, db.ForeignKey("complaints.id"), nullable=False, index=True)
    author_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    kind = db.Column(db.String(12), nullable=False, default="tanggapan")
    text = db.Column(db.Text, nullable=False)
    public = db.Column(db.Boolean, nullable=False, default=False)

    complaint = db.relationship("Complaint", back_populates="responses")
    author = db.relationship("User", lazy="joined")

    @property
    def kind_label(self) -> str:
        return RESPONSE_KINDS.get(self.kind, self.kind)
