"""Database tuning: SQLite's pragmas and transaction mode, and read-only views.

On SQLite every transaction starts with BEGIN IMMEDIATE so writers queue on the write lock
instead of failing half-way (naskah/__init__.py). A view that never writes does not need that
lock: marked `@read_only`, its GET requests start a deferred BEGIN and read from their WAL
snapshot while a writer works, instead of waiting behind every other request (SQLite's busy
handler sleeps up to 100 ms per retry, which made the board's p95 seconds under load).
Only views whose GET handling writes nothing may be marked; writers stay IMMEDIATE.
"""
from flask import current_app, has_request_context, request
from sqlalchemy import event

from naskah.extensions import db


def read_only(view):
    view.naskah_read_only = True
    return view


def deferred_begin_allowed() -> bool:
    """True for a GET/HEAD request to a view marked read-only."""
    if not has_request_context() or request.method not in ("GET", "HEAD"):
        return False
    view = current_app.view_functions.get(request.endpoint)
    return bool(getattr(view, "naskah_read_only", False))


def init_app(app):
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            tune_sqlite(db.engine)


def tune_sqlite(engine):
    """WAL, a busy timeout, foreign keys, and BEGIN IMMEDIATE so writers queue instead of failing
    (read-only views' GET requests begin deferred: `read_only`)."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, record):
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn):
        conn.exec_driver_sql("BEGIN" if deferred_begin_allowed() else "BEGIN IMMEDIATE")

