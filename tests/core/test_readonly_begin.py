"""SQLite: read-only views begin deferred and answer while a writer holds the lock; others stay
BEGIN IMMEDIATE (writers queue instead of failing half-way)."""
import sqlite3
import threading

import pytest
from sqlalchemy import event

from naskah.extensions import db
from tests.factories import login


@pytest.fixture
def sqlite_app(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite transaction modes")
        path = db.engine.url.database
    return app, path


def begins(app, client, method, path, **kw):
    seen = []

    def hit(conn, cursor, statement, *a):
        if statement.startswith("BEGIN"):
            seen.append(statement)
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", hit)
    try:
        resp = getattr(client, method)(path, **kw)
    finally:
        event.remove(engine, "before_cursor_execute", hit)
    return resp, seen


def test_board_and_agenda_begin_deferred_writers_immediate(sqlite_app, client, make):
    app, _ = sqlite_app
    sandiman = make.user("sandiman")
    doc_id = make.document(step=1, sandiman=sandiman)
    login(client, sandiman)
    for path in ("/papan", "/agenda/?sender=badan", "/healthz"):
        resp, seen = begins(app, client, "get", path)
        assert resp.status_code == 200 and seen and set(seen) == {"BEGIN"}, (path, seen)
    resp, seen = begins(app, client, "get", f"/dokumen/{doc_id}")
    # The server-side session is looked up first in a deferred read (naskah.auth.websessions).
    assert resp.status_code == 200 and seen[0] == "BEGIN" and set(seen[1:]) == {"BEGIN IMMEDIATE"}, seen
    resp, seen = begins(app, client, "post", f"/dokumen/{doc_id}/aksi/register", data={"version": "1"})
    assert resp.status_code == 302 and "BEGIN IMMEDIATE" in seen, seen
    assert make.get(doc_id).step == 2


def test_board_answers_while_a_writer_holds_the_lock(sqlite_app, client, make):
    app, path = sqlite_app
    sandiman = make.user("sandiman")
    make.document(step=1, sandiman=sandiman)
    login(client, sandiman)
    writer = sqlite3.connect(path, isolation_level=None, timeout=1)
    writer.execute("BEGIN IMMEDIATE")
    try:
        result = {}
        t = threading.Thread(target=lambda: result.setdefault("status", client.get("/papan").status_code))
        t.start()
        t.join(10)  # a BEGIN IMMEDIATE board would wait for the writer (busy timeout 30 s)
        assert result.get("status") == 200
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        t.join(40)
