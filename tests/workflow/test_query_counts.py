"""No N+1 queries: the board's and the document page's SQL statement counts must not grow with
the number of cards or timeline events.

One real document per step is taken through the workflow (so every column's card has the fields
and related rows of its step); the board's sizes are then made by copying those rows, which is
what matters for query counts and keeps the test fast.
"""
import pytest
from sqlalchemy import event, insert, select

from naskah.audit import chain as audit
from naskah.extensions import db
from naskah.models import Document, User
from naskah.workflow import engine as workflow
from tests.factories import login


class Counter:
    def __init__(self, app):
        self.app, self.count, self.seen = app, 0, []

    def __enter__(self):
        with self.app.app_context():
            self.engine = db.engine
        event.listen(self.engine, "before_cursor_execute", self._hit)
        return self

    def _hit(self, conn, cursor, statement, *args, **kw):
        self.count += 1
        self.seen.append(" ".join(statement.split()))

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._hit)


def statements(app, client, path, htmx=False) -> int:
    """Statements of one request, with no card remembered (naskah.workflow.cards): the most it reads."""
    app.extensions.pop("naskah_cards", None)
    with Counter(app) as c:
        resp = client.get(path, headers={"HX-Request": "true"} if htmx else None)
    assert resp.status_code == 200, path
    return c.count


def clone_documents(app, templates: list[int], copies: int, assignees: list[int]) -> None:
    """Insert `copies` copies of each template document (same step and fields), the assigned
    sandiman rotating over `assignees` so a per-card user lookup would show as extra queries."""
    with app.app_context():
        table = Document.__table__
        rows = [dict(r._mapping) for r in db.session.execute(select(table).where(table.c.id.in_(templates)))]
        out = []
        for row in rows:
            row.pop("id")
            for k in range(copies):
                clone = dict(row)
                for col in ("assigned_to_id", "delivery_assignee_id", "paraf_by_id"):
                    if clone[col] is not None:
                        clone[col] = assignees[k % len(assignees)]
                out.append(clone)
        db.session.execute(insert(table), out)
        db.session.commit()


@pytest.fixture
def one_per_step(app, make):
    sandiman, kasi = make.user("sandiman"), make.user("kasi")
    ids = [make.document(step=step, sandiman=sandiman, kasi=kasi) for step in range(1, 10)]
    with app.app_context():  # step 7's card numbered and stamped: its checklist reads the prints
        workflow.apply(db.session.get(Document, ids[6]), "number_copy", db.session.get(User, sandiman.id), {})
        db.session.commit()
        assert db.session.get(Document, ids[6]).stamped_at is not None
    return sandiman, kasi, ids


def test_board_queries_do_not_grow_with_cards(app, client, make, one_per_step):
    """5 and 50 cards per column (a page holds 10): the full board, a filtered one, a column grown
    by its plain "tampilkan N lagi" link, the next page of one column, and the change poll."""
    sandiman, kasi, ids = one_per_step
    others = [make.user("sandiman").id for _ in range(10)]
    counts = {}
    for total in (5, 50):
        with app.app_context():
            have = db.session.scalar(select(db.func.count(Document.id)))
        clone_documents(app, ids, total - have // len(ids), others[:total // 5])
        with app.app_context():
            assert db.session.scalar(select(db.func.count(Document.id))) == total * len(ids)
        for user in (sandiman, kasi):
            login(client, user)
            statements(app, client, "/papan")  # first request after sign-in: session work, caches
            counts[(total, user.role)] = (statements(app, client, "/papan"),
                                          statements(app, client, "/papan?classification=R&q=badan"),
                                          statements(app, client, "/papan?s5=40"),  # a grown column
                                          statements(app, client, "/papan/kolom/5?offset=3", htmx=True),
                                          statements(app, client, "/papan?poll=1&since=0&sig=" + ".".join(["x"] * 9), htmx=True))
            client.post("/keluar")
    for role in ("sandiman", "kasi"):
        assert counts[(50, role)] == counts[(5, role)], counts
    assert max(max(v) for v in counts.values()) <= 25, counts  # a fixed, small number


def test_document_page_queries_do_not_grow_with_events(app, client, make):
    sandiman, kasi = make.user("sandiman"), make.user("kasi")
    doc_id = make.document(step=5, sandiman=sandiman, kasi=kasi)
    login(client, sandiman)
    counts = []
    for events in (5, 50):
        with app.app_context():
            have = len(audit.events_for(doc_id))
            actor = db.session.get(User, sandiman.id)
            for _ in range(events - have):
                audit.append("content.read", actor=actor, document=doc_id, details={"purpose": "view"})
            db.session.commit()
        statements(app, client, f"/dokumen/{doc_id}")
        counts.append(statements(app, client, f"/dokumen/{doc_id}"))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 30, counts


def test_a_transition_reads_the_settings_and_the_document_once_per_transaction(app, client, make):
    """A transition has three transactions (the read that refuses a stale form before queueing,
    the write, the answer). Each reads the office settings in one query, and the write loads the
    document once although the view and the engine both ask for the locked row."""
    sandiman = make.user("sandiman")
    doc_ids = [make.document(step=1, sandiman=sandiman) for _ in range(2)]
    login(client, sandiman)
    hx = {"HX-Request": "true", "HX-Current-URL": "http://localhost/papan"}
    for doc_id in doc_ids:
        with app.app_context():
            version = db.session.get(Document, doc_id).version
        with Counter(app) as c:
            resp = client.post(f"/dokumen/{doc_id}/aksi/register", data={"version": version}, headers=hx)
        assert resp.status_code == 200
    settings = [s for s in c.seen if "FROM office_settings" in s]
    loads = [s for s in c.seen if s.startswith("SELECT documents.id") and "WHERE documents.id = " in s]
    # SQLite's; PostgreSQL's are implicit. The session row's own write (its last-seen time, due
    # after a few seconds, so on a slow machine between the sign-in and this request) is not counted.
    begins = [s for s, following in zip(c.seen, c.seen[1:] + [""], strict=True)
              if s.startswith("BEGIN") and not following.startswith("UPDATE web_sessions")]
    assert 1 <= len(settings) <= (len(begins) if begins else 3) <= 4, c.seen
    assert len(loads) == 3, loads   # before locking, locked (once), the answer
    assert c.count <= 25, c.seen    # 23 (+2 if the session row is touched); 36 before the settings and
    #                                 locked-load work, 25 before the audit head was read in its UPDATE
