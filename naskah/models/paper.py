"""The paper side: signing certificates, trust roots, issued (verifiable) papers, disposals.

Private keys and PKCS#12 files are never columns here: they are SecretBlobs (the vault). Public
certificates, fingerprints and SHA-256 digests of issued PDFs are not secret and live in plain
columns so the public verification page can use them without unsealing anything.
"""
from naskah.core.timeutil import utcnow

from ..extensions import db
from .types import UTCDateTime

CERT_STATUSES = {"active": "Aktif", "retired": "Diganti (tidak aktif)", "revoked": "Dicabut"}
PAPER_KINDS = {
    "cover_letter": "Surat Pengantar",
    "copy_letter": "Surat Salinan",
    "receipt": "Tanda Terima",
    "disposal_report": "Berita Acara Pemusnahan",
}


class TrustRoot(db.Model):
    """A CA whose signatures the office trusts: its own CA ("office") or an external one."""
    __tablename__ = "pki_trust_roots"
    id = db.Column(db.Integer, primary_key=True)
    kind = db.Column(db.String(10), nullable=False)            # office | external
    name = db.Column(db.String(200), nullable=False)
    cert_pem = db.Column(db.Text, nullable=False)
    fingerprint = db.Column(db.String(64), nullable=False, unique=True)
    key_blob_id = db.Column(db.Integer, db.ForeignKey("secret_blobs.id"), nullable=True)  # office CA only
    active = db.Column(db.Boolean, nullable=False, default=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)


class SigningCertificate(db.Model):
    """A user's signing certificate; its PKCS#12 (passphrase-protected) is sealed in the vault."""
    __tablename__ = "pki_signing_certs"
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    serial = db.Column(db.String(64), nullable=False)          # decimal; up to 160 bits
    fingerprint = db.Column(db.String(64), nullable=False, unique=True)
    subject = db.Column(db.String(300), nullable=False)
    issuer = db.Column(db.String(300), nullable=False)
    not_before = db.Column(UTCDateTime, nullable=False)
    not_after = db.Column(UTCDateTime, nullable=False)
    p12_blob_id = db.Column(db.Integer, db.ForeignKey("secret_blobs.id"), nullable=True)
    source = db.Column(db.String(10), nullable=False)          # office | import
    status = db.Column(db.String(10), nullable=False, default="active", index=True)
    revoked_at = db.Column(UTCDateTime, nullable=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    user = db.relationship("User")

    @property
    def status_label(self) -> str:
        return CERT_STATUSES.get(self.status, self.status)


class IssuedPaper(db.Model):
    """A paper we issued with a QR code: what the public verification page may say about it."""
    __tablename__ = "issued_papers"
    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(32), nullable=False, unique=True)
    kind = db.Column(db.String(20), nullable=False)
    document_id = db.Column(db.Integer, db.ForeignKey("documents.id"), nullable=True, index=True)
    disposal_id = db.Column(db.Integer, db.ForeignKey("disposals.id"), nullable=True)
    number = db.Column(db.String(80), nullable=True)
    issued_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    signer_name = db.Column(db.String(200), nullable=True)
    signer_role = db.Column(db.String(60), nullable=True)     # "Ditandatangani oleh", "Disalin oleh", ...
    classification = db.Column(db.String(2), nullable=True)
    void_reason = db.Column(db.String(200), nullable=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    files = db.relationship("IssuedFile", back_populates="paper", order_by="IssuedFile.id",
                            cascade="all, delete-orphan")

    @property
    def kind_label(self) -> str:
        return PAPER_KINDS.get(self.kind, self.kind)


class IssuedFile(db.Model):
    """One exact PDF we handed out for a paper (e.g. signed, then signed and stamped)."""
    __tablename__ = "issued_files"
    id = db.Column(db.Integer, primary_key=True)
    paper_id = db.Column(db.Integer, db.ForeignKey("issued_papers.id"), nullable=False, index=True)
    sha256 = db.Column(db.String(64), nullable=False, index=True)
    label = db.Column(db.String(60), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    paper = db.relationship("IssuedPaper", back_populates="files")


class Disposal(db.Model):
    """A berita acara pemusnahan: which archived records were erased, by whom, before whom."""
    __tablename__ = "disposals"
    id = db.Column(db.Integer, primary_key=True)
    number = db.Column(db.String(80), nullable=False, unique=True)
    disposed_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    kasi_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    witness_name = db.Column(db.String(120), nullable=False)
    witness_nip = db.Column(db.String(40), nullable=False)
    witness_title = db.Column(db.String(120), nullable=True)
    method = db.Column(db.String(300), nullable=False)
    record_count = db.Column(db.Integer, nullable=False)
    records_json = db.Column(db.Text, nullable=False)          # agenda numbers, dates, classes (no content)
    report_blob_id = db.Column(db.Integer, db.ForeignKey("secret_blobs.id"), nullable=True)
    report_sha256 = db.Column(db.String(64), nullable=True)
    signed = db.Column(db.Boolean, nullable=False, default=False)

    kasi = db.relationship("User")
