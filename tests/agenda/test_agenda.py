"""Agenda numbering: per year, unique, without gaps, safe under concurrent registrations."""
import threading

from naskah.agenda import book as agenda
from naskah.extensions import db
from naskah.models import AgendaEntry, Document, User
from naskah.workflow import engine as workflow


def test_numbers_restart_each_year(app, make):
    user = make.user("sandiman")
    with app.app_context():
        actor = db.session.get(User, user.id)
        from datetime import date
        numbers = [agenda.add_entry(kind="kriptogram", year=y, received_on=date(y, 1, 2), sender="X",
                                    actor=actor).number for y in (2026, 2026, 2027, 2026, 2027)]
        db.session.commit()
    assert numbers == [1, 2, 1, 3, 2]


def test_rolled_back_registration_gives_its_number_back(app, make):
    sandiman = make.user("sandiman")
    first, second = make.document(step=1, sandiman=sandiman), make.document(step=1, sandiman=sandiman)
    with app.app_context():
        actor = db.session.get(User, sandiman.id)
        workflow.apply(db.session.get(Document, first), "register", actor, {})
        db.session.rollback()
        workflow.apply(db.session.get(Document, second), "register", actor, {})
        db.session.commit()
        assert db.session.get(Document, second).agenda_number == 1


def test_twenty_concurrent_registrations(app, make):
    sandiman = make.user("sandiman")
    doc_ids = [make.document(step=1, sandiman=sandiman) for _ in range(20)]
    barrier = threading.Barrier(20)
    errors = []

    def register(doc_id):
        try:
            with app.app_context():
                barrier.wait()
                actor = db.session.get(User, sandiman.id)
                workflow.apply(db.session.get(Document, doc_id), "register", actor, {})
                db.session.commit()
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(repr(exc))

    threads = [threading.Thread(target=register, args=(d,)) for d in doc_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    with app.app_context():
        numbers = sorted(db.session.scalars(db.select(Document.agenda_number)))
        entries = sorted(db.session.scalars(db.select(AgendaEntry.number)))
    assert numbers == list(range(1, 21))
    assert entries == list(range(1, 21))
