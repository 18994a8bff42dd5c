"""The board's cards as plain objects read with three Core queries, not ORM models.

A page of 30 cards as Document models (69 columns, the assignee's user row, the decryption
records and resend requests in two more ORM queries) cost about 2 ms of the board's 9; the
card reads 20 of those columns. A Card has exactly what the card template, its transitions'
checks (naskah.workflow.engine.allowed) and its SLA read, under the model's names; anything else
is an AttributeError, not a silent blank. tests/workflow/test_board_cards.py renders every
kind of card both ways and compares the pages.
"""
from __future__ import annotations

from functools import cache

from flask import current_app
from sqlalchemy import bindparam, select

from naskah.extensions import db
from naskah.models import Document, User
from naskah.models.decryption import SIGNATURE_LABELS, DecryptionRecord, ResendRequest
from naskah.models.document import DocumentLabels

FIELDS = ("id", "step", "version", "classification", "urgency", "sender_agency", "channel", "sender_email",
          "agenda_number", "agenda_year", "assigned_to_id", "delivery_assignee_id", "received_at",
          "delivered_at", "signed_at", "stamped_at", "copy_entry_id", "receipt_scan_blob_id", "disposed_at",
          "revision_reason")


class Person:
    __slots__ = ("full_name",)

    def __init__(self, full_name):
        self.full_name = full_name


class CardDecryption:
    __slots__ = ("signature", "signer")

    def __init__(self, signature, signer):
        self.signature, self.signer = signature, signer

    @property
    def signature_label(self) -> str:
        return SIGNATURE_LABELS.get(self.signature, self.signature)


class CardResend:
    __slots__ = ("resolved_at",)

    def __init__(self, resolved_at):
        self.resolved_at = resolved_at


class Card(DocumentLabels):
    __slots__ = (*FIELDS, "assigned_to", "decryption", "resend_requests")

    def __init__(self, row):
        # By position (getattr(row, name) cost six times as much); the last column is the name.
        for name, value in zip(FIELDS, row, strict=False):
            setattr(self, name, value)
        self.assigned_to = Person(row.assignee_name) if self.assigned_to_id is not None else None
        self.decryption = None
        self.resend_requests = []


@cache
def _statements():
    """Built once, on first use (building a select costs more than running it). On the tables,
    not the mapped classes: a select of mapped attributes goes through the ORM's result loading
    even for plain rows, which cost three times the query (1.3 ms of a 30-card page)."""
    ids = bindparam("ids", expanding=True)
    docs, users = Document.__table__.c, User.__table__.c
    records, resend_rows = DecryptionRecord.__table__.c, ResendRequest.__table__.c
    cards = (select(*(docs[f] for f in FIELDS), users.full_name.label("assignee_name"))
             .select_from(Document.__table__.outerjoin(User.__table__, users.id == docs.assigned_to_id))
             .where(docs.id.in_(ids)))
    decryptions = (select(records.document_id, records.signature, records.signer)
                   .where(records.document_id.in_(ids)))
    resends = (select(resend_rows.document_id, resend_rows.resolved_at)
               .where(resend_rows.document_id.in_(ids)).order_by(resend_rows.id))
    return cards, decryptions, resends


class _Remembered:
    """The cards read at one change marker (naskah.workflow.board.change_marker, the audit
    chain's length). Every change to what a card shows is an audited action, which raises the
    marker in its own transaction, so a card read at marker M is what any request that reads M
    would read; the board's poll already answers "nothing new" on the same rule. Per app (one
    per process), keyed by the database's value: another process's change raises it for all.
    Bounded."""
    SIZE = 5000

    def __init__(self):
        self.marker, self.cards = None, {}

    def at(self, marker: int) -> dict[int, Card]:
        if marker != self.marker or len(self.cards) > self.SIZE:
            self.marker, self.cards = marker, {}  # a new dict: a request still reading the old is unharmed
        return self.cards


def load(ids: list[int], marker: int | None = None) -> dict[int, Card]:
    """The cards of these documents (missing ones left out). With the change marker this
    request read before its board query, cards read at that marker are not read again: a board
    polled by everyone every few seconds mostly asks for the same cards."""
    if marker is None:
        return _read(ids)
    known = current_app.extensions.setdefault("naskah_cards", _Remembered()).at(marker)
    missing = [i for i in ids if i not in known]
    if missing:
        known.update(_read(missing))
    return {i: known[i] for i in ids if i in known}


def _read(ids: list[int]) -> dict[int, Card]:
    if not ids:
        return {}
    cards_q, decryptions_q, resends_q = _statements()
    params = {"ids": list(ids)}
    cards = {row.id: Card(row) for row in db.session.execute(cards_q, params)}
    for doc_id, signature, signer in db.session.execute(decryptions_q, params):
        cards[doc_id].decryption = CardDecryption(signature, signer)
    for doc_id, resolved_at in db.session.execute(resends_q, params):
        cards[doc_id].resend_requests.append(CardResend(resolved_at))
    return cards
