"""Restore a backup (naskah.backup) into an empty instance, then prove it arrived whole.

Refuses a database that holds any row unless forced; the restored copy must show the same row
counts as the manifest recorded inside the snapshot, and its audit chain must verify.
"""
import os
import shutil
import subprocess  # pg_restore with fixed arguments, no shell # nosec B404
import tempfile
from pathlib import Path

from flask import current_app
from sqlalchemy import inspect, text

from naskah.audit import chain as audit
from naskah.core.vault import decode_master_key
from naskah.extensions import db
from naskah.operations.backup import BackupError, _facts, _pg_env, _tool, read_backup


def database_is_empty() -> bool:
    names = set(inspect(db.engine).get_table_names())
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            if table.name in names and conn.execute(
                    text(f'SELECT 1 FROM "{table.name}" LIMIT 1')).first() is not None:  # our table names # nosec B608
                return False
    return True


def _restore_sqlite(snapshot: Path) -> None:
    target = Path(db.engine.url.database)
    db.session.remove()
    db.engine.dispose()
    for suffix in ("-wal", "-shm", "-journal"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    partial = target.with_name(target.name + ".restoring")
    shutil.copyfile(snapshot, partial)
    os.replace(partial, target)


def _restore_postgresql(dump: Path) -> None:
    db.session.remove()
    with db.engine.begin() as conn:
        for name in inspect(conn).get_table_names():
            conn.execute(text(f'DROP TABLE IF EXISTS "{name}" CASCADE'))
        conn.execute(text("DROP FUNCTION IF EXISTS audit_events_append_only() CASCADE"))
    db.engine.dispose()
    result = subprocess.run(  # fixed argument list, no shell # nosec B603
        [_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
         "--dbname", db.engine.url.database, str(dump)],
        env=_pg_env(db.engine.url), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError("pg_restore gagal: " + result.stderr.strip()[-500:])


def _restore_instance_files(files: dict) -> list[str]:
    notes = []
    inst = Path(current_app.instance_path)
    inst.mkdir(parents=True, exist_ok=True)
    for name in ("secret_key", "master.key", "audit.key", "config.py"):
        source = files.get(f"instance/{name}")
        if source is None:
            continue
        target = inst / name
        if name == "config.py" and target.exists() and target.read_bytes() != source.read_bytes():
            target = inst / "config.py.restored"
            notes.append("config.py instance ini dipertahankan; config.py dari cadangan disimpan sebagai "
                         "config.py.restored untuk dibandingkan.")
        partial = target.with_name(target.name + ".restoring")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(source.read_bytes())
        os.replace(partial, target)
    if "instance/audit.key" in files:
        current_app.extensions["naskah_audit_key"] = files["instance/audit.key"].read_bytes().strip()
    key = decode_master_key(files["instance/master.key"].read_text().strip())
    configured = current_app.config.get("MASTER_KEY") or os.environ.get("NASKAH_MASTER_KEY")
    if configured and decode_master_key(configured) != key:
        notes.append("PERINGATAN: NASKAH_MASTER_KEY yang terpasang berbeda dari kunci induk cadangan; "
                     "hapus variabel itu agar instance/master.key yang dipulihkan dipakai.")
    else:
        current_app.extensions["naskah_master_key"] = key
    return notes


def restore_backup(path, passphrase: str, *, force: bool = False) -> dict:
    """Restore into this instance. Returns a report; raises BackupError before touching anything
    when the file, passphrase or checksums are wrong, or the target is not empty."""
    with tempfile.TemporaryDirectory(prefix="naskah-restore-") as tmp:
        manifest, files = read_backup(path, passphrase, Path(tmp))
        dialect = db.engine.dialect.name
        if manifest["dialect"] != dialect:
            raise BackupError(f"Cadangan ini dari {manifest['dialect']}; instance ini memakai {dialect}. "
                              "Pulihkan ke basis data sejenis, lalu pindahkan dengan `flask copy-to`.")
        if not force and not database_is_empty():
            raise BackupError("Instance tujuan tidak kosong. Pulihkan ke instance kosong, atau pakai --force "
                              "untuk MENIMPA seluruh isinya.")
        snapshot = files[manifest["database_file"]]
        if dialect == "sqlite":
            _restore_sqlite(snapshot)
        else:
            _restore_postgresql(snapshot)
        notes = _restore_instance_files(files)
    db.session.remove()
    db.engine.dispose()
    with db.engine.connect() as conn:
        facts = _facts(conn)
    ok_chain, broken, checked = audit.verify()
    db.session.remove()
    counts_ok = facts["counts"] == manifest["counts"]
    return {"ok": ok_chain and counts_ok, "chain_ok": ok_chain, "events": checked,
            "broken_seq": getattr(broken, "seq", None), "counts_ok": counts_ok, "counts": facts["counts"],
            "expected_counts": manifest["counts"], "created_at": manifest["created_at"],
            "alembic_revision": facts["alembic_revision"], "notes": notes}
