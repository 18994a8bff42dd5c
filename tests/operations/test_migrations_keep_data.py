"""Upgrades: from the first schema revision to head on a populated database, every record kept,
and the migrated schema equal to the models. Generic over revisions and tables, so each new
migration is covered without touching this file."""
from datetime import date, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import MetaData, inspect, text
from sqlalchemy import types as sqltypes

from naskah import create_app
from naskah.extensions import db
from naskah.models.types import SEALED_PREFIX, open_value
from tests.conftest import PG_URL, make_config

ROWS = 3


def revision_path(app):
    config = app.extensions["migrate"].migrate.get_config()
    script = ScriptDirectory.from_config(config)
    return [rev.revision for rev in reversed(list(script.walk_revisions("base", "heads")))]


def sample(column, i, table_name):
    """A value for row i (1-based) that fits the column; FKs point at row i of the parent."""
    t = column.type
    if column.foreign_keys:
        fk = next(iter(column.foreign_keys))
        if fk.column.table.name == table_name:
            return None if column.nullable else i
        return i
    if isinstance(t, sqltypes.Boolean):
        return bool(i % 2)
    if isinstance(t, sqltypes.Integer):
        return i
    if isinstance(t, sqltypes.DateTime):
        return datetime(2026, 1, i, 9, 30).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(t, sqltypes.Date):
        return date(2026, 1, i).isoformat()
    if isinstance(t, sqltypes.LargeBinary):
        return bytes([i]) * 16
    if isinstance(t, (sqltypes.String, sqltypes.Text)):
        length = getattr(t, "length", None) or 40
        return f"{column.name[:6]}{i}".ljust(min(length, 8), "x")[:length]
    pytest.fail(f"add a sample value for column type {t!r} ({table_name}.{column.name})")


def populate(conn) -> dict:
    """Insert ROWS rows with raw SQL into every table of the current schema."""
    meta = MetaData()
    meta.reflect(conn)
    for table in meta.sorted_tables:
        if table.name == "alembic_version":
            continue
        cols = list(table.columns)
        sql = text(f'INSERT INTO "{table.name}" ({", ".join(f"{chr(34)}{c.name}{chr(34)}" for c in cols)}) '  # nosec B608
                   f'VALUES ({", ".join(f":p{n}" for n in range(len(cols)))})')
        for i in range(1, ROWS + 1):
            conn.execute(sql, {f"p{n}": sample(c, i, table.name) for n, c in enumerate(cols)})
    return read_all(conn)


def read_all(conn) -> dict:
    out = {}
    for name in inspect(conn).get_table_names():
        if name == "alembic_version":
            continue
        columns = [c["name"] for c in inspect(conn).get_columns(name)]
        pk = inspect(conn).get_pk_constraint(name)["constrained_columns"] or columns[:1]
        rows = conn.execute(text(f'SELECT * FROM "{name}" ORDER BY {", ".join(pk)}')).mappings().all()  # nosec B608
        out[name] = [dict(r) for r in rows]
    return out


def _opened(table: str, column: str, value, master: bytes):
    """A value sealed by a migration (naskah.models.types.SealedText) read back as its text."""
    if isinstance(value, str) and value.startswith(SEALED_PREFIX):
        return open_value(value, f"{table}.{column}", master)
    return value


def assert_kept(before: dict, after: dict, revision: str, master: bytes):
    for table, rows in before.items():
        assert table in after, f"table {table} disappeared at {revision}"
        assert len(after[table]) == len(rows), f"{table}: row count changed at {revision}"
        for old, new in zip(rows, after[table], strict=True):
            kept = {k: _opened(table, k, new[k], master) for k in old if k in new}
            assert kept == {k: old[k] for k in kept}, f"{table}: values changed at {revision}"


def _database_urls(tmp_path):
    urls = [f"sqlite:///{tmp_path}/upgrade.sqlite"]
    if PG_URL.startswith("postgresql"):
        from tests.operations.test_backup import pg_sibling_url
        urls.append(pg_sibling_url(PG_URL, "upgrade"))
    return urls


def test_upgrade_from_first_revision_keeps_records_and_matches_models(tmp_path):
    for url in _database_urls(tmp_path):
        app = create_app(make_config(tmp_path / url.split(":")[0], SQLALCHEMY_DATABASE_URI=url))
        with app.app_context():
            revisions = revision_path(app)
            assert len(revisions) >= 1
            upgrade(revision=revisions[0])
            with db.engine.begin() as conn:
                before = populate(conn)
            assert all(len(rows) == ROWS for rows in before.values())
            for revision in revisions[1:]:
                upgrade(revision=revision)
                with db.engine.connect() as conn:
                    assert_kept(before, read_all(conn), revision, app.extensions["naskah_master_key"])
            with db.engine.connect() as conn:  # the sealing migration left no clear text behind
                for table, column in (("documents", "forwarded_to"), ("documents", "disposition_note"),
                                      ("agenda_entries", "notes")):
                    raw = conn.execute(text(f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL")).scalars().all()  # nosec B608
                    assert raw and all(v.startswith(SEALED_PREFIX) for v in raw), (table, column)
            with db.engine.connect() as conn:
                from naskah.core.search import is_search_object  # FTS5 tables / pg_trgm indexes: not models
                opts = {"compare_type": True, "include_name": lambda name, *_: not is_search_object(name)}
                diffs = compare_metadata(MigrationContext.configure(conn, opts=opts), db.metadata)
                assert diffs == [], f"schema after migrations differs from the models on {url.split(':')[0]}: {diffs}"
                version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
                assert version == revisions[-1]
            db.engine.dispose()
