"""search indexes on SQLite hold lower(column) and compare case-sensitively, so the index alone
gives LIKE's answer (ASCII case ignored) and a count needs no LIKE over the candidates; the text
comes through a view, <index>_source. PostgreSQL's pg_trgm indexes are unchanged.

Revision ID: f3b8d1c6a207
Revises: d7f3a9b2c415
Create Date: 2026-12-02 21:00:00

"""
from alembic import op

revision = 'f3b8d1c6a207'
down_revision = 'd7f3a9b2c415'
branch_labels = None
depends_on = None

INDEXES = {
    "agenda_search": ("agenda_entries", ("sender", "letter_number")),
    "document_search": ("documents", ("sender_agency", "sender_ref_number")),
}


def _triggers(name, table, names, new, old):
    return [
        f"CREATE TRIGGER IF NOT EXISTS {name}_ai AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {name}(rowid, {names}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER IF NOT EXISTS {name}_ad AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {name}({name}, rowid, {names}) VALUES ('delete', old.id, {old}); END",
        f"CREATE TRIGGER IF NOT EXISTS {name}_au AFTER UPDATE OF {names} ON {table} BEGIN "
        f"INSERT INTO {name}({name}, rowid, {names}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {name}(rowid, {names}) VALUES (new.id, {new}); END",
        f"INSERT INTO {name}({name}) VALUES ('rebuild')",
    ]


def _lowered(name):
    """The statements of naskah.core.search._sqlite_ddl as they are at this revision."""
    table, cols = INDEXES[name]
    names = ", ".join(cols)
    lowered = ", ".join(f"lower({c}) AS {c}" for c in cols)
    return [
        f"CREATE VIEW IF NOT EXISTS {name}_source AS SELECT id, {lowered} FROM {table}",
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {name} USING fts5({names}, content='{name}_source', "
        f"content_rowid='id', tokenize='trigram case_sensitive 1')",
    ] + _triggers(name, table, names, ", ".join(f"lower(new.{c})" for c in cols),
                  ", ".join(f"lower(old.{c})" for c in cols))


def _folded(name):
    """The indexes as revision b21e5a7c4d90 left them: the text as it is, FTS5's case folding."""
    table, cols = INDEXES[name]
    names = ", ".join(cols)
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {name} USING fts5({names}, content='{table}', "
        f"content_rowid='id', tokenize='trigram')",
    ] + _triggers(name, table, names, ", ".join(f"new.{c}" for c in cols), ", ".join(f"old.{c}" for c in cols))


def _drop(name):
    for suffix in ("ai", "ad", "au"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}_{suffix}")
    op.execute(f"DROP TABLE IF EXISTS {name}")
    op.execute(f"DROP VIEW IF EXISTS {name}_source")


def _rebuild(statements):
    if op.get_bind().dialect.name == "postgresql":
        return
    for name in INDEXES:
        _drop(name)
        for statement in statements(name):
            op.execute(statement)


def upgrade():
    _rebuild(_lowered)


def downgrade():
    _rebuild(_folded)
