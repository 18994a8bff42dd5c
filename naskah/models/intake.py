"""E-mail intake: the mailboxes the office watches and every message it has dealt with.

The mailbox password is sealed in the vault (`password_blob_id`). `lease_owner`/`lease_until`
make one process at a time poll a mailbox, across threads, processes and servers.
`MailMessage.message_key` is unique: a message leads to at most one card, however often it
is fetched.
"""
from naskah.core.timeutil import utcnow

from ..extensions import db
from .types import UTCDateTime

SECURITY = {"tls": "TLS (IMAPS)", "starttls": "STARTTLS"}
MESSAGE_STATUS = {"card": "Menjadi kartu", "refused": "Ditolak", "left": "Dibiarkan"}


class Mailbox(db.Model):
    __tablename__ = "mailboxes"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(60), nullable=False, unique=True)
    host = db.Column(db.String(200), nullable=False)
    port = db.Column(db.Integer, nullable=False)
    username = db.Column(db.String(200), nullable=False)
    security = db.Column(db.String(10), nullable=False, default="tls")
    password_blob_id = db.Column(db.Integer, db.ForeignKey("secret_blobs.id"), nullable=False)
    folder = db.Column(db.String(200), nullable=False, default="INBOX")
    processed_folder = db.Column(db.String(200), nullable=False, default="Naskah/Diproses")
    refused_folder = db.Column(db.String(200), nullable=False, default="Naskah/Ditolak")
    known_senders_only = db.Column(db.Boolean, nullable=False, default=False)
    default_classification = db.Column(db.String(2), nullable=False, default="R")
    default_urgency = db.Column(db.String(10), nullable=False, default="segera")
    active = db.Column(db.Boolean, nullable=False, default=True)
    last_poll_at = db.Column(UTCDateTime, nullable=True)
    last_result = db.Column(db.String(300), nullable=True)
    last_error = db.Column(db.Text, nullable=True)
    last_ok = db.Column(db.Boolean, nullable=True)
    lease_owner = db.Column(db.String(80), nullable=True)
    lease_until = db.Column(UTCDateTime, nullable=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)

    @property
    def security_label(self) -> str:
        return SECURITY.get(self.security, self.security)


class MailMessage(db.Model):
    """One e-mail the intake looked at: the card it became, or why it was refused."""
    __tablename__ = "mail_messages"
    id = db.Column(db.Integer, primary_key=True)
    mailbox_id = db.Column(db.Integer, db.ForeignKey("mailboxes.id"), nullable=False, index=True)
    message_key = db.Column(db.String(600), nullable=False, unique=True)   # Message-ID, or sha256:<raw>
    message_id = db.Column(db.String(500), nullable=True)
    content_sha256 = db.Column(db.String(64), nullable=False)
    size = db.Column(db.Integer, nullable=False, default=0)
    status = db.Column(db.String(10), nullable=False)
    reason = db.Column(db.String(500), nullable=True)
    from_address = db.Column(db.String(254), nullable=True)
    message_date = db.Column(UTCDateTime, nullable=True)
    signature = db.Column(db.String(12), nullable=True)      # verified | unverified | invalid | none
    signer = db.Column(db.String(200), nullable=True)
    correspondent_id = db.Column(db.Integer, db.ForeignKey("correspondents.id"), nullable=True)
    document_id = db.Column(db.Integer, db.ForeignKey("documents.id"), nullable=True, index=True)
    evidence_blob_id = db.Column(db.Integer, db.ForeignKey("secret_blobs.id"), nullable=True)
    moved = db.Column(db.Boolean, nullable=False, default=False)   # moved out of the watched folder
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow, index=True)

    mailbox = db.relationship("Mailbox")

    @property
    def status_label(self) -> str:
        return MESSAGE_STATUS.get(self.status, self.status)
