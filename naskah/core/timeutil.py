"""Time: instants are stored in UTC and shown in WIB; the server's own zone never matters."""
from datetime import date, datetime, timezone

# One definition of the zone, the month and day names and the UTC->WIB conversion: the pure
# printing library's (it cannot import the app), shared here by the app and its templates.
from naskah.printing.formatting import BULAN as MONTHS
from naskah.printing.formatting import WIB, to_wib


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def wib_to_utc(naive_local: datetime) -> datetime:
    """A wall-clock time typed by a user in the office is WIB."""
    return naive_local.replace(tzinfo=WIB).astimezone(timezone.utc)


def format_date(d) -> str:
    """28 November 2026"""
    if d is None:
        return ""
    if isinstance(d, datetime):
        d = to_wib(d).date()
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def format_datetime(t: datetime | None) -> str:
    """28 November 2026 pukul 09.15 WIB"""
    if t is None:
        return ""
    w = to_wib(t)
    return f"{format_date(w.date())} pukul {w:%H.%M} WIB"


def format_short(t: datetime | None) -> str:
    """28/11/2026 09.15"""
    if t is None:
        return ""
    return f"{to_wib(t):%d/%m/%Y %H.%M}"


def wib_today() -> date:
    return to_wib(utcnow()).date()
