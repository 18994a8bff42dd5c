"""The one-working-day service standard applied to a document, using the office calendar.

Pause hook (time waiting for a resend from the sender). The clock of a document stops while
it waits for the sender to resend a cryptogram that could not be decrypted. This module does
not know where those waits are stored; a feature that records them registers a *pause source*:

    from naskah import sla

    def resend_pauses(doc_ids):            # ONE query for all ids
        rows = db.session.execute(select(ResendRequest.document_id, ResendRequest.requested_at,
                                         ResendRequest.resolved_at)
                                  .where(ResendRequest.document_id.in_(doc_ids))).all()
        out = {}
        for doc_id, start, end in rows:
            out.setdefault(doc_id, []).append((start, end))   # end None = still waiting
        return out

    sla.register_pause_source(resend_pauses)

Every working-time computation here takes an optional list of (start, end) intervals per
document: that time is excluded from the working time of a step and from the SLA clock (the
due time moves later by the paused office time) and reported separately as waiting time.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from naskah.core import settings
from naskah.sla import duetime
from naskah.sla.calendar import CLOSURE_LABEL, OfficeCalendar, WorkWeek

Interval = tuple[datetime, datetime | None]
PauseSource = Callable[[list[int]], dict[int, list[Interval]]]
_PAUSE_SOURCES: list[PauseSource] = []

SETTINGS_DEFAULTS = {"work_week": None, "closures": []}


@dataclass(frozen=True)
class CardSla:
    due: datetime
    status: str          # ok | warning | overdue | done | late_done | paused
    text: str
    paused_seconds: float = 0.0
    due_text: str = ""   # the due time in office terms (naskah.duetime)
    title: str = ""      # the full sentence: due, time left, when the clock resumes


# -- calendar from settings ------------------------------------------------------------------
@lru_cache(maxsize=8)
def _calendar(week_json: str, closures: tuple) -> OfficeCalendar:
    week = WorkWeek.from_json(json.loads(week_json)) if week_json else WorkWeek.default()
    return OfficeCalendar(week, closures={date.fromisoformat(d): label for d, label in closures})


def closure_entries(raw) -> list[dict]:
    """Normalise the "closures" setting: [{"date", "label", "kind"}], sorted by date.

    Older values were plain ISO date strings; they are read as ad-hoc closures.
    """
    out = []
    for item in raw or []:
        if isinstance(item, str):
            item = {"date": item, "label": CLOSURE_LABEL, "kind": "libur"}
        out.append({"date": item["date"], "label": item.get("label") or CLOSURE_LABEL,
                    "kind": item.get("kind") or "libur"})
    return sorted(out, key=lambda e: e["date"])


def calendar() -> OfficeCalendar:
    """The office calendar from settings, cached by the settings' value (so edits apply at once)."""
    week = settings.get("work_week")
    closures = tuple((e["date"], e["label"]) for e in closure_entries(settings.get("closures")))
    return _calendar(json.dumps(week, sort_keys=True) if week else "", closures)


# -- pauses ----------------------------------------------------------------------------------
def register_pause_source(source: PauseSource) -> None:
    """Add a function doc_ids -> {doc_id: [(start, end or None), ...]} (see module docstring)."""
    if source not in _PAUSE_SOURCES:
        _PAUSE_SOURCES.append(source)


def unregister_pause_source(source: PauseSource) -> None:
    if source in _PAUSE_SOURCES:
        _PAUSE_SOURCES.remove(source)


def pauses_for(doc_ids: Iterable[int]) -> dict[int, list[Interval]]:
    """Pause intervals of many documents: one call (one query) per registered source."""
    ids = sorted(set(doc_ids))
    out: dict[int, list[Interval]] = {}
    if not ids:
        return out
    for source in _PAUSE_SOURCES:
        for doc_id, intervals in (source(ids) or {}).items():
            out.setdefault(doc_id, []).extend(intervals)
    return out


def _clip(pauses: Iterable[Interval], a: datetime, b: datetime) -> list[tuple[datetime, datetime]]:
    """Pauses cut to [a, b] and merged; an open pause (end None) runs until b."""
    cut = sorted((max(s, a), min(e or b, b)) for s, e in pauses or () if s is not None)
    merged: list[list[datetime]] = []
    for s, e in cut:
        if e <= s:
            continue
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


def paused_seconds(cal: OfficeCalendar, a: datetime, b: datetime, pauses: Iterable[Interval] = ()) -> float:
    """Office seconds of [a, b] spent in pauses (waiting for the sender)."""
    if b <= a:
        return 0.0
    return sum(cal.working_seconds_between(s, e) for s, e in _clip(pauses, a, b))


def working_seconds(cal: OfficeCalendar, a: datetime, b: datetime, pauses: Iterable[Interval] = ()) -> float:
    """Office seconds from a to b (0 if b is before a), without the paused office time."""
    if b <= a:
        return 0.0
    return cal.working_seconds_between(a, b) - paused_seconds(cal, a, b, pauses)


def effective_due(cal: OfficeCalendar, received_at: datetime, until: datetime,
                  pauses: Iterable[Interval] = ()) -> tuple[datetime, float]:
    """(due, paused office seconds): the due time moved later by the pauses up to `until`."""
    due = due_at_cached(cal, received_at)
    paused = paused_seconds(cal, received_at, until, pauses) if pauses else 0.0
    if paused > 0:
        due = cal.add_working_time(due, paused)
    return due, paused


def on_time(cal: OfficeCalendar, received_at: datetime, delivered_at: datetime,
            pauses: Iterable[Interval] = ()) -> bool:
    """Whether a delivery kept the one-working-day promise (waiting time excluded)."""
    due, _ = effective_due(cal, received_at, delivered_at, pauses)
    return delivered_at <= due


# -- cards -----------------------------------------------------------------------------------
@lru_cache(maxsize=16384)
def due_at_cached(cal: OfficeCalendar, received_at: datetime) -> datetime:
    """The calendar's due time, memoised: a card's due time depends only on when it arrived and
    on the calendar (hashed by identity; calendar() returns one instance per settings value), and
    the board asks for it for every card on every poll."""
    return cal.due_at(received_at)


def due_at(doc) -> datetime:
    return due_at_cached(calendar(), doc.received_at)


def board_pass(rows, now: datetime, cal: OfficeCalendar,
               pauses: dict[int, list[Interval]]) -> dict[int, tuple[datetime, bool]]:
    """Due time and "overdue?" of every card in one pass: what the board orders, counts and
    filters by. The full CardSla (status and text) is computed only for the cards on the page.
    Rows need id, received_at and delivered_at; "overdue" agrees with card_sla()'s status."""
    out = {}
    for r in rows:
        p = pauses.get(r.id)
        if p:
            due, _ = effective_due(cal, r.received_at, r.delivered_at or now, p)
            waiting = any(s <= now and e is None for s, e in p)
        else:
            due, waiting = due_at_cached(cal, r.received_at), False
        out[r.id] = (due, r.delivered_at is None and not waiting and now > due)
    return out


def card_sla(doc, now: datetime, cal: OfficeCalendar | None = None,
             pauses: Iterable[Interval] | None = None) -> CardSla:
    """Time left or overdue for a card. pauses=None looks them up (one query per source);
    callers showing many cards pass each document's list from pauses_for()."""
    cal = cal or calendar()
    if pauses is None:
        pauses = pauses_for([doc.id]).get(doc.id, []) if _PAUSE_SOURCES and doc.id else []
    end = doc.delivered_at or now
    due, paused = effective_due(cal, doc.received_at, end, pauses)
    due_text = duetime.due_text(cal, due)
    if doc.delivered_at is not None:
        ok = doc.delivered_at <= due
        return CardSla(due, "done" if ok else "late_done",
                       "selesai tepat waktu" if ok else "selesai terlambat", paused, due_text,
                       f"Batas 1 hari kerja: {due_text}. Disampaikan {duetime.when(doc.delivered_at)}.")
    if any(s <= now and e is None for s, e in pauses):
        return CardSla(due, "paused", "menunggu kiriman ulang", paused, due_text,
                       "Waktu layanan berhenti selama menunggu kiriman ulang dari pengirim; "
                       "batas bergeser sebanyak waktu tunggu itu.")
    status = cal.status(due, now)
    words = duetime.due_words(cal, due, now, status)
    return CardSla(due, status, words.short, paused, words.due_text, words.title)
