"""Where an archived record's paper is kept (step 9), and the log of its borrowings.

The location (cabinet, shelf, box, folder) and the archive note are written by the `archive`
transition's hook. A borrowing records who took the paper file, when, why and when it came
back; each lending and each return is one audit event. Times are checked against the record.
"""
from datetime import date, datetime

from sqlalchemy import select

from naskah.audit import chain as audit
from naskah.core import timechecks
from naskah.core.errors import Conflict, DomainError
from naskah.core.timeutil import utcnow
from naskah.extensions import db
from naskah.models import Document, User
from naskah.models.archive import ArchiveLoan

LOCATION_FIELDS = (("archive_cabinet", "Lemari"), ("archive_shelf", "Rak"), ("archive_box", "Boks"),
                   ("archive_folder", "Map"))


def set_location(doc: Document, actor: User, data: dict) -> dict:
    """After the archive effect: where the paper is kept, and the archive note."""
    for column, _label in LOCATION_FIELDS:
        value = str(data.get(column) or "").strip()[:40]
        setattr(doc, column, value or None)
    doc.archive_note = str(data.get("note") or "").strip()[:500] or None
    return {"location": location_text(doc)}


def location_text(doc: Document) -> str:
    parts = [f"{label} {getattr(doc, column)}" for column, label in LOCATION_FIELDS if getattr(doc, column)]
    return ", ".join(parts) or "-"


def loans_of(doc: Document) -> list[ArchiveLoan]:
    return db.session.scalars(select(ArchiveLoan).where(ArchiveLoan.document_id == doc.id)
                              .order_by(ArchiveLoan.borrowed_at.desc(), ArchiveLoan.id.desc())).all()


def open_loan(doc: Document) -> ArchiveLoan | None:
    return db.session.scalar(select(ArchiveLoan).where(ArchiveLoan.document_id == doc.id,
                                                       ArchiveLoan.returned_at.is_(None)))


def _lendable(doc: Document) -> None:
    if doc.step != 9:
        raise Conflict("Hanya naskah yang sudah diarsipkan yang dapat dipinjam.")
    if doc.disposed_at:
        raise Conflict("Arsip ini telah dimusnahkan.")


def lend(doc: Document, actor: User, *, borrower_name: str, purpose: str, borrowed_at: datetime,
         borrower_unit: str = "", due_on: date | None = None) -> ArchiveLoan:
    """Record that the paper file went out; refused while it is already out."""
    _lendable(doc)
    if open_loan(doc) is not None:
        raise Conflict("Berkas arsip ini masih dipinjam; catat pengembaliannya lebih dahulu.")
    if not (borrower_name or "").strip():
        raise DomainError("Nama peminjam wajib diisi.", field="borrower_name")
    if not (purpose or "").strip():
        raise DomainError("Keperluan peminjaman wajib diisi.", field="purpose")
    timechecks.check(borrowed_at, field="borrowed_at", what="Waktu peminjaman",
                     after=(doc.archived_at, "naskah diarsipkan"))
    if due_on is not None and due_on < borrowed_at.date():
        raise DomainError("Tanggal batas kembali tidak boleh sebelum tanggal pinjam.", field="due_on")
    loan = ArchiveLoan(document_id=doc.id, borrower_name=borrower_name.strip(), purpose=purpose.strip(),
                       borrower_unit=(borrower_unit or "").strip() or None, borrowed_at=borrowed_at,
                       due_on=due_on, lent_by_id=actor.id, created_at=utcnow())
    db.session.add(loan)
    db.session.flush()
    audit.append("archive.lend", actor=actor, document=doc, object_type="archive_loan", object_id=loan.id,
                 details={"borrower": loan.borrower_name, "purpose": loan.purpose,
                          "borrowed_at": borrowed_at.isoformat()})
    return loan


def give_back(loan: ArchiveLoan, actor: User, *, returned_at: datetime) -> ArchiveLoan:
    """Record that the paper file came back."""
    if loan.returned_at is not None:
        raise Conflict("Pengembalian peminjaman ini sudah dicatat.")
    timechecks.check(returned_at, field="returned_at", what="Waktu pengembalian",
                     after=(loan.borrowed_at, "waktu peminjaman"))
    loan.returned_at = returned_at
    loan.received_back_by_id = actor.id
    doc = db.session.get(Document, loan.document_id)
    audit.append("archive.return", actor=actor, document=doc, object_type="archive_loan", object_id=loan.id,
                 details={"borrower": loan.borrower_name, "returned_at": returned_at.isoformat()})
    return loan
