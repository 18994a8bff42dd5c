"""Encrypted blobs: every secret byte string lives here, sealed under its own data key."""
from naskah.core.timeutil import utcnow

from ..extensions import db
from .types import UTCDateTime


class SecretBlob(db.Model):
    """One secret (cryptogram bytes, plaintext, letter text, attachment).

    `wrapped_key` is the per-record data key encrypted under the master key; `ciphertext` is
    AES-256-GCM under the data key. Destroying the row destroys the data for good.
    """
    __tablename__ = "secret_blobs"
    id = db.Column(db.Integer, primary_key=True)
    purpose = db.Column(db.String(40), nullable=False)
    wrapped_key = db.Column(db.LargeBinary, nullable=False)
    key_version = db.Column(db.Integer, nullable=False, default=1)
    nonce = db.Column(db.LargeBinary, nullable=False)
    ciphertext = db.Column(db.LargeBinary, nullable=False)
    # HMAC-SHA256 over purpose, nonce and ciphertext under a key derived from the master key: an
    # integrity check that tells a database copy nothing about the plaintext (no SHA-256 of it).
    mac = db.Column(db.String(64), nullable=True)
    size = db.Column(db.Integer, nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
