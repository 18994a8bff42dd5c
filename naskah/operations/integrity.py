"""Integrity check: the audit chain, every sealed secret, every cryptogram's SHA-256, and the
database's own check. Run by `flask check`, daily by the server (naskah.scheduler), and from
the admin page; the last report is kept in the office settings and shown at /admin/integritas.

Each check in CHECKS returns
(ok, detail, problems) where problems is a list of short strings.
"""
import hashlib
import time

from flask import current_app
from sqlalchemy import text

from naskah.audit import chain as audit
from naskah.audit.checkpoint import make_checkpoint, verify_checkpoints
from naskah.core import settings, vault
from naskah.core.filemodes import loose_modes
from naskah.core.timeutil import utcnow
from naskah.extensions import db
from naskah.models import Document, SecretBlob

REPORT_KEY = "integrity_last_report"
MAX_PROBLEMS = 50
EXPLICIT_ID_TABLES = {"audit_head"}   # rows inserted with a fixed id, never from the sequence
BATCH = 200

SETTINGS_DEFAULTS = {REPORT_KEY: None}


def check_database():
    engine = db.session.get_bind()
    if engine.dialect.name == "sqlite":
        rows = [r[0] for r in db.session.execute(text("PRAGMA integrity_check")).all()]
        fk = db.session.execute(text("PRAGMA foreign_key_check")).all()
        problems = [r for r in rows if r != "ok"] + [f"foreign key: {tuple(r)}" for r in fk]
        return not problems, "PRAGMA integrity_check dan foreign_key_check", problems
    # PostgreSQL: read every row of every table (a damaged page fails the scan) and compare
    # each serial sequence with the highest id, which a bad restore or copy leaves behind.
    problems, total = [], 0
    for table in db.metadata.sorted_tables:
        total += db.session.execute(text(f'SELECT count(*) FROM "{table.name}"')).scalar_one()  # table names come from our own metadata # nosec B608
        if table.name not in EXPLICIT_ID_TABLES and "id" in table.c and table.c.id.autoincrement is not False and table.c.id.type.python_type is int:
            seq = db.session.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name}).scalar()
            if seq:
                last = db.session.execute(text(f"SELECT last_value, is_called FROM {seq}")).one()  # name from pg_get_serial_sequence # nosec B608
                top = db.session.execute(text(f'SELECT max(id) FROM "{table.name}"')).scalar() or 0  # nosec B608
                if top > (last[0] if last[1] else last[0] - 1):
                    problems.append(f"sequence {seq} di belakang max(id) {table.name}")
    return not problems, f"PostgreSQL: {total} baris terbaca, urutan id diperiksa", problems


def check_audit():
    ok, event, checked = audit.verify()
    signed_ok, signed, problems = verify_checkpoints()
    if not ok:
        where = f"kejadian #{event.seq} ({event.action})" if event is not None else "ujung rantai hilang atau kepala rantai diubah"
        problems = [where, *problems]
        return False, f"rantai putus setelah {checked} kejadian", problems
    if not signed_ok:
        return False, f"{checked} kejadian; checkpoint bertanda tangan tidak cocok", problems
    return True, f"{checked} kejadian, rantai utuh, {signed} checkpoint cocok", []


def _batches(model, key):
    last = None
    while True:
        stmt = db.select(model).order_by(key).limit(BATCH)
        if last is not None:
            stmt = stmt.where(key > last)
        rows = db.session.scalars(stmt).all()
        if not rows:
            return
        yield rows
        last = getattr(rows[-1], key.key)
        db.session.expunge_all()


def check_file_modes():
    loose = loose_modes(current_app.instance_path)
    return not loose, f"{len(loose)} berkas terlalu terbuka" if loose else "semua berkas pribadi", loose


def check_secrets():
    problems, count = [], 0
    for rows in _batches(SecretBlob, SecretBlob.id):
        for blob in rows:
            count += 1
            try:
                data = vault.load(blob)
            except vault.VaultError:
                problems.append(f"SecretBlob {blob.id} ({blob.purpose}): gagal dibuka")
                continue
            if (blob.mac is not None and not vault.mac_ok(blob)) or len(data) != blob.size:
                problems.append(f"SecretBlob {blob.id} ({blob.purpose}): MAC tidak cocok")
    return not problems, f"{count} rahasia diperiksa", problems


def check_cryptograms():
    problems, count = [], 0
    for rows in _batches(Document, Document.id):
        for doc in rows:
            if doc.cryptogram_blob_id is None:
                continue
            count += 1
            try:
                data = vault.load_id(doc.cryptogram_blob_id)
            except vault.VaultError:
                problems.append(f"naskah {doc.id}: kriptogram gagal dibuka")
                continue
            if data is None:
                problems.append(f"naskah {doc.id}: kriptogram hilang")
            elif hashlib.sha256(data).hexdigest() != doc.cryptogram_sha256:
                problems.append(f"naskah {doc.id}: SHA-256 kriptogram tidak cocok")
    return not problems, f"{count} kriptogram diperiksa", problems


CHECKS = (
    ("database", "Pemeriksaan bawaan basis data", check_database),
    ("audit", "Rantai hash jejak audit", check_audit),
    ("files", "Izin berkas folder instance (0600 berkas, 0700 folder)", check_file_modes),
    ("secrets", "Brankas rahasia (dekripsi dan MAC tiap SecretBlob)", check_secrets),
    ("cryptograms", "SHA-256 kriptogram yang diterima", check_cryptograms),
)


def run_all() -> dict:
    """Run every check (a failing or crashing check never stops the others)."""
    started = utcnow()
    results = []
    for name, label, fn in CHECKS:
        t0 = time.perf_counter()
        try:
            ok, detail, problems = fn()
        except Exception as exc:  # noqa: BLE001 - a broken check is itself a failed check
            db.session.rollback()
            ok, detail, problems = False, "pemeriksaan gagal dijalankan", [type(exc).__name__]
        results.append({"name": name, "label": label, "ok": bool(ok), "detail": detail,
                        "problems": list(problems)[:MAX_PROBLEMS], "problem_count": len(problems),
                        "seconds": round(time.perf_counter() - t0, 2)})
    return {"ok": all(r["ok"] for r in results), "started_at": started.isoformat(),
            "finished_at": utcnow().isoformat(), "checks": results}


def run_and_store(trigger: str, actor=None) -> dict:
    """Run, keep the report for the admin page, and record the run in the audit trail."""
    report = run_all()
    report["trigger"] = trigger
    db.session.rollback()  # the checks only read; start the write transaction clean
    try:
        vault.backfill_macs()  # rows migrated from the old plaintext SHA-256 column
    except vault.VaultError:
        db.session.rollback()  # a tampered row: reported by the secrets check, never given a MAC
    settings.set_value(REPORT_KEY, report)
    if report["ok"]:
        make_checkpoint()  # sign the head of a chain that was just found whole
    audit.append("integrity.check", actor=actor, actor_name=None if actor else trigger,
                 details={"ok": report["ok"], "failed": [r["name"] for r in report["checks"] if not r["ok"]]})
    db.session.commit()
    return report


def last_report() -> dict | None:
    return settings.get(REPORT_KEY)


def format_report(report: dict) -> str:
    lines = []
    for r in report["checks"]:
        lines.append(f"[{'OK' if r['ok'] else 'GAGAL'}] {r['label']}: {r['detail']}")
        lines.extend(f"    - {p}" for p in r["problems"])
        if r["problem_count"] > len(r["problems"]):
            lines.append(f"    ... dan {r['problem_count'] - len(r['problems'])} lagi")
    lines.append("HASIL: " + ("SEMUA PEMERIKSAAN LULUS" if report["ok"] else "ADA PEMERIKSAAN YANG GAGAL"))
    return "\n".join(lines)
