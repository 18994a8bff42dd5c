"""Text search of the board, the agenda book and the archive, served by an index.

The meaning stays what every search box of the app has always had: a case-insensitive
substring match ("contains"). A substring (`%text%`) cannot use a B-tree index, so counting the
matches scanned every row (100,000+ in the agenda book). Now:

- SQLite: FTS5 tables with the trigram tokenizer over the searched columns, kept in step by
  triggers on insert, update and delete of the base rows (the append-only agenda book and the
  documents). The index holds each column as SQLite's lower() gives it (ASCII letters folded,
  every other character as it is) and compares case-sensitively, which is exactly what LIKE does
  with the lowered pattern: ASCII case ignored, other characters compared as they are. So for
  a query of three characters or more the index alone is the answer (`MATCH "text"`), with no
  LIKE over the candidates and the count read from the index. (FTS5's own case folding is
  Unicode's: it would also find the Kelvin sign for "k", which LIKE does not.) The index reads
  its text through a view (`<index>_source`), so a 'rebuild' lowers it the same way; it keeps
  no copy of the text. Shorter queries (the index knows only trigrams) use the plain LIKE.
- PostgreSQL: pg_trgm GIN indexes on lower(column); the planner serves the same
  `lower(column) LIKE '%text%'` from them, and PostgreSQL keeps its indexes in step itself.

tests/workflow/test_search_index.py compares the answers with a plain substring search.
"""
from sqlalchemy import func, literal_column, or_, select, text

from naskah.extensions import db
from naskah.models import AgendaEntry, Document

MIN_INDEXED = 3  # trigram: shorter text cannot be looked up in the index

# name -> (base table, indexed columns). Column lists are also the FTS5 tables' columns.
INDEXES = {
    "agenda_search": ("agenda_entries", ("sender", "letter_number")),
    "document_search": ("documents", ("sender_agency", "sender_ref_number")),
}
# The addressee (documents.forwarded_to) is sealed (naskah.models.types.SealedText): no index or
# LIKE can read it, and an index of it would be a plaintext copy in the database file.


def _sqlite_ddl(name: str) -> list[str]:
    """The FTS5 index `name`, its source view and its triggers (the migrations keep copies of the
    statements as they were at their revision)."""
    table, cols = INDEXES[name]
    names = ", ".join(cols)
    lowered = ", ".join(f"lower({c}) AS {c}" for c in cols)
    new = ", ".join(f"lower(new.{c})" for c in cols)
    old = ", ".join(f"lower(old.{c})" for c in cols)
    return [
        f"CREATE VIEW IF NOT EXISTS {name}_source AS SELECT id, {lowered} FROM {table}",  # nosec B608 - names from INDEXES, no input
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {name} USING fts5({names}, content='{name}_source', "
        f"content_rowid='id', tokenize='trigram case_sensitive 1')",
        f"CREATE TRIGGER IF NOT EXISTS {name}_ai AFTER INSERT ON {table} BEGIN "  # nosec B608 - names from INDEXES, no input
        f"INSERT INTO {name}(rowid, {names}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER IF NOT EXISTS {name}_ad AFTER DELETE ON {table} BEGIN "  # nosec B608 - names from INDEXES, no input
        f"INSERT INTO {name}({name}, rowid, {names}) VALUES ('delete', old.id, {old}); END",
        f"CREATE TRIGGER IF NOT EXISTS {name}_au AFTER UPDATE OF {names} ON {table} BEGIN "  # nosec B608 - names from INDEXES, no input
        f"INSERT INTO {name}({name}, rowid, {names}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {name}(rowid, {names}) VALUES (new.id, {new}); END",
        f"INSERT INTO {name}({name}) VALUES ('rebuild')",  # nosec B608 - names from INDEXES, no input
    ]


def _postgres_ddl(name: str) -> list[str]:
    table, cols = INDEXES[name]
    return ["CREATE EXTENSION IF NOT EXISTS pg_trgm"] + [
        f"CREATE INDEX IF NOT EXISTS ix_trgm_{table}_{c} ON {table} USING gin (lower({c}) gin_trgm_ops)"
        for c in cols]


def install(connection, name: str) -> None:
    """Create one search index with what keeps it in step (create_all; the migration has a copy)."""
    ddl = _postgres_ddl(name) if connection.dialect.name == "postgresql" else _sqlite_ddl(name)
    for statement in ddl:
        connection.exec_driver_sql(statement)


def is_search_object(name: str | None) -> bool:
    """The index's own tables (FTS5 shadow tables) and indexes, which the models do not declare."""
    return bool(name) and (name.startswith(tuple(INDEXES)) or name.startswith("ix_trgm_"))


def _after_create(target, connection, **kw):
    for name, (table, _cols) in INDEXES.items():
        if table == target.name:
            install(connection, name)


def init_app(app) -> None:
    """create_all builds the search indexes with their tables (the migration has a copy)."""
    for model in (AgendaEntry, Document):
        if not db.event.contains(model.__table__, "after_create", _after_create):
            db.event.listen(model.__table__, "after_create", _after_create)


# -- conditions -------------------------------------------------------------------------------
def like_pattern(q: str) -> str:
    """A LIKE pattern for "contains q", with LIKE's own wildcards in q taken literally."""
    escaped = q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def contains(column, q: str):
    """Case-insensitive substring match. SQLite's LIKE already ignores (ASCII) case, and its
    lower() folds only ASCII too, so lower() there would only cost a call per row."""
    if db.session.get_bind().dialect.name == "sqlite":
        return column.like(like_pattern(q), escape="\\")
    return func.lower(column).like(like_pattern(q), escape="\\")


def _indexed(q: str) -> bool:
    """On SQLite, for q of MIN_INDEXED characters or more, the index alone answers."""
    return len(q.lower()) >= MIN_INDEXED and db.session.get_bind().dialect.name == "sqlite"


def _phrase(q: str) -> str:
    """FTS5 phrase for the lowered q (see _matching), its double quotes doubled."""
    return '"' + q.lower().replace('"', '""') + '"'


def _matching(name: str, id_column, q: str, columns: tuple | None):
    """id_column IN (rows of the FTS index `name` whose columns contain q, ASCII case ignored).

    The phrase is the lowered q, as the LIKE pattern is: the index holds lower(column) and
    compares case-sensitively, so both give the same rows."""
    phrase = _phrase(q)
    if columns:
        phrase = "{" + " ".join(columns) + "}: " + phrase
    rows = select(literal_column("rowid")).select_from(text(name)).where(text(f"{name} MATCH :phrase"))
    return id_column.in_(rows.params(phrase=phrase))


def any_contains(name: str, id_column, q: str, columns: dict):
    """(any of `columns` contains q), served by the index `name`; columns: {fts name: column}.

    id_column may be an expression of the id (`Model.id + 0`): SQLite then cannot drive the query
    from the matching ids and walks an ordering index instead, which is cheaper for a page of a
    query that matches many rows (naskah.agenda.book.search chooses)."""
    if _indexed(q):
        return _matching(name, id_column, q, tuple(columns) if len(columns) < len(INDEXES[name][1]) else None)
    return or_(*(contains(col, q) for col in columns.values()))


def document_text_condition(q: str):
    """The board's text filter: sender, sender's reference, or the agenda number (the addressee
    is sealed, so not searchable)."""
    cond = any_contains("document_search", Document.id, q, {
        "sender_agency": Document.sender_agency, "sender_ref_number": Document.sender_ref_number})
    if q.isdigit():
        return or_(cond, Document.agenda_number == int(q))
    return cond


def archive_text_condition(q: str):
    """The archive's sender box: sender or sender's reference."""
    return any_contains("document_search", Document.id, q, {
        "sender_agency": Document.sender_agency, "sender_ref_number": Document.sender_ref_number})


def agenda_text_count(q: str) -> int | None:
    """How many agenda entries contain q, read from the index alone; None where the index does
    not serve q (then count with agenda_text_condition)."""
    if not _indexed(q):
        return None
    return db.session.execute(text("SELECT count(*) FROM agenda_search WHERE agenda_search MATCH :phrase"),
                              {"phrase": _phrase(q)}).scalar_one()


def agenda_text_condition(q: str, *, walk_order: bool = False):
    """The agenda book's sender box: sender or letter number. walk_order: see any_contains."""
    return any_contains("agenda_search", AgendaEntry.id + 0 if walk_order else AgendaEntry.id, q, {
        "sender": AgendaEntry.sender, "letter_number": AgendaEntry.letter_number})
