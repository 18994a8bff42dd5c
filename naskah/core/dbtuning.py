"""Database tuning: SQLite's pragmas, its transaction modes (read-only views, reads and writes
within a request), and the in-process writer queue in front of BEGIN IMMEDIATE.

Read-only views. On SQLite every transaction starts with BEGIN IMMEDIATE so writers queue on the
write lock instead of failing half-way. A view that never writes does not need that lock: marked
`@read_only`, its GET requests start a deferred BEGIN and read from their WAL snapshot while a
writer works. A view may also switch for the rest of its request: `reads_from_here()` after its
last commit (a transition renders the moved card from a deferred snapshot), `writes_from_here()`
before a write in a view that began reading (`@read_first`: a transition refuses a stale form
from a read, and signing the user in takes no lock).

Writer queue.
Why a queue: SQLite allows one writer at a time. A second BEGIN IMMEDIATE that finds the lock
taken is put to sleep by SQLite's busy handler in growing steps (1, 2, 5, 10 ... 100 ms) and
retries; under four writers that sleeping, not the work, made the transitions' tail seconds
long. Writers of one process therefore wait on a threading lock first (one per database file)
and wake the moment the previous writer commits or rolls back. Writers in other processes (and
the WAL checkpoint) are still arbitrated by SQLite's busy_timeout. PostgreSQL needs none of
this: it keeps row locks (SELECT ... FOR UPDATE) and its own lock queue.

The lock is released by the DB-API connection itself (commit, rollback, close), so every way a
transaction ends releases it: a Session commit, a rollback at request teardown, the pool's
reset-on-return.

Pragmas, and why each is set (per connection, at connect):
- journal_mode=WAL: readers read their snapshot while one writer appends; the board's reads
  never wait for a transition (and read-only views begin deferred, above).
- synchronous=FULL (NASKAH_SQLITE_SYNCHRONOUS to change): every commit is on disk before the
  answer; an audit event the user saw acknowledged must survive a power cut. NORMAL would save
  one fsync of the WAL per commit (safe against a crash of the process, not of the machine).
- busy_timeout=30000: how long a writer of ANOTHER process (or a checkpoint) may keep us
  waiting before SQLite gives up; the in-process queue has its own, shorter, WRITE_WAIT.
- foreign_keys=ON: SQLite does not enforce foreign keys unless asked, per connection.
- cache_size left at SQLite's 2 MiB per connection: each of the eight waitress threads has its
  own connection and cache, so 16 MiB each could add 100+ MiB to the server's RSS (the bench's
  budget is 150 MB); the hot pages (the board's index ranges, the FTS index) fit, and the rest
  comes from the OS page cache, which all connections and processes share.
- temp_store=MEMORY: ORDER BY / GROUP BY scratch space in memory, never a temp file.
- mmap_size left at 0: reads already come from the OS page cache, and mapped pages would count
  towards the server's RSS (the bench's budget) without a measurable gain at this size.

Statements on every page (the session, the waiting badge, the board's queries, the settings) are
built once with bound parameters, and those that return plain rows select the table's columns
(`Document.__table__.c`), not the mapped attributes: a select of mapped attributes goes through
the ORM's result loading even when it returns plain rows, about 0.1 ms a statement (the waiting
badge: 210 us against 110 us) and a board page runs about ten.
"""
import os
import sqlite3
import threading
import time

from flask import current_app, g, has_request_context, request
from sqlalchemy import event

from naskah.extensions import db


def read_only(view):
    view.naskah_read_only = True
    return view


def read_first(view):
    """A view that reads before it decides to write: its request begins deferred, also for a
    POST, and the view calls writes_from_here() before its write transaction."""
    view.naskah_read_first = True
    return view


def reads_from_here() -> None:
    """The request's transactions from now on only read: they begin deferred (no write lock)."""
    g.naskah_tx_mode = "read"


def writes_from_here() -> None:
    """The request's next transactions write: BEGIN IMMEDIATE (through the writer queue)."""
    g.naskah_tx_mode = "write"


def deferred_begin_allowed() -> bool:
    """True for a GET/HEAD request to a view marked read-only, a @read_first view until it says
    writes_from_here(), or after reads_from_here(). The server-side session's own lookup reads
    and its save writes, whatever the view (auth.websessions sets `naskah.begin`)."""
    if not has_request_context():
        return False
    forced = request.environ.get("naskah.begin")
    if forced is not None:
        return forced == "deferred"
    mode = g.get("naskah_tx_mode")
    if mode:
        return mode == "read"
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "naskah_read_first", False):
        return True
    if request.method not in ("GET", "HEAD"):
        return False
    return bool(getattr(view, "naskah_read_only", False))


def init_app(app):
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            tune_sqlite(db.engine)



WRITE_WAIT = 20.0  # seconds a writer waits for the in-process queue before the 503 "sedang sibuk"
_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()
_OWNERS: dict[int, int] = {}   # id(writer lock) -> ident of the thread holding it


class DatabaseBusy(Exception):
    """The database could not be had in time: the request answers 503, nothing was written."""


def writer_lock(database: str) -> threading.Lock:
    key = os.path.abspath(database) if database not in ("", ":memory:") else database
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(key, threading.Lock())


class QueuedConnection(sqlite3.Connection):
    """sqlite3 connection that holds its database's writer lock from BEGIN IMMEDIATE to the end
    of that transaction (passed to sqlite3.connect as factory=)."""

    def __init__(self, database, *args, **kwargs):
        super().__init__(database, *args, **kwargs)
        self._writer_lock = writer_lock(str(database))
        self._holds_writer = False

    def acquire_writer(self, wait: float | None = None) -> None:
        """Wait for this database's writer queue (before BEGIN IMMEDIATE); DatabaseBusy if the
        wait exceeds WRITE_WAIT."""
        if not self._holds_writer:
            if _OWNERS.get(id(self._writer_lock)) == threading.get_ident():
                # A second write transaction on the thread that holds the writer would wait for
                # itself until WRITE_WAIT: fail at once instead (a listener writing mid-commit).
                raise DatabaseBusy("this thread already holds the writer on another connection")
            if not self._writer_lock.acquire(timeout=WRITE_WAIT if wait is None else wait):
                raise DatabaseBusy("writer queue wait exceeded")
            _OWNERS[id(self._writer_lock)] = threading.get_ident()
            self._holds_writer = True

    def release_writer(self) -> None:
        """Give the queue back when BEGIN IMMEDIATE itself failed (no transaction to end)."""
        if not self.in_transaction:
            self._release()

    def _release(self) -> None:
        if self._holds_writer:
            self._holds_writer = False
            _OWNERS.pop(id(self._writer_lock), None)
            self._writer_lock.release()

    def commit(self):
        try:
            super().commit()
        finally:
            if not self.in_transaction:
                self._release()

    def rollback(self):
        try:
            super().rollback()
        finally:
            self._release()

    def close(self):
        try:
            super().close()
        finally:
            self._release()


def sqlite_connect_args() -> dict:
    return {"timeout": 30, "check_same_thread": False, "factory": QueuedConnection}


def tune_sqlite(engine) -> None:
    """Pragmas at connect; BEGIN IMMEDIATE through the writer queue, or a deferred BEGIN for the
    GET requests of read-only views (naskah.readonly)."""
    synchronous = os.environ.get("NASKAH_SQLITE_SYNCHRONOUS", "FULL").upper()
    if synchronous not in ("FULL", "NORMAL", "EXTRA"):
        synchronous = "FULL"

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, record):
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA synchronous={synchronous}")
        cur.execute("PRAGMA temp_store=MEMORY")
        cur.execute("PRAGMA secure_delete=ON")   # a destroyed secret leaves no bytes in free pages
        cur.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn):
        if deferred_begin_allowed():
            conn.exec_driver_sql("BEGIN")
            return
        raw = conn.connection.dbapi_connection
        queued = isinstance(raw, QueuedConnection)
        if queued:
            started = time.perf_counter()
            raw.acquire_writer()
            _note_wait(time.perf_counter() - started)
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            if queued:
                raw.release_writer()
            raise


def _note_wait(seconds: float) -> None:
    """Time spent in the writer queue, for the request log (naskah.reqlog reads g.naskah_db_wait)."""
    from flask import g, has_request_context
    if has_request_context():
        g.naskah_db_wait = g.get("naskah_db_wait", 0.0) + seconds


def is_busy_error(exc: BaseException) -> bool:
    """The database could not be had in time: our queue, SQLite's "database is locked", or a
    PostgreSQL lock timeout. Walks the cause chain (SQLAlchemy wraps driver errors)."""
    seen = 0
    while exc is not None and seen < 6:
        if isinstance(exc, DatabaseBusy):
            return True
        text = str(exc).lower()
        if isinstance(exc, sqlite3.OperationalError) and ("database is locked" in text or "database is busy" in text):
            return True
        if type(exc).__name__ in ("LockNotAvailable", "QueryCanceled") and "lock" in text:
            return True
        exc = getattr(exc, "orig", None) or exc.__cause__ or exc.__context__
        seen += 1
    return False


def transaction_memo(key: str, make):
    """What `make()` gave in this transaction of the request's session, made at most once per
    transaction: the next transaction (after a commit or a rollback) makes it afresh, so it
    never outlives what it was read from."""
    session = db.session()
    held = session.info.get(key)
    tx = session.get_transaction()
    if held is not None and tx is not None and held[0] is tx:
        return held[1]
    value = make()
    session.info[key] = (session.get_transaction(), value)
    return value
