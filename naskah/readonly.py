"""Read-only views and SQLite's transaction mode.

On SQLite every transaction starts with BEGIN IMMEDIATE so writers queue on the write lock
instead of failing half-way (naskah/__init__.py). A view that never writes does not need that
lock: marked `@read_only`, its GET requests start a deferred BEGIN and read from their WAL
snapshot while a writer works, instead of waiting behind every other request (SQLite's busy
handler sleeps up to 100 ms per retry, which made the board's p95 seconds under load).
Only views whose GET handling writes nothing may be marked; writers stay IMMEDIATE.
A view may also switch for the rest of its request: `reads_from_here()` after its last commit
(a transition renders the moved card from a deferred snapshot, so the page it answers with never
queues behind other writers), `writes_from_here()` before a GET form that records a reading.
"""
from flask import current_app, g, has_request_context, request


def read_only(view):
    view.naskah_read_only = True
    return view


def read_first(view):
    """A view that reads before it decides to write (a transition refuses a stale form from a
    read): its request begins deferred, also for a POST, and the view calls writes_from_here()
    before its write transaction. Signing in the user (before_request) then takes no lock."""
    view.naskah_read_first = True
    return view


def reads_from_here() -> None:
    """The request's transactions from now on only read: they begin deferred (no write lock)."""
    g.naskah_tx_mode = "read"


def writes_from_here() -> None:
    """The request's next transactions write: BEGIN IMMEDIATE (through the writer queue)."""
    g.naskah_tx_mode = "write"


def deferred_begin_allowed() -> bool:
    """True for a GET/HEAD request to a view marked read-only, or after reads_from_here()."""
    if not has_request_context():
        return False
    mode = g.get("naskah_tx_mode")
    if mode:
        return mode == "read"
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "naskah_read_first", False):
        return True
    if request.method not in ("GET", "HEAD"):
        return False
    return bool(getattr(view, "naskah_read_only", False))
