"""search indexes: FTS5 (trigram) on SQLite, pg_trgm on PostgreSQL, for the agenda book, the archive
and the board's text filter (naskah/search.py keeps the same statements for create_all)

Revision ID: a17c0f7e5b21
Revises: a15d3e5c0f21
Create Date: 2026-12-01 22:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a17c0f7e5b21'
down_revision = 'a15d3e5c0f21'
branch_labels = None
depends_on = None

INDEXES = {
    "agenda_search": ("agenda_entries", ("sender", "letter_number")),
    "document_search": ("documents", ("sender_agency", "sender_ref_number", "forwarded_to")),
}


def _sqlite(name):
    table, cols = INDEXES[name]
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
        f"INSERT INTO {name}({name}) VALUES ('rebuild')",  # the rows already there
    ]


def _postgres(name):
    table, cols = INDEXES[name]
    return ["CREATE EXTENSION IF NOT EXISTS pg_trgm"] + [
        f"CREATE INDEX IF NOT EXISTS ix_trgm_{table}_{c} ON {table} USING gin (lower({c}) gin_trgm_ops)"
        for c in cols]


def upgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    for name in INDEXES:
        for statement in (_postgres(name) if postgres else _sqlite(name)):
            op.execute(statement)


def downgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    for name, (table, cols) in INDEXES.items():
        if postgres:
            for c in cols:
                op.execute(f"DROP INDEX IF EXISTS ix_trgm_{table}_{c}")
        else:
            for suffix in ("ai", "ad", "au"):
                op.execute(f"DROP TRIGGER IF EXISTS {name}_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {name}")
