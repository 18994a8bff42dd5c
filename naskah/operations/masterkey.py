"""Master key rotation: re-wrap every data key under a fresh master key, all or nothing.

Only the small wrapped data keys are read and rewritten (never the blobs' ciphertexts), with the
sealed row values (naskah.models.types.SealedText) sealed again, in one database transaction. With a key file, the new key is written beside the old one before the commit and
swapped in after it; the old key stays as master.key.old-<timestamp>. With NASKAH_MASTER_KEY the
new value is handed back for the operator to install. Stop the web server while rotating: a
running server still holds the old key in memory.
"""
import base64
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from flask import current_app
from sqlalchemy import select, text, update

from naskah.audit import chain as audit
from naskah.core import vault
from naskah.core.timeutil import utcnow
from naskah.extensions import db
from naskah.models import SecretBlob
from naskah.models.types import SealedText, open_value, seal_value

BATCH = 500


class RotationError(Exception):
    """Rotation refused or failed; nothing was changed."""


@dataclass
class Rotation:
    count: int
    storage: str                    # "file" | "env"
    new_key_b64: str | None = None  # only for "env": the operator must install it
    backup: Path | None = None      # only for "file": the old key kept beside the new


def uses_environment(app) -> bool:
    return bool(app.config.get("MASTER_KEY") or os.environ.get("NASKAH_MASTER_KEY"))


def _write_private(path: Path, content: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(content)
        fh.flush()
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def reseal_columns(old: bytes, new: bytes) -> int:
    """Seal every SealedText value again under the new master key's column key (the values of a
    row column are small, unlike blobs, and have no data key of their own)."""
    count = 0
    for table in db.Model.metadata.sorted_tables:
        for column in table.columns:
            if not isinstance(column.type, SealedText):
                continue
            rows = db.session.execute(text(
                f"SELECT id, {column.name} FROM {table.name} WHERE {column.name} IS NOT NULL")).all()  # nosec B608 - names from the models
            for row_id, value in rows:
                db.session.execute(text(f"UPDATE {table.name} SET {column.name} = :v WHERE id = :id"),  # nosec B608 - names from the models
                                   {"v": seal_value(open_value(value, column.type.label, old), column.type.label, new),
                                    "id": row_id})
                count += 1
    return count


def rewrap(old: bytes, new: bytes) -> int:
    """Re-wrap every data key in the current transaction; reads only ids and wrapped keys."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("LOCK TABLE secret_blobs IN EXCLUSIVE MODE"))  # no new blob slips past
    count, last_id = 0, 0
    while True:
        rows = db.session.execute(
            select(SecretBlob.id, SecretBlob.wrapped_key, SecretBlob.key_version)
            .where(SecretBlob.id > last_id).order_by(SecretBlob.id).limit(BATCH)).all()
        if not rows:
            break
        for blob_id, wrapped, version in rows:
            db.session.execute(update(SecretBlob).where(SecretBlob.id == blob_id).values(
                wrapped_key=vault.wrap(vault.unwrap(bytes(wrapped), old), new),
                key_version=(version or 1) + 1))
            count += 1
        last_id = rows[-1][0]
    return count


def rotate(app=None) -> Rotation:
    app = app or current_app
    old = app.extensions["naskah_master_key"]
    new = os.urandom(32)
    new_b64 = base64.urlsafe_b64encode(new).decode()
    env = uses_environment(app)
    path = vault.master_key_path(app)
    pending = path.with_name("master.key.new")
    if not env and pending.exists():
        raise RotationError(f"{pending} sudah ada: rotasi sebelumnya terputus. Periksa berkas itu "
                            "(lihat docs/keys-and-decryption.md) sebelum mencoba lagi.")
    try:
        count = rewrap(old, new)
        resealed = reseal_columns(old, new)
        audit.append("key.rotate_master", actor_name="cli",
                     details={"rewrapped": count, "resealed": resealed, "storage": "env" if env else "file"})
    except (vault.VaultError, InvalidTag):
        db.session.rollback()
        raise RotationError("Kunci induk yang dimuat tidak membuka semua kunci data; tidak ada yang diubah.") from None
    except Exception:
        db.session.rollback()
        raise
    if env:
        db.session.commit()
        app.extensions["naskah_master_key"] = new
        return Rotation(count, "env", new_key_b64=new_b64)

    backup = path.with_name(f"master.key.old-{utcnow().strftime('%Y%m%dT%H%M%SZ')}")
    created = []
    try:
        for target, content in ((backup, path.read_text().strip()), (pending, new_b64)):
            _write_private(target, content)
            created.append(target)
        db.session.commit()
    except Exception:
        db.session.rollback()
        for p in created:  # only what this run wrote; an older backup is never touched
            p.unlink()
        raise
    os.replace(pending, path)  # atomic: master.key is either the old key or the new one
    _fsync_dir(path.parent)
    app.extensions["naskah_master_key"] = new
    db.session.expire_all()
    return Rotation(count, "file", backup=backup)
