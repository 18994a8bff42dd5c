"""Copy every row of this instance's database into another (e.g. SQLite -> PostgreSQL).

The target gets its schema from the Alembic migrations (triggers included), must be empty, and
receives the tables in dependency order, each ordered by primary key, inside one read snapshot
of the source. PostgreSQL sequences are moved past the copied ids. Afterwards the row counts
are compared table by table and the audit chain is verified on the target.
"""
import base64

from flask import current_app
from sqlalchemy import func, insert, inspect, select, text

# The package, not `from naskah import create_app`: the factory imports every area, this one
# included, so the name is looked up when copy_to runs, not while the package may still load.
import naskah
from naskah.audit import chain as audit
from naskah.config import normalise_db_url
from naskah.extensions import db
from naskah.operations.backup import BackupError
from naskah.operations.restore import database_is_empty

BATCH = 500


def _head_revision() -> str:
    from alembic.script import ScriptDirectory
    config = current_app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config).get_current_head()


def _counts(conn) -> dict:
    names = set(inspect(conn).get_table_names())
    return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in db.metadata.sorted_tables if t.name in names}


def copy_to(url: str, *, echo=print) -> dict:
    target_url = normalise_db_url(url)
    source_engine = db.engine
    if target_url == source_engine.url.render_as_string(hide_password=False):
        raise BackupError("Basis data tujuan sama dengan sumber.")
    with source_engine.connect() as conn:
        names = set(inspect(conn).get_table_names())
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar() \
            if "alembic_version" in names else None
    if revision is not None and revision != _head_revision():
        raise BackupError("Skema sumber belum terbaru: jalankan `flask --app app db upgrade` dahulu.")

    target_app = naskah.create_app({
        "SQLALCHEMY_DATABASE_URI": target_url, "INSTANCE_PATH": current_app.instance_path,
        "SECRET_KEY": current_app.config["SECRET_KEY"],
        "MASTER_KEY": base64.urlsafe_b64encode(current_app.extensions["naskah_master_key"]).decode(),
        "AUDIT_KEY": current_app.extensions["naskah_audit_key"],  # the copied chain verifies with it
    })
    with target_app.app_context():
        if not database_is_empty():
            raise BackupError("Basis data tujuan sudah berisi data; gunakan basis data kosong.")
        from flask_migrate import upgrade
        upgrade()
        target_engine = db.engine
        copied = _copy_rows(source_engine, target_engine, echo)
        with target_engine.connect() as conn:
            target_counts = _counts(conn)
        ok_chain, broken, checked = audit.verify()
        db.session.remove()
        target_engine.dispose()
    return {"ok": ok_chain and copied == target_counts, "source_counts": copied,
            "target_counts": target_counts, "chain_ok": ok_chain, "events": checked,
            "broken_seq": getattr(broken, "seq", None)}


def _copy_rows(source_engine, target_engine, echo) -> dict:
    copied = {}
    with source_engine.connect() as src, target_engine.begin() as dst:
        if source_engine.dialect.name == "postgresql":
            src.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        present = set(inspect(src).get_table_names())
        for table in db.metadata.sorted_tables:
            if table.name not in present:
                continue
            dst.execute(table.delete())  # rows a migration may have seeded
            order = list(table.primary_key.columns)
            result = src.execution_options(yield_per=BATCH).execute(select(table).order_by(*order))
            n = 0
            for part in result.mappings().partitions(BATCH):
                dst.execute(insert(table), [dict(row) for row in part])
                n += len(part)
            copied[table.name] = n
            echo(f"  {table.name}: {n} baris")
        if target_engine.dialect.name == "postgresql":
            for table in db.metadata.sorted_tables:
                if "id" in table.c and table.c.id.primary_key and table.c.id.type.python_type is int:
                    dst.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # our table names # nosec B608
                        f'coalesce((SELECT max(id) FROM "{table.name}"), 1), '
                        f'(SELECT max(id) FROM "{table.name}") IS NOT NULL) '
                        f"WHERE pg_get_serial_sequence('{table.name}', 'id') IS NOT NULL"))
    return copied
