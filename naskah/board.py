"""Board queries: the documents in progress, filtered, grouped by step."""
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

from sqlalchemy import func, or_, select

from .extensions import db
from .models import URGENCY_ORDER, AuditHead, Document
from .timeutil import utcnow
from .workflow import Step

ARCHIVE_WINDOW = timedelta(days=7)


@dataclass
class Filters:
    mine: bool = False
    classification: str = ""
    urgency: str = ""
    overdue: bool = False
    q: str = ""

    @classmethod
    def from_args(cls, args) -> "Filters":
        def one(name):
            value = args.get(name, "")
            return (value[0] if isinstance(value, list) else value or "").strip()[:100]
        return cls(mine=one("mine") == "1", classification=one("classification"),
                   urgency=one("urgency"), overdue=one("overdue") == "1", q=one("q"))

    @classmethod
    def from_url(cls, url: str | None) -> "Filters":
        return cls.from_args(parse_qs(urlparse(url or "").query))

    def as_args(self) -> dict:
        out = {}
        if self.mine:
            out["mine"] = "1"
        if self.classification:
            out["classification"] = self.classification
        if self.urgency:
            out["urgency"] = self.urgency
        if self.overdue:
            out["overdue"] = "1"
        if self.q:
            out["q"] = self.q
        return out

    @property
    def active(self) -> bool:
        return bool(self.as_args())


@dataclass
class Column:
    step: Step
    cards: list = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.cards)


def _query(filters: Filters, user, steps=None):
    now = utcnow()
    stmt = select(Document).where(or_(Document.step < int(Step.DIARSIPKAN),
                                      Document.archived_at >= now - ARCHIVE_WINDOW))
    if steps:
        stmt = stmt.where(Document.step.in_([int(s) for s in steps]))
    if filters.mine:
        stmt = stmt.where(or_(Document.assigned_to_id == user.id, Document.delivery_assignee_id == user.id,
                              Document.created_by_id == user.id))
    if filters.classification:
        stmt = stmt.where(Document.classification == filters.classification)
    if filters.urgency:
        stmt = stmt.where(Document.urgency == filters.urgency)
    if filters.q:
        pattern = f"%{filters.q.lower()}%"
        conds = [func.lower(Document.sender_agency).like(pattern),
                 func.lower(Document.sender_ref_number).like(pattern),
                 func.lower(func.coalesce(Document.forwarded_to, "")).like(pattern)]
        if filters.q.isdigit():
            conds.append(Document.agenda_number == int(filters.q))
        stmt = stmt.where(or_(*conds))
    return stmt


def columns(filters: Filters, user, steps=None) -> list[Column]:
    """Cards grouped by step, most urgent first, then oldest first."""
    from . import sla as sla_module
    docs = db.session.scalars(_query(filters, user, steps)).unique().all()
    cols = {s: Column(s) for s in (steps or list(Step))}
    now = utcnow()
    cal = sla_module.calendar()
    for doc in docs:
        info = sla_module.card_sla(doc, now, cal)
        if filters.overdue and info.status != "overdue":
            continue
        cols[Step(doc.step)].cards.append((doc, info))
    for col in cols.values():
        col.cards.sort(key=lambda pair: (URGENCY_ORDER.get(pair[0].urgency, 9), pair[1].due, pair[0].id))
    return list(cols.values())


def change_marker() -> int:
    """Grows with every audit event: the board's cheap "anything new?" check."""
    return db.session.scalar(select(AuditHead.seq).where(AuditHead.id == 1)) or 0
