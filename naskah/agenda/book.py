"""The agenda book: next number of a year, entries, corrections and search.

Numbers come from one atomic `UPDATE ... RETURNING` on the year's counter row inside the caller's
transaction: concurrent registrations queue on the row lock, a rolled-back transaction gives its
number back, so numbers are unique and without gaps.
"""
from datetime import date

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from naskah.audit import chain as audit
from naskah.core.errors import NotFound
from naskah.core.search import agenda_text_condition, agenda_text_count
from naskah.core.timeutil import to_wib, utcnow
from naskah.extensions import db
from naskah.models import AgendaCounter, AgendaEntry

BOOK_INCOMING = "masuk"


def next_number(year: int, book: str = BOOK_INCOMING) -> int:
    stmt = (update(AgendaCounter)
            .where(AgendaCounter.book == book, AgendaCounter.year == year)
            .values(last_number=AgendaCounter.last_number + 1)
            .returning(AgendaCounter.last_number))
    number = db.session.execute(stmt).scalar_one_or_none()
    if number is None:
        # First number of the year: create the counter; a concurrent creator wins harmlessly.
        try:
            with db.session.begin_nested():
                db.session.execute(insert(AgendaCounter).values(book=book, year=year, last_number=0))
        except IntegrityError:
            pass
        number = db.session.execute(stmt).scalar_one()
    return number


def last_number(year: int, book: str = BOOK_INCOMING) -> int:
    """The register's last number so far (0 before its first), read without taking one."""
    return db.session.scalar(select(AgendaCounter.last_number).where(
        AgendaCounter.book == book, AgendaCounter.year == year)) or 0


def add_entry(*, kind: str, year: int, received_on: date, sender: str, actor, document=None,
              letter_number=None, letter_date=None, summary="kriptogram", attachments=None,
              forwarded_to=None, notes=None, classification=None, corrects=None) -> AgendaEntry:
    entry = AgendaEntry(
        book=BOOK_INCOMING, year=year, number=next_number(year), kind=kind,
        document_id=getattr(document, "id", None), received_on=received_on, sender=sender,
        letter_number=letter_number, letter_date=letter_date, summary=summary,
        attachments=attachments, forwarded_to=forwarded_to, notes=notes,
        classification=classification, corrects_id=getattr(corrects, "id", None),
        created_by_id=actor.id,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


# From this many matches on, a page of a text search walks the (year, number) index and keeps the
# matching entries, instead of fetching every match and sorting them (naskah.core.search).
WALK_ORDER_FROM = 1000


def search(*, number=None, year=None, sender=None, date_from=None, date_to=None,
           classification=None, page=1, per_page=25):
    """Filtered, newest-first page of entries; returns (rows, total).

    A sender query alone is counted from the search index; the page then takes the plan that
    suits the count (see WALK_ORDER_FROM)."""
    conditions = []
    if number:
        conditions.append(AgendaEntry.number == number)
    if year:
        conditions.append(AgendaEntry.year == year)
    if date_from:
        conditions.append(AgendaEntry.received_on >= date_from)
    if date_to:
        conditions.append(AgendaEntry.received_on <= date_to)
    if classification:
        conditions.append(AgendaEntry.classification == classification)
    total = agenda_text_count(sender) if sender and not conditions else None
    if sender:  # the FTS5 / pg_trgm index (naskah.core.search)
        walk = total is not None and total >= WALK_ORDER_FROM
        conditions.append(agenda_text_condition(sender, walk_order=walk))
    where = and_(*conditions) if conditions else True
    if total is None:
        total = db.session.scalar(select(func.count(AgendaEntry.id)).where(where))
    if total == 0:
        return [], 0
    rows = db.session.scalars(
        select(AgendaEntry).where(where)
        .order_by(AgendaEntry.year.desc(), AgendaEntry.number.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    return rows, total


PRINT_CAP = 20_000  # entries on one printed book: more than a city office registers in years


def print_book(actor, *, fmt: str, label: str, **filters) -> tuple[list, int]:
    """The entries of a printed agenda book, oldest first, and the one audit event of the print.

    Both print routes (the screen view with search filters, the PDF/print view by period) come
    here, so a print is capped and recorded the same way whichever way it was asked for.
    """
    rows, total = search(**filters, page=1, per_page=PRINT_CAP)
    rows = sorted(rows, key=lambda e: (e.year, e.number))
    audit.append("print.agenda", actor=actor, object_type="agenda",
                 details={"paper": "buku agenda", "period": label, "rows": len(rows), "format": fmt})
    return rows, total


def get_entry(entry_id: int) -> AgendaEntry:
    entry = db.session.get(AgendaEntry, entry_id)
    if entry is None:
        raise NotFound("Entri agenda tidak ditemukan.")
    return entry


def correct(original: AgendaEntry, actor, notes: str) -> AgendaEntry:
    """A correction is a new numbered entry pointing at the one it corrects; nothing is edited."""
    now = utcnow()
    entry = add_entry(
        kind="koreksi", year=to_wib(now).year, received_on=to_wib(now).date(), sender=original.sender,
        actor=actor, letter_number=original.letter_number, letter_date=original.letter_date,
        summary=f"koreksi atas agenda {original.label}", notes=notes.strip(),
        classification=original.classification, corrects=original)
    entry.document_id = original.document_id
    audit.append("agenda.correct", actor=actor, document=original.document_id, object_type="agenda",
                 object_id=entry.id, details={"corrects": original.label, "agenda": entry.label})
    return entry
