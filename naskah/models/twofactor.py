"""Second sign-in factor: a TOTP secret (sealed in the vault) and single-use recovery codes."""
from naskah.core.timeutil import utcnow

from ..extensions import db
from .types import UTCDateTime


class TotpCredential(db.Model):
    """One authenticator per user. `confirmed_at` is NULL while enrolment is unfinished."""
    __tablename__ = "totp_credentials"
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), primary_key=True)
    secret_blob_id = db.Column(db.Integer, db.ForeignKey("secret_blobs.id"), nullable=False)
    confirmed_at = db.Column(UTCDateTime, nullable=True)
    last_step = db.Column(db.BigInteger, nullable=True)       # replay guard: last accepted time step
    failed_attempts = db.Column(db.Integer, nullable=False, default=0)
    locked_until = db.Column(UTCDateTime, nullable=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)


class RecoveryCode(db.Model):
    """A single-use recovery code, stored only as a password hash."""
    __tablename__ = "recovery_codes"
    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False, index=True)
    code_hash = db.Column(db.String(255), nullable=False)
    used_at = db.Column(UTCDateTime, nullable=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
