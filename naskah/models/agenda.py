"""The incoming-cryptogram agenda book: one numbered row per entry, never edited or deleted."""
from naskah.core.timeutil import utcnow

from ..extensions import db
from .types import SealedText, UTCDateTime

ENTRY_KINDS = {
    "kriptogram": "Kriptogram masuk",
    "salinan": "Surat salinan",
    "koreksi": "Koreksi",
}


class AgendaCounter(db.Model):
    """Last number used per book and year; incremented with one atomic UPDATE."""
    __tablename__ = "agenda_counters"
    book = db.Column(db.String(20), primary_key=True)
    year = db.Column(db.Integer, primary_key=True)
    last_number = db.Column(db.Integer, nullable=False, default=0)


class AgendaEntry(db.Model):
    __tablename__ = "agenda_entries"
    id = db.Column(db.Integer, primary_key=True)
    book = db.Column(db.String(20), nullable=False, default="masuk")
    year = db.Column(db.Integer, nullable=False)
    number = db.Column(db.Integer, nullable=False)
    kind = db.Column(db.String(20), nullable=False)
    document_id = db.Column(db.Integer, nullable=True, index=True)  # documents.agenda_entry_id holds the FK
    received_on = db.Column(db.Date, nullable=False, index=True)
    sender = db.Column(db.String(200), nullable=False)
    letter_number = db.Column(db.String(100), nullable=True)
    letter_date = db.Column(db.Date, nullable=True)
    summary = db.Column(db.String(300), nullable=False, default="kriptogram")
    attachments = db.Column(db.String(200), nullable=True)
    forwarded_to = db.Column(SealedText("agenda_entries.forwarded_to"), nullable=True)
    notes = db.Column(SealedText("agenda_entries.notes"), nullable=True)
    classification = db.Column(db.String(2), nullable=True, index=True)
    corrects_id = db.Column(db.Integer, db.ForeignKey("agenda_entries.id"), nullable=True)
    created_by_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    corrects = db.relationship("AgendaEntry", remote_side=[id])
    created_by = db.relationship("User")

    __table_args__ = (
        db.UniqueConstraint("book", "year", "number", name="uq_agenda_book_year_number"),
        db.Index("ix_agenda_entries_sender", "sender"),
        db.Index("ix_agenda_entries_year_number", "year", "number"),  # the book's newest-first order
    )

    @property
    def label(self) -> str:
        return f"{self.number:04d}/{self.year}"

    @property
    def kind_label(self) -> str:
        return ENTRY_KINDS.get(self.kind, self.kind)
