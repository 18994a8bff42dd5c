"""The cryptogram record: what step 1 takes in and what each later step adds.

Secret content (cryptogram bytes, plaintext, letter texts) is never a column here: it lives in
SecretBlob rows referenced by id, so it is encrypted at rest and can be destroyed on disposal.
"""
from naskah.core.timeutil import utcnow

from ..extensions import db
from .types import SealedText, UTCDateTime

CLASSIFICATIONS = {
    "SR": "Sangat Rahasia",
    "R": "Rahasia",
    "T": "Terbatas",
    "B": "Biasa",
}
URGENCIES = {
    "kilat": "Amat Segera / Kilat",
    "segera": "Segera",
    "biasa": "Biasa",
}
URGENCY_ORDER = {"kilat": 0, "segera": 1, "biasa": 2}
CHANNELS = {
    "kurir": "Kurir",
    "email": "Email",
    "faks": "Faksimile",
    "radio": "Radio",
    "lainnya": "Lainnya",
}


class DocumentLabels:
    """What a document says about itself in words, from its plain fields: the model and the
    board's light cards (naskah.workflow.cards) share it."""
    __slots__ = ()

    @property
    def classification_label(self) -> str:
        return CLASSIFICATIONS.get(self.classification, self.classification)

    @property
    def urgency_label(self) -> str:
        return URGENCIES.get(self.urgency, self.urgency)

    @property
    def channel_label(self) -> str:
        return CHANNELS.get(self.channel, self.channel)

    @property
    def is_red(self) -> bool:
        return self.classification in ("SR", "R")

    @property
    def agenda_label(self) -> str:
        if self.agenda_number is None:
            return "belum diagendakan"
        return f"{self.agenda_number:04d}/{self.agenda_year}"


class Document(DocumentLabels, db.Model):
    __tablename__ = "documents"
    id = db.Column(db.Integer, primary_key=True)
    step = db.Column(db.Integer, nullable=False, default=1, index=True)
    version = db.Column(db.Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}

    # Step 1: intake
    sender_agency = db.Column(db.String(200), nullable=False)       # as written at intake (history)
    # No FOREIGN KEY constraint on purpose: adding one makes SQLite rebuild `documents`, which the
    # rows referencing documents forbid while foreign keys are on (naskah.correspondents keeps it).
    correspondent_id = db.Column(db.Integer, nullable=True, index=True)
    sender_email = db.Column(db.String(254), nullable=True)         # e-mail intake: the From address
    sender_ref_number = db.Column(db.String(100), nullable=False)
    sender_ref_date = db.Column(db.Date, nullable=True)
    channel = db.Column(db.String(20), nullable=False)
    classification = db.Column(db.String(2), nullable=False, index=True)
    urgency = db.Column(db.String(10), nullable=False, index=True)
    received_at = db.Column(UTCDateTime, nullable=False, index=True)
    notes = db.Column(db.Text, nullable=True)
    cryptogram_blob_id = db.Column(db.Integer, db.ForeignKey("secret_blobs.id"), nullable=True)
    cryptogram_filename = db.Column(db.String(200), nullable=True)
    cryptogram_size = db.Column(db.Integer, nullable=True)
    cryptogram_sha256 = db.Column(db.String(64), nullable=True)

    # Step 2: agenda
    agenda_entry_id = db.Column(db.Integer, db.ForeignKey("agenda_entries.id"), nullable=True)
    agenda_year = db.Column(db.Integer, nullable=True)
    agenda_number = db.Column(db.Integer, nullable=True)

    # Step 3: report to the kasi
    reported_at = db.Column(UTCDateTime, nullable=True)

    # Step 4: disposition
    assigned_to_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True, index=True)
    assigned_at = db.Column(UTCDateTime, nullable=True)
    disposition_note = db.Column(SealedText("documents.disposition_note"), nullable=True)   # the kasi's instruction

    # Step 5: decryption and letters (contents encrypted in SecretBlobs)
    plaintext_blob_id = db.Column(db.Integer, db.ForeignKey("secret_blobs.id"), nullable=True)
    letters_blob_id = db.Column(db.Integer, db.ForeignKey("secret_blobs.id"), nullable=True)
    forwarded_to = db.Column(SealedText("documents.forwarded_to"), nullable=True)   # addressee; an agenda column
    copy_index = db.Column(db.Integer, nullable=True)
    copy_total = db.Column(db.Integer, nullable=True)
    decrypted_at = db.Column(UTCDateTime, nullable=True)
    content_version = db.Column(db.Integer, nullable=False, default=0)

    # Step 6: paraf over one content version
    paraf_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)
    paraf_at = db.Column(UTCDateTime, nullable=True)
    paraf_sha256 = db.Column(db.String(64), nullable=True)
    paraf_content_version = db.Column(db.Integer, nullable=True)

    # Step 7: signature or return for revision
    signed_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)
    signed_at = db.Column(UTCDateTime, nullable=True)
    delivery_assignee_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True, index=True)
    delivery_note = db.Column(SealedText("documents.delivery_note"), nullable=True)
    revision_reason = db.Column(SealedText("documents.revision_reason"), nullable=True)
    revision_count = db.Column(db.Integer, nullable=False, default=0)

    # Step 8: numbering and delivery
    copy_entry_id = db.Column(db.Integer, db.ForeignKey("agenda_entries.id"), nullable=True)
    letter_number = db.Column(db.String(80), nullable=True)
    delivered_at = db.Column(UTCDateTime, nullable=True)
    recipient_name = db.Column(db.String(120), nullable=True)
    recipient_nip = db.Column(db.String(40), nullable=True)
    cover_number = db.Column(db.String(80), nullable=True)         # reserved at signing (step 7)
    # No foreign key: adding one makes SQLite rebuild `documents`, which existing rows and the
    # search triggers forbid (see correspondent_id); the vault row is looked up by id.
    receipt_scan_blob_id = db.Column(db.Integer, nullable=True)

    # Step 9: archive
    archived_at = db.Column(UTCDateTime, nullable=True, index=True)  # the board's "archived this week"
    archive_cabinet = db.Column(db.String(40), nullable=True)      # where the paper is kept
    archive_shelf = db.Column(db.String(40), nullable=True)
    archive_box = db.Column(db.String(40), nullable=True)
    archive_folder = db.Column(db.String(40), nullable=True)
    archive_note = db.Column(db.String(500), nullable=True)

    # Paper side (naskah.paperflow): frozen, signed and stamped PDFs live in the vault
    cover_pdf_blob_id = db.Column(db.Integer, db.ForeignKey("secret_blobs.id"), nullable=True)
    signed_pdf_blob_id = db.Column(db.Integer, db.ForeignKey("secret_blobs.id"), nullable=True)
    signed_sha256 = db.Column(db.String(64), nullable=True)
    signature_kind = db.Column(db.String(12), nullable=True)   # elektronik | basah
    signing_cert_id = db.Column(db.Integer, db.ForeignKey("pki_signing_certs.id"), nullable=True)
    stamped_cover_blob_id = db.Column(db.Integer, db.ForeignKey("secret_blobs.id"), nullable=True)
    stamped_copy_blob_id = db.Column(db.Integer, db.ForeignKey("secret_blobs.id"), nullable=True)
    receipt_blob_id = db.Column(db.Integer, db.ForeignKey("secret_blobs.id"), nullable=True)
    stamped_at = db.Column(UTCDateTime, nullable=True)
    retention_until = db.Column(db.Date, nullable=True, index=True)
    disposed_at = db.Column(UTCDateTime, nullable=True)
    disposal_id = db.Column(db.Integer, db.ForeignKey("disposals.id"), nullable=True)

    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = db.Column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow, index=True)

    assigned_to = db.relationship("User", foreign_keys=[assigned_to_id], lazy="joined")
    delivery_assignee = db.relationship("User", foreign_keys=[delivery_assignee_id], lazy="joined")
    paraf_by = db.relationship("User", foreign_keys=[paraf_by_id])
    signed_by = db.relationship("User", foreign_keys=[signed_by_id])
    created_by = db.relationship("User", foreign_keys=[created_by_id])
    correspondent = db.relationship("Correspondent", primaryjoin="foreign(Document.correspondent_id) == Correspondent.id",
                                    viewonly=True)

    __table_args__ = (
        db.Index("ix_documents_step_urgency_received", "step", "urgency", "received_at"),
        # the waiting badge on every page: a user's cards at a step, not all ever assigned to them
        db.Index("ix_documents_assignee_step", "assigned_to_id", "step"),
        db.Index("ix_documents_courier_step", "delivery_assignee_id", "step"),
    )
