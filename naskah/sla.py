"""The one-working-day service standard applied to a document, using the office calendar."""
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
import json

from . import settings
from .officecalendar import OfficeCalendar, WorkWeek


@dataclass(frozen=True)
class CardSla:
    due: datetime
    status: str          # ok | warning | overdue | done | late_done
    text: str


@lru_cache(maxsize=8)
def _calendar(week_json: str, closures: tuple) -> OfficeCalendar:
    week = WorkWeek.from_json(json.loads(week_json)) if week_json else WorkWeek.default()
    return OfficeCalendar(week, closures=[date.fromisoformat(d) for d in closures])


def calendar() -> OfficeCalendar:
    """The office calendar from settings (cached until the settings change)."""
    week = settings.get("work_week")
    closures = settings.get("closures") or []
    return _calendar(json.dumps(week, sort_keys=True) if week else "", tuple(sorted(closures)))


def due_at(doc) -> datetime:
    return calendar().due_at(doc.received_at)


def card_sla(doc, now: datetime, cal: OfficeCalendar | None = None) -> CardSla:
    cal = cal or calendar()
    due = cal.due_at(doc.received_at)
    if doc.delivered_at is not None:
        on_time = doc.delivered_at <= due
        return CardSla(due, "done" if on_time else "late_done",
                       "selesai tepat waktu" if on_time else "selesai terlambat")
    status = cal.status(due, now)
    return CardSla(due, status, cal.remaining_text(due, now))
