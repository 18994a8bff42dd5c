"""Due times in the office's terms (pure: no Flask, no database).

"3 Desember pukul 07.30" for a deadline that is really the close of 2 December, and an amber
"sisa 0 m" all night, mislead. The due time is shown as people count it (the end of a working
day when the deadline falls on an opening), the time left as office time, and outside office
hours the card says when the clock resumes.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from naskah.printing.formatting import BULAN, HARI
from naskah.sla.calendar import WIB, OfficeCalendar, format_hours

_SECOND = timedelta(seconds=1)


@dataclass(frozen=True)
class DueWords:
    short: str        # on the card: "sisa 3 j 20 m" / "sisa 2 j 0 m · lanjut Senin 07.30"
    due_text: str     # "Rabu, 2 Desember 2026 pukul 16.00 WIB (akhir jam kerja)"
    title: str        # the full sentence for a tooltip or the document page


def _is_open(cal: OfficeCalendar, t: datetime) -> bool:
    return cal.next_opening(t) == t


def previous_closing(cal: OfficeCalendar, t: datetime) -> datetime:
    """The last closing instant at or before t."""
    local = t.astimezone(WIB)
    for back in range(0, 400):
        day = local.date() - timedelta(days=back)
        if not cal.is_working_day(day):
            continue
        span = cal.work_week.span(day.weekday())
        close = datetime.combine(day, span[1], WIB)
        if close <= local:
            return close
    return t


def office_due(cal: OfficeCalendar, due: datetime) -> tuple[datetime, bool]:
    """(instant to show, is it a closing): a deadline exactly at an opening is the previous
    working day's closing, since no office time lies between them."""
    if _is_open(cal, due) and not _is_open(cal, due - _SECOND):
        return previous_closing(cal, due), True
    local = due.astimezone(WIB)
    span = cal.work_week.span(local.weekday()) if cal.is_working_day(local.date()) else None
    return due, bool(span and local.timetz().replace(tzinfo=None) == span[1])


def when(t: datetime, with_year: bool = True) -> str:
    """'Rabu, 2 Desember 2026 pukul 16.00 WIB'."""
    w = t.astimezone(WIB)
    year = f" {w.year}" if with_year else ""
    return f"{HARI[w.weekday()]}, {w.day} {BULAN[w.month - 1]}{year} pukul {w:%H.%M} WIB"


def resume_label(cal: OfficeCalendar, now: datetime) -> str:
    """'Senin 07.30' (or 'besok 07.30' / 'hari ini 07.30') for the next opening after now."""
    opens = cal.next_opening(now).astimezone(WIB)
    today = now.astimezone(WIB).date()
    if opens.date() == today:
        day = "hari ini"
    elif opens.date() == today + timedelta(days=1):
        day = "besok"
    else:
        day = HARI[opens.weekday()]
    return f"{day} {opens:%H.%M}"


@lru_cache(maxsize=16384)
def due_text(cal: OfficeCalendar, due: datetime) -> str:
    """The due time as people count it, in words; memoised, since it depends only on the calendar
    (hashed by identity, one instance per settings value) and the due time, and the board asks
    for every card on every request (office_due walks the calendar back to a closing)."""
    shown, closing = office_due(cal, due)
    return when(shown) + (" (akhir jam kerja)" if closing else "")


@lru_cache(maxsize=8)
def _clock(cal: OfficeCalendar, now: datetime) -> tuple[bool, str | None, str | None]:
    """(open now?, when it resumes, the next opening in words): the same for every card of a
    board request, which passes one `now` to all of them."""
    if _is_open(cal, now):
        return True, None, None
    return False, resume_label(cal, now), when(cal.next_opening(now))


def due_words(cal: OfficeCalendar, due: datetime, now: datetime, status: str) -> DueWords:
    """The card's and the page's words for a running deadline (not for finished or paused ones)."""
    shown_text = due_text(cal, due)
    overdue = status == "overdue"
    left = cal.remaining(due, now)
    open_now, resumes, opens_at = _clock(cal, now)
    if overdue:
        short = format_hours(left, overdue=True)
        title = f"Batas 1 hari kerja: {shown_text}. Terlambat {short.removeprefix('terlambat ')} jam kerja."
    elif open_now:
        short = format_hours(left, overdue=False)
        title = f"Batas 1 hari kerja: {shown_text}. Sisa {short.removeprefix('sisa ')} jam kerja."
    else:
        if left <= 0:
            short = f"waktu kerja habis · terlambat mulai {resumes}"
            title = (f"Batas 1 hari kerja: {shown_text}. Di luar jam kerja; waktu kerjanya sudah habis: "
                     f"bila belum selesai, naskah terlambat saat kantor buka {opens_at}.")
        else:
            short = f"{format_hours(left, overdue=False)} · lanjut {resumes}"
            title = (f"Batas 1 hari kerja: {shown_text}. Di luar jam kerja: sisa "
                     f"{format_hours(left, overdue=False).removeprefix('sisa ')} jam kerja, dihitung lagi {opens_at}.")
    return DueWords(short, shown_text, title)
