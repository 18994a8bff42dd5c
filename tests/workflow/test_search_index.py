"""The indexed search (SQLite FTS5 trigram / PostgreSQL pg_trgm, naskah/core/search.py) gives exactly
the answers of the plain substring search it replaced, on the agenda book, the archive and the
board's text filter, and stays in step when rows are added, changed and removed."""
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, insert, select, text, update

from naskah.agenda import book as agenda
from naskah.core.timeutil import utcnow
from naskah.extensions import db
from naskah.models import AgendaEntry, Document, User
from naskah.paper import archive
from naskah.workflow import board

SENDERS = ["Badan Siber dan Sandi Negara", "Kepolisian Resor Pekalongan", "Kantor Imigrasi Kelas II",
           "Kejaksaan Negeri Pekalongan", "KEMENTERIAN DALAM NEGERI", "Dinas 100% Digital_Kota",
           "Pengadilan \"Negeri\" Batang", "Sekretariat Daerah Kota Pekalongan"]
REFS = ["R/12/BSSN/2026", "B-77/POLRES", "imi.2026/XI", "KN-5_2026", "005/123/DN", "D%1"]
QUERIES = ["pekalongan", "PEKALONGAN", "Kota", "negeri", "sandi negara", "bssn", "2026", "/12/",
           "100%", "l_k", "_", "%", "ab", "KN", "x", '"negeri"', "polres", "imi.", "zzz-tidak-ada",
           "resor peka", "egara"]


def reference(rows, q):
    q = q.lower()
    return {i for i, *texts in rows if any(q in (t or "").lower() for t in texts)}


@pytest.fixture
def books(app, make):
    """60 agenda entries and 60 documents (half archived) with the senders and references above."""
    creator = make.user("sandiman")
    now = utcnow()
    with app.app_context():
        docs, entries = [], []
        for i in range(60):
            sender, ref = SENDERS[i % len(SENDERS)], REFS[i % len(REFS)]
            archived = i % 2 == 0
            docs.append(dict(step=9 if archived else 1 + i % 8, version=1, sender_agency=sender, sender_ref_number=ref,
                             channel="kurir", classification="R", urgency="biasa", received_at=now - timedelta(hours=i),
                             created_by_id=creator.id, content_version=0, revision_count=0, created_at=now,
                             updated_at=now, archived_at=now - timedelta(days=30) if archived else None,
                             forwarded_to="Wali Kota Pekalongan" if i % 3 == 0 else None,
                             agenda_year=2026, agenda_number=i + 1))
            entries.append(dict(book="masuk", year=2026, number=i + 1, kind="kriptogram", received_on=date(2026, 1, 2),
                                sender=sender, letter_number=ref if i % 5 else None, summary="kriptogram",
                                created_by_id=creator.id, created_at=now))
        db.session.execute(insert(Document), docs)
        db.session.execute(insert(AgendaEntry), entries)
        db.session.commit()
    return creator


def agenda_ids(q):
    rows, total = agenda.search(sender=q, per_page=1000)
    assert total == len(rows)
    return {r.id for r in rows}


def agenda_reference(q):
    rows = db.session.execute(select(AgendaEntry.id, AgendaEntry.sender, AgendaEntry.letter_number)).all()
    return reference(rows, q)


@pytest.mark.parametrize("q", QUERIES)
def test_agenda_search_answers_as_the_substring_search(app, books, q):
    with app.app_context():
        assert agenda_ids(q) == agenda_reference(q), q


@pytest.mark.parametrize("q", QUERIES)
def test_archive_search_answers_as_the_substring_search(app, books, q):
    with app.app_context():
        rows, total = archive.search(sender=q, per_page=1000)
        expected = reference(db.session.execute(select(Document.id, Document.sender_agency, Document.sender_ref_number)
                                                .where(Document.step == 9)).all(), q)
        assert {r.id for r in rows} == expected and total == len(expected), q


@pytest.mark.parametrize("q", QUERIES)
def test_board_text_filter_answers_as_the_substring_search(app, books, q):
    with app.app_context():
        user = db.session.get(User, books.id)
        by_step, *_ = board.ordered(board.Filters(q=q), user)
        found = {r.id for rows in by_step.values() for r in rows}
        rows = db.session.execute(select(Document.id, Document.sender_agency, Document.sender_ref_number)
                                  .where(Document.step < 9)).all()
        expected = reference(rows, q)   # not the addressee: it is sealed
        if q.isdigit():
            expected |= set(db.session.scalars(select(Document.id).where(Document.step < 9,
                                                                         Document.agenda_number == int(q))))
        assert found == expected, q


def test_index_follows_inserts_updates_and_deletes(app, books):
    with app.app_context():
        doc_id = db.session.scalar(select(Document.id).where(Document.step < 9).order_by(Document.id))
        user = db.session.get(User, books.id)
        db.session.execute(update(Document).where(Document.id == doc_id).values(sender_agency="Bupati Tegalsari"))
        db.session.commit()
        hits = lambda q: {r.id for rows in board.ordered(board.Filters(q=q), user)[0].values() for r in rows}  # noqa: E731
        assert doc_id in hits("tegalsari")
        db.session.execute(update(Document).where(Document.id == doc_id).values(sender_agency="Bupati Brebes"))
        db.session.commit()
        assert doc_id not in hits("tegalsari") and doc_id in hits("brebes")
        entry = AgendaEntry(book="masuk", year=2026, number=999, kind="kriptogram", received_on=date(2026, 1, 3),
                            sender="Badan Pusat Statistik Wonosobo", summary="kriptogram", created_by_id=books.id)
        db.session.add(entry)
        db.session.commit()
        assert agenda_ids("wonosobo") == {entry.id}
        db.session.execute(delete(AgendaEntry).where(AgendaEntry.id == entry.id))
        db.session.commit()
        assert agenda_ids("wonosobo") == set()


def test_sqlite_query_uses_the_index(app, books):
    """The agenda's count query reads the FTS5 index instead of scanning the book."""
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("the SQLite plan; PostgreSQL's planner chooses pg_trgm by cost")
        from sqlalchemy import func

        from naskah.core.search import agenda_text_condition
        stmt = select(func.count(AgendaEntry.id)).where(agenda_text_condition("pekalongan"))
        compiled = stmt.compile(db.engine)
        params = tuple(compiled.params[name] for name in compiled.positiontup)
        rows = db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + str(compiled), params).all()
        plan = " ".join(str(r) for r in rows)
        assert "agenda_search VIRTUAL TABLE INDEX" in plan, plan


def test_the_sealed_addressee_is_neither_searched_nor_indexed(app, books):
    with app.app_context():
        user = db.session.get(User, books.id)
        assert not any(board.ordered(board.Filters(q="wali kota"), user)[0].values())
        raw = db.session.execute(text("SELECT forwarded_to FROM documents WHERE forwarded_to IS NOT NULL")).scalars().all()
        assert raw and all(v.startswith("s1:") and "Wali" not in v for v in raw)
        if db.engine.dialect.name == "sqlite":
            cols = [r[1] for r in db.session.execute(text("PRAGMA table_info(document_search)"))]
            assert cols == ["sender_agency", "sender_ref_number"]


UNICODE_SENDERS = ["Kantor \u212aota Lama", "ÉCOLE Sandi Nasional", "école sandi", "İlham Persandian",
                   "Jalan STRASSE", "Jalan straße", "Dinas Ölah Raga", "dinas ölah raga"]
UNICODE_QUERIES = ["kota", "\u212aota", "KOTA", "école", "ÉCOLE", "éco", "Éco", "straße", "STRASSE", "ilh",
                   "i\u0307lh", "İlh", "ölah", "ÖLAH", "ola", "sandi"]


@pytest.mark.parametrize("q", UNICODE_QUERIES)
def test_agenda_search_answers_as_like_beyond_ascii(app, make, q):
    """The index folds ASCII case only, as LIKE does: the Kelvin sign is not a "k", "É" is not "é"."""
    from naskah.core.search import contains
    creator = make.user("sandiman")
    with app.app_context():
        db.session.execute(insert(AgendaEntry), [
            dict(book="masuk", year=2026, number=i + 1, kind="kriptogram", received_on=date(2026, 1, 2), sender=s,
                 summary="kriptogram", created_by_id=creator.id, created_at=utcnow())
            for i, s in enumerate(UNICODE_SENDERS)])
        db.session.commit()
        like = set(db.session.scalars(select(AgendaEntry.id).where(
            contains(AgendaEntry.sender, q) | contains(AgendaEntry.letter_number, q))))
        assert agenda_ids(q) == like, q


@pytest.mark.parametrize("walk_from", [1, 10**9])
def test_agenda_pages_are_the_same_whichever_plan(app, books, monkeypatch, walk_from):
    """Many matches: the page walks the (year, number) index; few: it sorts the matches. Same pages."""
    monkeypatch.setattr(agenda, "WALK_ORDER_FROM", walk_from)
    with app.app_context():
        everything, total = agenda.search(sender="pekalongan", per_page=1000)
        pages = [agenda.search(sender="pekalongan", page=p, per_page=7) for p in range(1, 5)]
        assert all(t == total for _rows, t in pages)
        assert [r.id for rows, _t in pages for r in rows] == [r.id for r in everything][:28]
        assert [(r.year, r.number) for r in everything] == sorted(((r.year, r.number) for r in everything), reverse=True)
