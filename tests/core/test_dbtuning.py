"""SQLite's writer queue (naskah/core/dbtuning.py): writers of one process wait on a lock in front of
BEGIN IMMEDIATE and wake when the previous writer ends; a writer that cannot get the database
in time answers 503 "sedang sibuk, coba lagi" with nothing saved; reads never queue."""
import threading

import pytest
from sqlalchemy import func, select, text

from naskah.core import dbtuning as dbtune
from naskah.extensions import db
from naskah.models import AuditEvent, Document
from tests.factories import login


@pytest.fixture
def sqlite_app(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("the writer queue is SQLite's; PostgreSQL keeps its row locks")
        path = db.engine.url.database
    return app, path


def test_second_writer_waits_for_the_first_and_wakes_when_it_commits(sqlite_app):
    app, _ = sqlite_app
    started, done = threading.Event(), threading.Event()
    with app.app_context():
        first = db.engine.connect()
        first.begin()  # BEGIN IMMEDIATE through the queue
        first.execute(text("UPDATE users SET failed_logins = failed_logins WHERE 1 = 0"))

        def second_writer():
            with app.app_context(), db.engine.connect() as conn:
                conn.begin()
                started.set()
                conn.rollback()
            done.set()

        worker = threading.Thread(target=second_writer)
        worker.start()
        assert not started.wait(0.3)  # queued behind the first writer, not failing
        first.commit()
        assert done.wait(10)
        worker.join()
        first.close()


def test_a_second_writer_on_the_same_thread_fails_at_once(sqlite_app):
    """It would wait for itself until WRITE_WAIT; DatabaseBusy at once instead, and the first
    writer keeps the queue."""
    app, path = sqlite_app
    with app.app_context():
        first = db.engine.connect()
        first.begin()
        with db.engine.connect() as second, pytest.raises(dbtune.DatabaseBusy, match="already holds"):
            second.begin()
        assert dbtune.writer_lock(path).locked()
        first.rollback()
        first.close()
        assert not dbtune.writer_lock(path).locked()


@pytest.mark.parametrize("end", ["rollback", "close"])
def test_every_end_of_a_transaction_releases_the_queue(sqlite_app, end):
    app, path = sqlite_app
    with app.app_context():
        conn = db.engine.connect()
        conn.begin()
        lock = dbtune.writer_lock(path)
        assert lock.locked()
        getattr(conn, end)()
        if end == "rollback":
            conn.close()
        assert not lock.locked()


def test_reads_of_read_only_views_do_not_queue(sqlite_app, client, make):
    app, path = sqlite_app
    user = make.user("sandiman")
    login(client, user)
    lock = dbtune.writer_lock(path)
    assert lock.acquire(timeout=5)
    try:
        assert client.get("/papan").status_code == 200
        assert client.get("/healthz").status_code == 200
    finally:
        lock.release()


def test_writer_that_cannot_get_the_database_gets_503_and_nothing_is_saved(sqlite_app, client, make, monkeypatch):
    app, path = sqlite_app
    sandiman = make.user("sandiman")
    doc_id = make.document(step=1, sandiman=sandiman)
    login(client, sandiman)
    with app.app_context():
        version = db.session.get(Document, doc_id).version
        events = db.session.scalar(select(func.count(AuditEvent.id)))
    monkeypatch.setattr(dbtune, "WRITE_WAIT", 0.2)
    lock = dbtune.writer_lock(path)
    assert lock.acquire(timeout=5)  # another writer of this process holds the database
    try:
        r = client.post(f"/dokumen/{doc_id}/aksi/register", data={"version": str(version)})
    finally:
        lock.release()
    body = r.get_data(as_text=True)
    assert r.status_code == 503 and "sedang sibuk, coba lagi" in body and r.headers["Retry-After"] == "2"
    with app.app_context():
        doc = db.session.get(Document, doc_id)
        assert doc.step == 1 and doc.version == version and doc.agenda_number is None
        assert db.session.scalar(select(func.count(AuditEvent.id))) == events


def test_busy_errors_are_recognised_through_the_wrappers():
    import sqlite3

    from sqlalchemy.exc import OperationalError
    wrapped = OperationalError("BEGIN IMMEDIATE", {}, sqlite3.OperationalError("database is locked"))
    assert dbtune.is_busy_error(wrapped)
    assert dbtune.is_busy_error(dbtune.DatabaseBusy("x"))
    assert not dbtune.is_busy_error(OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: x")))


def test_action_forms_read_without_the_write_lock(sqlite_app, client, make):
    app, path = sqlite_app
    sandiman = make.user("sandiman")
    doc_id = make.document(step=1, sandiman=sandiman)
    login(client, sandiman)
    lock = dbtune.writer_lock(path)
    assert lock.acquire(timeout=5)
    try:
        r = client.get(f"/dokumen/{doc_id}/aksi/register", headers={"HX-Request": "true"})
    finally:
        lock.release()
    assert r.status_code == 200 and 'name="version"' in r.get_data(as_text=True)


def test_a_transition_takes_the_write_lock_once(sqlite_app, client, make, monkeypatch):
    """The answer (the moved card, the counts) is read after the commit from a deferred
    transaction: no second BEGIN IMMEDIATE, which used to queue behind every other writer."""
    app, _ = sqlite_app
    sandiman = make.user("sandiman")
    doc_id = make.document(step=1, sandiman=sandiman)
    login(client, sandiman)
    with app.app_context():
        version = db.session.get(Document, doc_id).version
    calls = []
    original = dbtune.QueuedConnection.acquire_writer

    def counting(self, wait=None):
        calls.append(1)
        return original(self, wait)

    monkeypatch.setattr(dbtune.QueuedConnection, "acquire_writer", counting)
    r = client.post(f"/dokumen/{doc_id}/aksi/register", data={"version": str(version)},
                    headers={"HX-Request": "true", "HX-Current-URL": "http://x/papan"})
    assert r.status_code == 200 and f'id="card-{doc_id}"' in r.get_data(as_text=True)
    assert len(calls) == 1, calls
