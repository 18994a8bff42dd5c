"""Encrypted, consistent online backups of the database and the instance files, and restore.

File layout: MAGIC, one JSON header line (scrypt parameters and salt, nonce prefix, SHA-256 and
size of the plaintext archive), then AES-256-GCM chunks of a tar archive. Each chunk's nonce is
prefix | counter | last-flag and the header is authenticated with every chunk, so any change,
reordering or truncation fails. Inside the tar: manifest.json (per-file SHA-256, row counts,
audit head, Alembic revision), the database snapshot and the instance secrets.

Snapshots: SQLite through its online backup API (one step, so one consistent read); PostgreSQL
through pg_dump --format=custom using a snapshot exported from the transaction that counted
the rows, so the manifest and the dump describe the same instant.
"""
import base64
import hashlib
import io
import json
import os
import shutil
import sqlite3
import struct
import subprocess  # pg_dump/pg_restore with fixed arguments, no shell # nosec B404
import tarfile
import tempfile
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from flask import current_app
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from naskah.core.timeutil import utcnow
from naskah.extensions import db

MAGIC = b"NASKAH-SANDI-BACKUP/1\n"
CHUNK = 1 << 20
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 15, 8, 1
INSTANCE_FILES = ("secret_key", "master.key", "audit.key", "config.py")
MIN_PASSPHRASE = 12
MAX_KDF_MEMORY = 256 * 1024 * 1024   # scrypt memory a restore may use (128 * n * r * p bytes)
MAX_ARCHIVE = 1 << 40


class BackupError(Exception):
    """A backup cannot be made or restored; the message is for the operator."""


def _kdf(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", counter) + (b"\x01" if last else b"\x00")


def _sha256_file(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            h.update(block)
    return h.hexdigest()


# -- snapshots ---------------------------------------------------------------------------------

def _pg_env(url) -> dict:
    u = make_url(url)
    env = dict(os.environ)
    for key, value in (("PGHOST", u.host), ("PGPORT", u.port), ("PGUSER", u.username),
                       ("PGPASSWORD", u.password), ("PGDATABASE", u.database)):
        if value is not None:
            env[key] = str(value)
    return env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(f"{name} tidak ditemukan; pasang paket postgresql-client (lihat docs/operations.md).")
    return path


def _facts(conn) -> dict:
    """Row counts, audit head and schema revision, read on `conn` (inside the snapshot)."""
    names = set(inspect(conn).get_table_names())
    counts = {t.name: conn.execute(text(f'SELECT count(*) FROM "{t.name}"')).scalar_one()  # our table names # nosec B608
              for t in db.metadata.sorted_tables if t.name in names}
    head = conn.execute(text("SELECT seq, last_hash FROM audit_head WHERE id = 1")).first() if "audit_head" in names else None
    revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar() if "alembic_version" in names else None
    return {"counts": counts, "audit_head": list(head) if head else None, "alembic_revision": revision}


def snapshot_database(workdir: Path) -> tuple[str, dict]:
    """Write a consistent copy of the database into `workdir`; returns (file name, facts)."""
    engine = db.engine
    if engine.dialect.name == "sqlite":
        target = workdir / "database.sqlite"
        source = sqlite3.connect(engine.url.database, timeout=60)
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)          # pages=-1: the whole database in one consistent step
        finally:
            dest.close()
            source.close()
        check = create_engine(f"sqlite:///{target}")
        with check.connect() as conn:
            facts = _facts(conn)
        check.dispose()
        return target.name, facts
    if engine.dialect.name == "postgresql":
        target = workdir / "database.pgdump"
        with engine.connect() as conn:
            conn.exec_driver_sql("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            snapshot_id = conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
            facts = _facts(conn)
            result = subprocess.run(  # fixed argument list, no shell # nosec B603
                [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                 f"--snapshot={snapshot_id}", f"--file={target}"],
                env=_pg_env(engine.url), capture_output=True, text=True, check=False)
            conn.exec_driver_sql("COMMIT")
        if result.returncode != 0:
            raise BackupError("pg_dump gagal: " + result.stderr.strip()[-500:])
        return target.name, facts
    raise BackupError(f"Basis data {engine.dialect.name} belum didukung untuk cadangan.")


def _instance_files() -> dict[str, bytes]:
    files = {}
    inst = Path(current_app.instance_path)
    for name in INSTANCE_FILES:
        if (inst / name).is_file():
            files[name] = (inst / name).read_bytes()
    # The key in use is what opens the vault, wherever it came from (file, env or config).
    files["master.key"] = base64.urlsafe_b64encode(current_app.extensions["naskah_master_key"])
    files["audit.key"] = current_app.extensions["naskah_audit_key"]  # the chain cannot verify without it
    return files


# -- backup ------------------------------------------------------------------------------------

def create_backup(out_path, passphrase: str, *, scrypt_n: int = SCRYPT_N) -> dict:
    """Write an encrypted backup to `out_path`; returns the manifest."""
    if len(passphrase or "") < MIN_PASSPHRASE:
        raise BackupError(f"Frasa sandi cadangan minimal {MIN_PASSPHRASE} karakter.")
    with tempfile.TemporaryDirectory(prefix="naskah-backup-") as tmp:
        work = Path(tmp)
        db_name, facts = snapshot_database(work)
        members = {db_name: (work / db_name)}
        for name, content in _instance_files().items():
            path = work / f"instance-{name}"
            path.write_bytes(content)
            members[f"instance/{name}"] = path
        manifest = {"format": 1, "created_at": utcnow().isoformat(), "dialect": db.engine.dialect.name,
                    "database_file": db_name, **facts,
                    "files": {name: _sha256_file(path) for name, path in members.items()}}
        archive = work / "archive.tar"
        with tarfile.open(archive, "w") as tar:
            blob = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(blob)
            tar.addfile(info, io.BytesIO(blob))
            for name, path in members.items():
                tar.add(path, arcname=name, recursive=False)
        _encrypt_file(archive, Path(out_path), passphrase, scrypt_n)
    return manifest


def _encrypt_file(src: Path, dst: Path, passphrase: str, scrypt_n: int) -> None:
    salt, prefix = os.urandom(16), os.urandom(7)
    header = {"kdf": "scrypt", "n": scrypt_n, "r": SCRYPT_R, "p": SCRYPT_P,
              "salt": base64.b64encode(salt).decode(), "nonce_prefix": base64.b64encode(prefix).decode(),
              "chunk": CHUNK, "size": src.stat().st_size, "sha256": _sha256_file(src)}
    head = MAGIC + json.dumps(header, sort_keys=True).encode() + b"\n"
    aead = AESGCM(_kdf(passphrase, salt, scrypt_n, SCRYPT_R, SCRYPT_P))
    partial = dst.with_name(dst.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out, open(src, "rb") as fh:
        out.write(head)
        counter, block = 0, fh.read(CHUNK)
        while True:
            following = fh.read(CHUNK)
            sealed = aead.encrypt(_nonce(prefix, counter, not following), block, head)
            out.write(struct.pack(">I", len(sealed)) + sealed)
            if not following:
                break
            counter, block = counter + 1, following
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, dst)


def _b64(value, length: tuple[int, int]) -> bytes | None:
    try:
        raw = base64.b64decode(value, validate=True) if isinstance(value, str) else None
    except ValueError:
        return None
    return raw if raw is not None and length[0] <= len(raw) <= length[1] else None


def _int_in(header: dict, key: str, low: int, high: int) -> bool:
    value = header.get(key)
    return type(value) is int and low <= value <= high


def check_header(header) -> list[str]:
    """Every problem of a backup header, judged before any key derivation or allocation: an
    edited header must not make restore derive a key with gigabytes of memory."""
    if not isinstance(header, dict):
        return ["kepala berkas bukan objek JSON"]
    problems = []
    if header.get("kdf") != "scrypt":
        problems.append("kdf harus scrypt")
    n = header.get("n")
    if not _int_in(header, "n", 2 ** 10, 2 ** 20) or n & (n - 1):
        problems.append("parameter scrypt n harus pangkat dua antara 2^10 dan 2^20")
    if not _int_in(header, "r", 1, 16):
        problems.append("parameter scrypt r harus 1 sampai 16")
    if not _int_in(header, "p", 1, 4):
        problems.append("parameter scrypt p harus 1 sampai 4")
    if not problems and 128 * n * header["r"] * header["p"] > MAX_KDF_MEMORY:
        problems.append("parameter scrypt meminta memori terlalu besar")
    if _b64(header.get("salt"), (16, 64)) is None:
        problems.append("salt tidak sah")
    if _b64(header.get("nonce_prefix"), (7, 7)) is None:
        problems.append("nonce_prefix tidak sah")
    if not _int_in(header, "chunk", 1, CHUNK):
        problems.append("ukuran potongan tidak sah")
    if not _int_in(header, "size", 0, MAX_ARCHIVE):
        problems.append("ukuran arsip tidak sah")
    digest = header.get("sha256")
    if not (isinstance(digest, str) and len(digest) == 64 and all(c in "0123456789abcdef" for c in digest)):
        problems.append("SHA-256 arsip tidak sah")
    return problems


def _read_header(fh) -> tuple[dict, bytes]:
    if fh.read(len(MAGIC)) != MAGIC:
        raise BackupError("Berkas ini bukan cadangan Naskah Sandi.")
    line = fh.readline(4096)
    if not line.endswith(b"\n"):
        raise BackupError("Kepala berkas cadangan rusak: terlalu panjang atau terpotong.")
    try:
        header = json.loads(line)
    except ValueError:
        raise BackupError("Kepala berkas cadangan rusak: bukan JSON.") from None
    problems = check_header(header)
    if problems:
        raise BackupError("Kepala berkas cadangan tidak sah: " + "; ".join(problems) + ".")
    return header, MAGIC + line


def _decrypt_file(src: Path, dst: Path, passphrase: str) -> dict:
    with open(src, "rb") as fh:
        header, head = _read_header(fh)
        aead = AESGCM(_kdf(passphrase, base64.b64decode(header["salt"]), header["n"], header["r"], header["p"]))
        prefix = base64.b64decode(header["nonce_prefix"])
        digest, written, counter = hashlib.sha256(), 0, 0
        with open(dst, "wb") as out:
            while True:
                raw_len = fh.read(4)
                if len(raw_len) < 4:
                    raise BackupError("Berkas cadangan terpotong.")
                length = struct.unpack(">I", raw_len)[0]
                if length > header["chunk"] + 16:  # one chunk plus its GCM tag, never more
                    raise BackupError(f"Berkas cadangan rusak pada bagian {counter}: panjang potongan tidak sah.")
                sealed = fh.read(length)
                last = fh.peek(1)[:1] == b"" if hasattr(fh, "peek") else False
                try:
                    block = aead.decrypt(_nonce(prefix, counter, last), sealed, head)
                except InvalidTag:
                    if counter == 0:
                        raise BackupError("Frasa sandi salah, atau berkas cadangan rusak.") from None
                    raise BackupError(f"Berkas cadangan rusak pada bagian {counter}.") from None
                digest.update(block)
                out.write(block)
                written += len(block)
                if written > header["size"]:
                    raise BackupError("Berkas cadangan lebih panjang dari yang tercatat di kepalanya.")
                counter += 1
                if last:
                    break
    if written != header["size"] or digest.hexdigest() != header["sha256"]:
        raise BackupError("Checksum SHA-256 cadangan tidak cocok.")
    return header


def read_backup(path, passphrase: str, workdir: Path) -> tuple[dict, dict[str, Path]]:
    """Decrypt and unpack into `workdir`, checking every checksum; returns (manifest, files)."""
    archive = workdir / "archive.tar"
    _decrypt_file(Path(path), archive, passphrase)
    files = {}
    with tarfile.open(archive, "r") as tar:
        for member in tar.getmembers():
            if not member.isfile():
                raise BackupError(f"Isi cadangan tidak terduga: {member.name!r}")
            target = workdir / ("m-" + hashlib.sha256(member.name.encode()).hexdigest()[:16])
            with tar.extractfile(member) as src, open(target, "wb") as out:  # never a path from the archive
                shutil.copyfileobj(src, out)
            files[member.name] = target
    if "manifest.json" not in files:
        raise BackupError("Cadangan tanpa manifest.")
    try:
        manifest = json.loads(files.pop("manifest.json").read_text())
        listed = dict(manifest["files"])
    except (ValueError, KeyError, TypeError):
        raise BackupError("Manifest cadangan rusak.") from None
    for name, expected in listed.items():
        if name not in files or _sha256_file(files[name]) != expected:
            raise BackupError(f"Checksum berkas {name} dalam cadangan tidak cocok.")
    return manifest, files
