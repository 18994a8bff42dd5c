"""Column types shared by the models."""
import base64
import os
from datetime import datetime, timezone

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy.types import DateTime, Text, TypeDecorator


class UTCDateTime(TypeDecorator):
    """Stores aware datetimes as naive UTC and returns them aware, on SQLite and PostgreSQL alike."""
    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use UTC-aware datetimes")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, str):  # pragma: no cover - defensive for raw SQLite reads
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=timezone.utc)


# -- sealed text columns ---------------------------------------------------------------------------
SEALED_PREFIX = "s1:"
_FIELD_INFO = b"naskah-sandi/sealed-column/v1"
_FIELD_KEYS: dict[bytes, bytes] = {}


def field_key(master: bytes) -> bytes:
    """The key of sealed columns: HKDF of the master key (so `keys rotate-master` re-seals them)."""
    key = _FIELD_KEYS.get(master)
    if key is None:
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_FIELD_INFO).derive(master)
        _FIELD_KEYS.clear()   # one master at a time; a rotation replaces it
        _FIELD_KEYS[master] = key
    return key


def seal_value(text: str, label: str, master: bytes) -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(field_key(master)).encrypt(nonce, text.encode("utf-8"), label.encode())
    return SEALED_PREFIX + base64.b64encode(nonce + sealed).decode("ascii")


def open_value(stored: str, label: str, master: bytes) -> str:
    """The text of a sealed value; an unsealed one (written before the sealing migration) as is."""
    if not stored.startswith(SEALED_PREFIX):
        return stored
    raw = base64.b64decode(stored[len(SEALED_PREFIX):])
    return AESGCM(field_key(master)).decrypt(raw[:12], raw[12:], label.encode()).decode("utf-8")


class SealedText(TypeDecorator):
    """Classified context kept in a row (the disposition instruction, the addressee, notes):
    AES-256-GCM under a key derived from the master key, bound to "table.column", so a copy of
    the database file shows none of it. Such a column cannot be searched or compared in SQL.
    A value per row, not a SecretBlob: the board shows these on every card without a query each."""
    impl = Text
    cache_ok = True

    def __init__(self, label: str):
        super().__init__()
        self.label = label

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return seal_value(str(value), self.label, _master())

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return open_value(value, self.label, _master())


def _master() -> bytes:
    return current_app.extensions["naskah_master_key"]
