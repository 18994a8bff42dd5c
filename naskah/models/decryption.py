"""What step 5 records beside the letters: how the cryptogram was decrypted, binary plaintext
kept as attachments of the copy letter, and requests to the sender to resend a cryptogram.

Attachment bytes live in SecretBlob rows (encrypted at rest). Resend requests are a table so the
time spent waiting for the sender can be measured (requested_at .. resolved_at).
"""
from naskah.core.timeutil import utcnow

from ..extensions import db
from .types import UTCDateTime

SIGNATURE_LABELS = {
    "none": "tidak bertanda tangan",
    "verified": "terverifikasi",
    "not_verified": "tidak dapat diverifikasi",
    "invalid": "tidak sah",
}


FORMAT_LABELS = {"der": "CMS (DER)", "pem": "CMS (PEM)", "smime": "S/MIME", "fernet": "Fernet (kunci bersama)"}


class DecryptionRecord(db.Model):
    """One per decrypted document: method, format, algorithms, key used, signature status."""
    __tablename__ = "decryption_records"
    id = db.Column(db.Integer, primary_key=True)
    document_id = db.Column(db.Integer, db.ForeignKey("documents.id"), nullable=False, unique=True)
    method = db.Column(db.String(10), nullable=False)           # office | manual
    format = db.Column(db.String(10), nullable=True)            # der | pem | smime | fernet
    content_encryption = db.Column(db.String(40), nullable=True)
    key_transport = db.Column(db.String(40), nullable=True)
    key_name = db.Column(db.String(60), nullable=True)
    signature = db.Column(db.String(14), nullable=False, default="none")
    signer = db.Column(db.String(200), nullable=True)
    media_type = db.Column(db.String(100), nullable=True)
    cryptogram_sha256 = db.Column(db.String(64), nullable=True)
    decrypted_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    decrypted_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    # Loaded when used (a transition's checks rarely need it); the board reads the records of its
    # page of cards in one Core query (naskah.workflow.cards).
    document = db.relationship("Document", backref=db.backref("decryption", uselist=False, lazy="select"))
    decrypted_by = db.relationship("User")

    @property
    def format_label(self) -> str:
        return FORMAT_LABELS.get(self.format, self.format or "")

    @property
    def signature_label(self) -> str:
        return SIGNATURE_LABELS.get(self.signature, self.signature)


class DocumentAttachment(db.Model):
    """A file attached to the copy letter (e.g. a decrypted PDF or image)."""
    __tablename__ = "document_attachments"
    id = db.Column(db.Integer, primary_key=True)
    document_id = db.Column(db.Integer, db.ForeignKey("documents.id"), nullable=False, index=True)
    blob_id = db.Column(db.Integer, db.ForeignKey("secret_blobs.id"), nullable=False)
    filename = db.Column(db.String(200), nullable=False)
    media_type = db.Column(db.String(100), nullable=False)
    size = db.Column(db.Integer, nullable=False)
    sha256 = db.Column(db.String(64), nullable=False)
    source = db.Column(db.String(20), nullable=False, default="dekripsi")
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)

    document = db.relationship("Document", backref=db.backref("attachments", order_by="DocumentAttachment.id"))


class ResendRequest(db.Model):
    """A request to the sender to resend an undecryptable cryptogram; open while unresolved.

    When the resent cryptogram arrives, the document points at the new bytes and the old ones
    stay sealed here as `superseded_*` (nothing is thrown away).
    """
    __tablename__ = "resend_requests"
    id = db.Column(db.Integer, primary_key=True)
    document_id = db.Column(db.Integer, db.ForeignKey("documents.id"), nullable=False, index=True)
    requested_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    requested_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    reason = db.Column(db.Text, nullable=False)
    resolved_at = db.Column(UTCDateTime, nullable=True)
    resolved_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)
    resolution = db.Column(db.String(12), nullable=True)        # resent | decrypted
    superseded_blob_id = db.Column(db.Integer, db.ForeignKey("secret_blobs.id"), nullable=True)
    superseded_filename = db.Column(db.String(200), nullable=True)
    superseded_size = db.Column(db.Integer, nullable=True)
    superseded_sha256 = db.Column(db.String(64), nullable=True)

    document = db.relationship("Document", backref=db.backref(  # loaded when used, as `decryption`
        "resend_requests", lazy="select", order_by="ResendRequest.id"))
    requested_by = db.relationship("User", foreign_keys=[requested_by_id])
    resolved_by = db.relationship("User", foreign_keys=[resolved_by_id])

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
