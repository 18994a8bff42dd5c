"""Read-only views and SQLite's transaction mode.

On SQLite every transaction starts with BEGIN IMMEDIATE so writers queue on the write lock
instead of failing half-way (naskah/__init__.py). A view that never writes does not need that
lock: marked `@read_only`, its GET requests start a deferred BEGIN and read from their WAL
snapshot while a writer works, instead of waiting behind every other request (SQLite's busy
handler sleeps up to 100 ms per retry, which made the board's p95 seconds under load).
Only views whose GET handling writes nothing may be marked; writers stay IMMEDIATE.
"""
from flask import current_app, has_request_context, request


def read_only(view):
    view.naskah_read_only = True
    return view


def deferred_begin_allowed() -> bool:
    """True for a GET/HEAD request to a view marked read-only."""
    if not has_request_context():
        return False
    forced = request.environ.get("naskah.begin")  # the session lookup reads, its save writes (websessions)
    if forced is not None:
        return forced == "deferred"
    if request.method not in ("GET", "HEAD"):
        return False
    view = current_app.view_functions.get(request.endpoint)
    return bool(getattr(view, "naskah_read_only", False))
