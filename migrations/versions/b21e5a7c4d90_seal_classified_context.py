"""seal classified context in rows: the addressee (documents and agenda), the kasi's disposition
instruction, the return reason, the delivery note and the agenda notes (naskah.models.types.
SealedText); the addressee leaves the search indexes

Revision ID: b21e5a7c4d90
Revises: a14c0b3e5d21
Create Date: 2026-12-02 02:00:00

"""
import sqlalchemy as sa
from alembic import op
from flask import current_app

from naskah.models.types import SEALED_PREFIX, open_value, seal_value

revision = 'b21e5a7c4d90'
down_revision = 'a14c0b3e5d21'
branch_labels = None
depends_on = None

SEALED = {
    "documents": ("forwarded_to", "disposition_note", "revision_reason", "delivery_note"),
    "agenda_entries": ("forwarded_to", "notes"),
}
WIDENED = {"documents": ("forwarded_to",), "agenda_entries": ("forwarded_to",)}  # were VARCHAR(200)
OLD_INDEXES = {
    "agenda_search": ("agenda_entries", ("sender", "letter_number")),
    "document_search": ("documents", ("sender_agency", "sender_ref_number", "forwarded_to")),
}
NEW_INDEXES = {
    "agenda_search": ("agenda_entries", ("sender", "letter_number")),
    "document_search": ("documents", ("sender_agency", "sender_ref_number")),
}


def _sqlite_fts(indexes, name):
    """The statements of naskah.core.search._sqlite_ddl (kept here as they were at this revision)."""
    table, cols = indexes[name]
    names = ", ".join(cols)
    new = ", ".join(f"new.{c}" for c in cols)
    old = ", ".join(f"old.{c}" for c in cols)
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {name} USING fts5({names}, content='{table}', "
        f"content_rowid='id', tokenize='trigram')",
        f"CREATE TRIGGER IF NOT EXISTS {name}_ai AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {name}(rowid, {names}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER IF NOT EXISTS {name}_ad AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {name}({name}, rowid, {names}) VALUES ('delete', old.id, {old}); END",
        f"CREATE TRIGGER IF NOT EXISTS {name}_au AFTER UPDATE OF {names} ON {table} BEGIN "
        f"INSERT INTO {name}({name}, rowid, {names}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {name}(rowid, {names}) VALUES (new.id, {new}); END",
        f"INSERT INTO {name}({name}) VALUES ('rebuild')",
    ]


def _drop_sqlite_fts(name):
    for suffix in ("ai", "ad", "au"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}_{suffix}")
    op.execute(f"DROP TABLE IF EXISTS {name}")


def _retype(sql_type: str):
    """VARCHAR(200) <-> TEXT. PostgreSQL alters in place. SQLite without a table rebuild (a batch
    rebuild of `documents` fails on the foreign keys that point at it): a new column, the values
    copied, the old one dropped and the new one renamed (SQLite >= 3.35)."""
    for table, cols in WIDENED.items():
        for col in cols:
            if op.get_bind().dialect.name == "postgresql":
                op.execute(f"ALTER TABLE {table} ALTER COLUMN {col} TYPE {sql_type}")
                continue
            op.execute(f"ALTER TABLE {table} ADD COLUMN {col}_new {sql_type}")
            op.execute(f"UPDATE {table} SET {col}_new = {col}")  # nosec B608 - names above
            op.execute(f"ALTER TABLE {table} DROP COLUMN {col}")
            op.execute(f"ALTER TABLE {table} RENAME COLUMN {col}_new TO {col}")


def _convert(fn):
    """Rewrite every value of the sealed columns with fn(value, "table.column", master)."""
    master = current_app.extensions["naskah_master_key"]
    bind = op.get_bind()
    for table, cols in SEALED.items():
        for col in cols:
            rows = bind.execute(sa.text(f"SELECT id, {col} FROM {table} WHERE {col} IS NOT NULL")).all()  # nosec B608 - names above
            for row_id, value in rows:
                bind.execute(sa.text(f"UPDATE {table} SET {col} = :v WHERE id = :id"),  # nosec B608 - names above
                             {"v": fn(value, f"{table}.{col}", master), "id": row_id})


def _seal(value, label, master):
    return value if value.startswith(SEALED_PREFIX) else seal_value(value, label, master)


def upgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("DROP INDEX IF EXISTS ix_trgm_documents_forwarded_to")
    else:  # the triggers name forwarded_to, which is replaced: take the indexes down and up again
        for name in OLD_INDEXES:
            _drop_sqlite_fts(name)
    _retype("TEXT")
    _convert(_seal)
    if not postgres:
        for name in NEW_INDEXES:
            for statement in _sqlite_fts(NEW_INDEXES, name):
                op.execute(statement)


def downgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    if not postgres:
        for name in NEW_INDEXES:
            _drop_sqlite_fts(name)
    _convert(lambda value, label, master: open_value(value, label, master)[:200]
             if label.endswith("forwarded_to") else open_value(value, label, master))
    _retype("VARCHAR(200)")
    if postgres:
        op.execute("CREATE INDEX IF NOT EXISTS ix_trgm_documents_forwarded_to ON documents "
                   "USING gin (lower(forwarded_to) gin_trgm_ops)")
    else:
        for name in OLD_INDEXES:
            for statement in _sqlite_fts(OLD_INDEXES, name):
                op.execute(statement)
