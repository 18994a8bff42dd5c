"""Key custody: the office's decryption identities, pre-shared keys, correspondents' certificates.

Private keys and symmetric keys are never columns here: they live in SecretBlob rows (sealed
under the master key) referenced by `key_blob_id`. Certificates are public and stored as PEM.
"""
from naskah.core.timeutil import utcnow

from ..extensions import db
from .types import UTCDateTime

IDENTITY_STATUS = {
    "active": "Aktif",
    "pending": "Menunggu sertifikat CA",
    "retired": "Dipensiunkan",
}
IDENTITY_SOURCES = {
    "generated": "Dibuat (swa-tanda)",
    "csr": "Dibuat (CSR ke CA)",
    "p12": "Diimpor PKCS#12",
}


SHARED_KINDS = {
    "fernet": "Fernet",
    "kek": "KEK (CMS)",
    "password": "Kata sandi (CMS)",  # nosec B105 - a label, not a password
}


class OfficeIdentity(db.Model):
    """A key pair of the office (RSA, or EC on a NIST curve) that correspondents encrypt to."""
    __tablename__ = "office_identities"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(60), nullable=False, unique=True)
    common_name = db.Column(db.String(200), nullable=False)
    status = db.Column(db.String(12), nullable=False, default="active", index=True)
    source = db.Column(db.String(12), nullable=False)
    key_bits = db.Column(db.Integer, nullable=False)
    key_type = db.Column(db.String(8), nullable=False, default="rsa", server_default="rsa")  # rsa | P-256 ...
    key_blob_id = db.Column(db.Integer, db.ForeignKey("secret_blobs.id"), nullable=False)
    cert_pem = db.Column(db.Text, nullable=True)       # public; empty while a CSR awaits its CA
    csr_pem = db.Column(db.Text, nullable=True)        # public
    fingerprint = db.Column(db.String(64), nullable=True)
    subject = db.Column(db.String(300), nullable=True)
    issuer = db.Column(db.String(300), nullable=True)
    not_before = db.Column(UTCDateTime, nullable=True)
    not_after = db.Column(UTCDateTime, nullable=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)
    retired_at = db.Column(UTCDateTime, nullable=True)
    retired_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)

    @property
    def status_label(self) -> str:
        return IDENTITY_STATUS.get(self.status, self.status)

    @property
    def source_label(self) -> str:
        return IDENTITY_SOURCES.get(self.source, self.source)

    @property
    def key_label(self) -> str:
        """"RSA 3072" or "EC P-256", for lists and messages."""
        return f"RSA {self.key_bits}" if (self.key_type or "rsa") == "rsa" else f"EC {self.key_type}"


class SharedKey(db.Model):
    """A secret agreed with one correspondent agency: a Fernet key, a CMS key-encryption key
    (KEKRecipientInfo, named by `key_id`) or a CMS password (PasswordRecipientInfo)."""
    __tablename__ = "shared_keys"
    id = db.Column(db.Integer, primary_key=True)
    label = db.Column(db.String(60), nullable=False, unique=True)
    agency = db.Column(db.String(200), nullable=False, index=True)
    kind = db.Column(db.String(10), nullable=False, default="fernet", server_default="fernet")
    key_id = db.Column(db.String(128), nullable=True, index=True)   # KEK identifier, lowercase hex (public)
    correspondent_id = db.Column(db.Integer, db.ForeignKey("correspondents.id"), nullable=True, index=True)
    correspondent = db.relationship("Correspondent", foreign_keys=[correspondent_id])   # naskah.correspondents
    key_blob_id = db.Column(db.Integer, db.ForeignKey("secret_blobs.id"), nullable=False)
    # SHA-256 prefix of the key, to compare with the sender; none for a password (it would be
    # a fast hash to guess the password from).
    check_value = db.Column(db.String(16), nullable=True)
    valid_from = db.Column(db.Date, nullable=True)
    valid_until = db.Column(db.Date, nullable=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)
    retired_at = db.Column(UTCDateTime, nullable=True)
    retired_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)

    @property
    def kind_label(self) -> str:
        return SHARED_KINDS.get(self.kind, self.kind)


class CorrespondentCert(db.Model):
    """A sender agency's certificate, pinned to verify signed-then-encrypted cryptograms."""
    __tablename__ = "correspondent_certs"
    id = db.Column(db.Integer, primary_key=True)
    agency = db.Column(db.String(200), nullable=False, index=True)
    correspondent_id = db.Column(db.Integer, db.ForeignKey("correspondents.id"), nullable=True, index=True)
    correspondent = db.relationship("Correspondent", foreign_keys=[correspondent_id])   # naskah.correspondents
    subject = db.Column(db.String(300), nullable=False)
    cert_pem = db.Column(db.Text, nullable=False)
    fingerprint = db.Column(db.String(64), nullable=False)
    not_after = db.Column(UTCDateTime, nullable=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)
    retired_at = db.Column(UTCDateTime, nullable=True)
    retired_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)
