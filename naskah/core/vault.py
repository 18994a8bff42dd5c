"""Envelope encryption for everything secret at rest.

Each secret gets a fresh 256-bit data key; the data is sealed with AES-256-GCM under it and the
data key is sealed with AES-256-GCM under the master key (instance/master.key, mode 0600, or
NASKAH_MASTER_KEY). Rotating the master key only re-wraps data keys; destroying a SecretBlob row
destroys its data for good.
"""
import base64
import hashlib
import hmac
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app

from naskah.core.filemodes import read_or_create
from naskah.extensions import db
from naskah.models import SecretBlob

WRAP_AAD = b"naskah-sandi/data-key/v1"


class VaultError(Exception):
    """The master key does not open a data key: wrong key, or tampered data."""


def _aad(purpose: str) -> bytes:
    return b"naskah-sandi/blob/v1/" + purpose.encode()


def master_key_path(app=None) -> Path:
    app = app or current_app
    return Path(app.instance_path) / "master.key"


def load_or_create_master_key(app) -> bytes:
    """Read the master key from NASKAH_MASTER_KEY or instance/master.key, creating it once."""
    value = app.config.get("MASTER_KEY") or os.environ.get("NASKAH_MASTER_KEY")
    if not value:
        value = read_or_create(master_key_path(app),
                               lambda: base64.urlsafe_b64encode(os.urandom(32)).decode())
    key = decode_master_key(value)
    return key


def decode_master_key(value) -> bytes:
    key = value if isinstance(value, bytes) else base64.urlsafe_b64decode(value.encode())
    if len(key) != 32:
        raise VaultError("master key must be 32 bytes (urlsafe base64)")
    return key


def _master() -> bytes:
    return current_app.extensions["naskah_master_key"]


def wrap(data_key: bytes, master: bytes) -> bytes:
    nonce = os.urandom(12)
    return nonce + AESGCM(master).encrypt(nonce, data_key, WRAP_AAD)


def unwrap(wrapped: bytes, master: bytes) -> bytes:
    try:
        return AESGCM(master).decrypt(wrapped[:12], wrapped[12:], WRAP_AAD)
    except (InvalidTag, ValueError) as exc:
        raise VaultError("data key cannot be unwrapped with this master key") from exc


def store(data: bytes, purpose: str) -> SecretBlob:
    """Seal bytes into a new SecretBlob (added to the session, not committed)."""
    data_key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(12)
    blob = SecretBlob(
        purpose=purpose,
        wrapped_key=wrap(data_key, _master()),
        nonce=nonce,
        ciphertext=AESGCM(data_key).encrypt(nonce, data, _aad(purpose)),
        size=len(data),
    )
    blob.mac = mac_of(blob, data_key)
    db.session.add(blob)
    db.session.flush()
    return blob


def mac_of(blob: SecretBlob, data_key: bytes | None = None) -> str:
    """Keyed MAC over what is stored (never over the plaintext). The key derives from the blob's
    own data key, so it survives master-key rotation and needs the master key to compute."""
    data_key = data_key or unwrap(blob.wrapped_key, _master())
    mac_key = hmac.new(data_key, b"naskah-sandi/blob-mac/v1", hashlib.sha256).digest()
    body = blob.purpose.encode() + b"\x00" + bytes(blob.nonce) + bytes(blob.ciphertext)
    return hmac.new(mac_key, body, hashlib.sha256).hexdigest()


def mac_ok(blob: SecretBlob) -> bool:
    return blob.mac is not None and hmac.compare_digest(blob.mac, mac_of(blob))


def backfill_macs() -> int:
    """Rows migrated from the plaintext SHA-256 column get their MAC once GCM has authenticated
    them; returns how many were filled."""
    count = 0
    for blob in db.session.scalars(db.select(SecretBlob).where(SecretBlob.mac.is_(None))):
        load(blob)  # raises VaultError for a tampered row: no MAC is made for it
        blob.mac = mac_of(blob)
        count += 1
    return count


def load(blob: SecretBlob) -> bytes:
    data_key = unwrap(blob.wrapped_key, _master())
    try:
        return AESGCM(data_key).decrypt(blob.nonce, blob.ciphertext, _aad(blob.purpose))
    except InvalidTag as exc:
        raise VaultError("secret blob failed authentication") from exc


def load_id(blob_id: int | None) -> bytes | None:
    if blob_id is None:
        return None
    blob = db.session.get(SecretBlob, blob_id)
    return None if blob is None else load(blob)


def destroy(blob_id: int | None) -> None:
    """Remove a secret for good: its wrapped data key goes with the row."""
    if blob_id is not None:
        blob = db.session.get(SecretBlob, blob_id)
        if blob is not None:
            db.session.delete(blob)
