"""Board queries: the documents in progress, filtered, grouped by step."""
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

from sqlalchemy import func, or_, select

from naskah.core.timeutil import utcnow
from naskah.extensions import db
from naskah.models import URGENCY_ORDER, AuditHead, Document
from naskah.sla import due as sla_module
from naskah.sla.calendar_settings import wip_limits
from naskah.workflow.desk.waiting import waiting_condition
from naskah.workflow.engine import Step

ARCHIVE_WINDOW = timedelta(days=7)


@dataclass
class Filters:
    mine: bool = False
    classification: str = ""
    urgency: str = ""
    overdue: bool = False
    q: str = ""
    waiting: bool = False   # only the cards waiting for this user (the "Menunggu Anda" badge)

    @classmethod
    def from_args(cls, args) -> "Filters":
        def one(name):
            value = args.get(name, "")
            return (value[0] if isinstance(value, list) else value or "").strip()[:100]
        return cls(mine=one("mine") == "1", classification=one("classification"),
                   urgency=one("urgency"), overdue=one("overdue") == "1", q=one("q"),
                   waiting=one("menunggu") == "1")

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
        if self.waiting:
            out["menunggu"] = "1"
        return out

    @property
    def active(self) -> bool:
        return bool(self.as_args())


@dataclass
class Column:
    step: Step
    cards: list = field(default_factory=list)
    limit: int | None = None      # soft WIP limit from settings
    total: int | None = None      # cards in the column without filters (for the WIP check)

    @property
    def count(self) -> int:
        return len(self.cards)

    @property
    def wip_count(self) -> int:
        return self.count if self.total is None else self.total

    @property
    def over_limit(self) -> bool:
        """Marked, never blocked: a column over its limit still takes cards."""
        return self.limit is not None and self.wip_count > self.limit


def _query(filters: Filters, user, steps=None):
    now = utcnow()
    stmt = select(Document).where(or_(Document.step < int(Step.DIARSIPKAN),
                                      Document.archived_at >= now - ARCHIVE_WINDOW))
    if steps:
        stmt = stmt.where(Document.step.in_([int(s) for s in steps]))
    if filters.mine:
        stmt = stmt.where(or_(Document.assigned_to_id == user.id, Document.delivery_assignee_id == user.id,
                              Document.created_by_id == user.id))
    if filters.waiting:
        stmt = stmt.where(waiting_condition(user))
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
    docs = db.session.scalars(_query(filters, user, steps)).unique().all()
    limits = wip_limits()
    cols = {s: Column(s, limit=limits.get(int(s))) for s in (steps or list(Step))}
    if filters.active and limits:
        for step, total in _totals(steps).items():
            if step in cols:
                cols[step].total = total
    now = utcnow()
    cal = sla_module.calendar()
    pauses = sla_module.pauses_for(d.id for d in docs)
    for doc in docs:
        info = sla_module.card_sla(doc, now, cal, pauses.get(doc.id, []))
        if filters.overdue and info.status != "overdue":
            continue
        cols[Step(doc.step)].cards.append((doc, info))
    for col in cols.values():
        col.cards.sort(key=lambda pair: (URGENCY_ORDER.get(pair[0].urgency, 9), pair[1].due, pair[0].id))
    return list(cols.values())


def _totals(steps=None) -> dict[Step, int]:
    """Unfiltered card count per column, one GROUP BY (WIP limits ignore the board's filters)."""
    stmt = _query(Filters(), None, steps).with_only_columns(Document.step, func.count(Document.id)) \
        .group_by(Document.step)
    return {Step(step): n for step, n in db.session.execute(stmt).all()}


def change_marker() -> int:
    """Grows with every audit event: the board's cheap "anything new?" check."""
    return db.session.scalar(select(AuditHead.seq).where(AuditHead.id == 1)) or 0
