"""Board queries: the documents in progress, filtered, grouped by step, one page per column.

A column shows what a person can see: its first cards (overdue first, then by urgency and due
time) and "tampilkan N lagi" for the rest; its count is the total. One light query orders and
counts every matching card; only the cards on the page are loaded and rendered.
"""
import hashlib
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

from flask import current_app, url_for
from sqlalchemy import bindparam, func, or_, select

from naskah.core.search import document_text_condition
from naskah.core.timeutil import utcnow
from naskah.extensions import db
from naskah.models import URGENCY_ORDER, AuditHead, Document
from naskah.paper import progress as paper_progress
from naskah.sla import due as sla_module
from naskah.sla.calendar_settings import wip_limits
from naskah.workflow import cards
from naskah.workflow.desk.waiting import waiting_condition
from naskah.workflow.engine import Step, allowed

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
    cards: list = field(default_factory=list)  # (doc, CardSla, actions) of the cards on this page
    limit: int | None = None      # soft WIP limit from settings
    total: int | None = None      # cards in the column without filters (for the WIP check)
    count: int = 0                # cards matching the filters (all pages)
    offset: int = 0               # cards before this page
    signature: str = ""           # changes when what the first page shows changes (the poll)
    sla_context: tuple | None = None  # (now, calendar, pauses) of the pass that ordered it
    loaded: bool = False          # cards are (Card, CardSla, actions), not light rows
    viewer: object = None         # whose board: the actions on each card are this user's
    progress: dict = field(default_factory=dict)  # doc id -> step 8's checklist (cards at step 7)

    @property
    def wip_count(self) -> int:
        return self.count if self.total is None else self.total

    @property
    def over_limit(self) -> bool:
        """Marked, never blocked: a column over its limit still takes cards."""
        return self.limit is not None and self.wip_count > self.limit

    @property
    def next_offset(self) -> int:
        return self.offset + len(self.cards)

    @property
    def more(self) -> int:
        """Matching cards after this page ("tampilkan N lagi")."""
        return max(0, self.count - self.next_offset)


# What the board needs of every matching card to order, count and page them; only the cards on
# the page are loaded as models (loading and rendering all 500 was most of the board's time).
# The table's columns, not the mapped attributes (naskah.core.dbtuning says why); filters add those.
_DOCS = Document.__table__.c
LIGHT = (_DOCS.id, _DOCS.step, _DOCS.urgency, _DOCS.received_at, _DOCS.delivered_at, _DOCS.version)


def page_size() -> int:
    return int(current_app.config.get("BOARD_PAGE_SIZE", 10))


def text_condition(q: str):
    """The board's text filter: sender, sender's reference, addressee, agenda number."""
    return document_text_condition(q)


# The window's start is computed when the statement runs: the statements are built once (building
# one cost more than running it, and the board runs several on every request).
_SINCE = bindparam("board_since", callable_=lambda: utcnow() - ARCHIVE_WINDOW)
_STEPS = bindparam("board_steps", expanding=True)
_COLUMNS = {"light": LIGHT, "count": (func.count(_DOCS.id),), "step_count": (_DOCS.step, func.count(_DOCS.id))}
_BASE = {kind: select(*cols).where(or_(_DOCS.step < int(Step.DIARSIPKAN), _DOCS.archived_at >= _SINCE))
         for kind, cols in _COLUMNS.items()}
_BASE_STEPS = {kind: stmt.where(_DOCS.step.in_(_STEPS)) for kind, stmt in _BASE.items()}


def _query(filters: Filters, user, steps=None, cols: str = "light"):
    """The matching cards of the board, as (statement, parameters): "light" rows (LIGHT), their
    "count" or a "step_count"."""
    stmt, params = (_BASE_STEPS[cols], {"board_steps": [int(s) for s in steps]}) if steps else (_BASE[cols], {})
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
        stmt = stmt.where(text_condition(filters.q))
    return stmt, params


def ordered(filters: Filters, user, steps=None):
    """Every matching card as a light row, per step in board order: overdue first, then by
    urgency, then by due time. Returns (rows by step, due times, now, calendar, pauses)."""
    rows = db.session.execute(*_query(filters, user, steps)).all()
    now = utcnow()
    cal = sla_module.calendar()
    pauses = sla_module.pauses_for(r.id for r in rows)
    dues = sla_module.board_pass(rows, now, cal, pauses)
    by_step: dict[Step, list] = {s: [] for s in (steps or list(Step))}
    for r in rows:
        if filters.overdue and not dues[r.id][1]:
            continue
        by_step.setdefault(Step(r.step), []).append(r)
    for items in by_step.values():
        items.sort(key=lambda r: (not dues[r.id][1], URGENCY_ORDER.get(r.urgency, 9), dues[r.id][0], r.id))
    return by_step, dues, now, cal, pauses


def _signature(items, dues, size: int, extra) -> str:
    """Short digest of what a column's first page shows: the poll re-renders only columns whose
    digest differs from the one the browser has."""
    shown = tuple((r.id, r.version, dues[r.id][1]) for r in items[:size])
    digest = hashlib.blake2b(repr((len(items), extra, shown)).encode(), digest_size=6)
    return digest.hexdigest()


def columns(filters: Filters, user, steps=None, *, shown: dict | None = None, offset: int = 0,
            after: int | None = None, load: bool = True) -> list[Column]:
    """The board's columns, one page each: `shown` maps a step to how many cards its page holds
    (default page_size()), `offset` skips cards (the "tampilkan N lagi" request of one column),
    or `after`: the page starts after that card when it is still there (a card above it may have
    moved away since the link was rendered; an offset alone would then skip one).
    load=False keeps light rows instead of models (a transition only needs the order)."""
    by_step, dues, now, cal, pauses = ordered(filters, user, steps)
    if after is not None:
        for items in by_step.values():
            position = next((i for i, r in enumerate(items) if r.id == after), None)
            if position is not None:
                offset = position + 1
    limits = wip_limits()
    size = page_size()
    cols = {s: Column(s, limit=limits.get(int(s)), count=len(items), offset=offset)
            for s, items in by_step.items()}
    if filters.active and limits:
        for step, total in _totals(steps).items():
            if step in cols:
                cols[step].total = total
    for s, items in by_step.items():
        n = max(size, min(int((shown or {}).get(int(s), size)), MAX_SHOWN))
        col = cols[s]
        col.cards = items[offset:offset + n]
        col.signature = _signature(items, dues, n, (col.wip_count, col.limit))
        col.sla_context = (now, cal, pauses)
        col.viewer = user
    out = list(cols.values())
    if load:
        fill(out)
    return out


def counted(filters: Filters, user, step: Step) -> Column:
    """One column's count without its cards (a transition's answer updates the count of the
    column a card left): a COUNT, unless the overdue filter needs every card's due time."""
    if filters.overdue:
        return columns(filters, user, steps=[step], load=False)[0]
    col = Column(step, limit=wip_limits().get(int(step)),
                 count=db.session.scalar(*_query(filters, user, [step], cols="count")) or 0)
    if filters.active and col.limit is not None:
        col.total = _totals([step]).get(step, 0)
    return col


def fill(cols: list[Column], marker: int | None = None) -> None:
    """Replace the light rows of the columns' pages by (card, CardSla, actions): the cards of all
    columns in one go (naskah.workflow.cards); the actions from the transition table, without a
    query per card; step 8's checklist of a column's cards from one audit query."""
    pending = [c for c in cols if not c.loaded]
    docs = _load([r.id for c in pending for r in c.cards], marker)
    for c in pending:
        now, cal, pauses = c.sla_context
        c.cards = [(docs[r.id], sla_module.card_sla(docs[r.id], now, cal, pauses.get(r.id, [])),
                    allowed(docs[r.id], c.viewer)) for r in c.cards if r.id in docs]
        c.progress = paper_progress.progress_many([doc for doc, _, _ in c.cards if doc.step == 7])
        c.loaded = True


MAX_SHOWN = 500  # the plain "tampilkan N lagi" link (no JavaScript) grows a page up to this


def _load(ids: list[int], marker: int | None = None):
    """The cards on the page: plain objects from three Core queries (naskah.workflow.cards), or
    remembered from a request that read the same change marker."""
    return cards.load(ids, marker)


_ID = 987654321  # a placeholder id: url_for once, then str.replace per card


class CardUrls:
    """URLs of the cards and columns, built once per request: url_for costs 10-20 us a call and
    a card has three or four links; a pattern plus str.replace costs well under one."""

    def __init__(self, filters: Filters, shown: dict[int, int]):
        self.filters, self.shown = filters, shown
        self._show = url_for("documents.show", doc_id=_ID)
        self._action = url_for("documents.action_form", doc_id=_ID, action="ACTION")
        self._cover = url_for("printing.cover_letter", doc_id=_ID, fmt="pdf")
        self.patterns = (self._show, self._action, self._cover)  # part of a remembered card's key

    def show(self, doc_id: int) -> str:
        return self._show.replace(str(_ID), str(doc_id))

    def action(self, doc_id: int, action: str) -> str:
        return self._action.replace(str(_ID), str(doc_id)).replace("ACTION", action)

    def cover_pdf(self, doc_id: int) -> str:
        return self._cover.replace(str(_ID), str(doc_id))

    def board_more(self, col: "Column") -> str:
        """The plain link: the whole board with this column's page grown by one page."""
        shown = {f"s{k}": v for k, v in self.shown.items()}
        shown[f"s{int(col.step)}"] = col.next_offset + page_size()
        return url_for("board.index", **self.filters.as_args(), **shown)

    def column_page(self, col: "Column") -> str:
        last = col.cards[-1][0].id if col.cards and col.loaded else None
        extra = {"after": last} if last is not None else {}
        return url_for("board.column", step=int(col.step), offset=col.next_offset, **extra, **self.filters.as_args())


def shown_from_args(args) -> dict[int, int]:
    """"s4=20" in the board's URL: column 4 shows its first 20 cards (the link without htmx)."""
    out = {}
    for step in Step:
        value = str(args.get(f"s{int(step)}", "") or "")
        if value.isdigit():
            out[int(step)] = int(value)
    return out


def _totals(steps=None) -> dict[Step, int]:
    """Unfiltered card count per column, one GROUP BY (WIP limits ignore the board's filters)."""
    stmt, params = _query(Filters(), None, steps, cols="step_count")
    return {Step(step): n for step, n in db.session.execute(stmt.group_by(Document.step), params).all()}


_MARKER = select(AuditHead.__table__.c.seq).where(AuditHead.__table__.c.id == 1)


def change_marker() -> int:
    """Grows with every audit event: the board's cheap "anything new?" check."""
    return db.session.scalar(_MARKER) or 0
