"""Office calendar: working hours, holidays and the one-working-day service deadline.

Pure module (no Flask, no database). Instants are timezone-aware datetimes; results are
returned in UTC because the app stores UTC. All calendar reasoning happens in WIB
(Asia/Jakarta, UTC+7, no DST), so the server's own time zone never matters.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from naskah.printing.formatting import WIB
from naskah.sla import national_holidays

UTC = timezone.utc
HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
CLOSURE_LABEL = "Libur kantor"
WARNING_SECONDS = 2 * 3600
_MAX_SCAN_DAYS = 3 * 366  # guards loops if closures ever swallow every day
_HOURS_KEPT = 10 * 366  # days of remembered office hours per calendar (a report may span years)
_UNSEEN = object()
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")

Hours = tuple[time, time] | None


def utcnow() -> datetime:
    """Aware 'now' in UTC; the app must never use naive datetime.now()."""
    return datetime.now(UTC)


def _local(t: datetime) -> datetime:
    """Reject naive instants (their meaning depends on the server) and move to WIB."""
    if not isinstance(t, datetime):
        raise ValueError("Waktu harus berupa datetime dengan zona waktu.")
    if t.tzinfo is None or t.utcoffset() is None:
        raise ValueError("Waktu tanpa zona waktu (naive) tidak diterima; gunakan UTC.")
    return t.astimezone(WIB)


def _plain_date(d: date) -> date:
    """A datetime is not a date here: its calendar day depends on the time zone."""
    if isinstance(d, datetime) or not isinstance(d, date):
        raise ValueError("Harap berikan tanggal (date), bukan datetime.")
    return d


def _parse_hhmm(value: object, day: int) -> time:
    if isinstance(value, time):
        if value.tzinfo is not None or value.second or value.microsecond:
            raise ValueError(f"Jam kerja hari {HARI[day]}: gunakan jam:menit tanpa detik/zona.")
        return value
    if not isinstance(value, str) or not _HHMM.match(value):
        raise ValueError(f"Jam kerja hari {HARI[day]}: format jam tidak valid ({value!r}), gunakan JJ:MM.")
    return time(int(value[:2]), int(value[3:]))


@dataclass(frozen=True)
class WorkWeek:
    """Office hours per weekday (0=Monday..6=Sunday); None means closed.

    Stored as a 7-tuple so the value stays hashable; a dict {weekday: (start, end)} is
    accepted by the constructor (missing weekdays are closed).
    """

    hours: tuple[Hours, ...]

    def __post_init__(self) -> None:
        raw = self.hours
        if isinstance(raw, Mapping):
            raw = tuple(raw.get(i) for i in range(7))
        raw = tuple(raw)
        if len(raw) != 7:
            raise ValueError("Jam kerja harus diisi untuk 7 hari (Senin sampai Minggu).")
        norm = []
        for day, span in enumerate(raw):
            if span is None:
                norm.append(None)
                continue
            try:
                start, end = span
            except (TypeError, ValueError):
                raise ValueError(f"Jam kerja hari {HARI[day]}: isi jam mulai dan jam selesai.") from None
            norm.append((_parse_hhmm(start, day), _parse_hhmm(end, day)))
        object.__setattr__(self, "hours", tuple(norm))
        self.validate()

    @classmethod
    def default(cls) -> WorkWeek:
        """Mon-Thu 07:30-16:00, Fri 07:30-11:00, weekend closed."""
        full, short = (time(7, 30), time(16, 0)), (time(7, 30), time(11, 0))
        return cls((full, full, full, full, short, None, None))

    def validate(self) -> WorkWeek:
        """Raise ValueError (Indonesian message, shown to the admin) if the week is unusable."""
        for day, span in enumerate(self.hours):
            if span is not None and span[1] <= span[0]:
                raise ValueError(f"Jam kerja hari {HARI[day]}: jam selesai harus setelah jam mulai.")
        if all(span is None for span in self.hours):
            raise ValueError("Minimal satu hari dalam seminggu harus menjadi hari kerja.")
        return self

    def to_json(self) -> dict[str, list[str] | None]:
        """Simple dict for the office-settings store: {"0": ["07:30", "16:00"], "5": None}."""
        return {
            str(day): None if span is None else [span[0].strftime("%H:%M"), span[1].strftime("%H:%M")]
            for day, span in enumerate(self.hours)
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> WorkWeek:
        """Inverse of to_json; unknown keys and bad times raise ValueError."""
        if not isinstance(data, Mapping):
            raise ValueError("Pengaturan jam kerja tidak valid.")
        spans: dict[int, object] = {}
        for key, value in data.items():
            if str(key) not in {str(i) for i in range(7)}:
                raise ValueError(f"Hari tidak dikenal dalam jam kerja: {key!r} (gunakan 0-6).")
            spans[int(key)] = None if value is None else tuple(value) if isinstance(value, list | tuple) else value
        return cls(spans)

    def span(self, weekday: int) -> Hours:
        return self.hours[weekday]


class OfficeCalendar:
    """Working days and hours of the office, in WIB.

    A day is a working day when its weekday has hours, it is not an Indonesian national
    holiday (``holidays`` package, Indonesian names, read from naskah.sla.national_holidays'
    table) and it is not an admin closure (cuti bersama, ad-hoc closures). Office hours are
    half-open: [start, end).
    """

    def __init__(
        self,
        work_week: WorkWeek,
        closures: Iterable[date] | Mapping[date, str] = (),
        holiday_years: range | None = None,
        use_national_holidays: bool = True,
        include_cuti_bersama: bool = False,
    ) -> None:
        """holiday_years only preloads those years; any other year is loaded lazily.

        include_cuti_bersama adds the package's 'government' category (SKB cuti bersama);
        off by default because the admin maintains cuti bersama as closures.
        """
        self.work_week = work_week.validate()
        names = closures if isinstance(closures, Mapping) else dict.fromkeys(closures, CLOSURE_LABEL)
        self.closures: dict[date, str] = {_plain_date(d): (n or CLOSURE_LABEL) for d, n in names.items()}
        self.use_national_holidays = use_national_holidays
        self.include_cuti_bersama = include_cuti_bersama
        self._years: dict[int, dict[date, str]] = {}
        self._hours: dict[date, tuple[datetime, datetime] | None] = {}
        for year in holiday_years or ():
            self._national(year)

    # -- days ---------------------------------------------------------------------------
    def _national(self, year: int) -> dict[date, str]:
        """National holidays of one year, computed once (dict writes are atomic under the GIL)."""
        cached = self._years.get(year)
        if cached is None:
            cats = ("public", "government") if self.include_cuti_bersama else ("public",)
            cached = self._years[year] = national_holidays.of_year(year, cats)
        return cached

    def holiday_name(self, d: date) -> str | None:
        """Indonesian name of the holiday or closure on d (weekends are not holidays)."""
        d = _plain_date(d)
        if self.use_national_holidays:
            name = self._national(d.year).get(d)
            if name:
                return name
        return self.closures.get(d)

    def is_working_day(self, d: date) -> bool:
        d = _plain_date(d)
        return self.work_week.span(d.weekday()) is not None and self.holiday_name(d) is None

    def _hours_on(self, d: date) -> tuple[datetime, datetime] | None:
        """Opening and closing instants (WIB) of d, or None if the office is closed. Remembered
        per day: the board's SLA walks the same few days for every card on every poll, and the
        calendar's rules do not change (settings give a new instance)."""
        hours = self._hours.get(d, _UNSEEN)
        if hours is _UNSEEN:
            if len(self._hours) > _HOURS_KEPT:
                self._hours.clear()
            hours = self._hours[d] = self._hours_of(_plain_date(d))
        return hours

    def _hours_of(self, d: date) -> tuple[datetime, datetime] | None:
        if not self.is_working_day(d):
            return None
        start, end = self.work_week.span(d.weekday())
        return datetime.combine(d, start, WIB), datetime.combine(d, end, WIB)

    def _next_working_day(self, d: date) -> tuple[datetime, datetime]:
        """Hours of the first working day strictly after d."""
        for offset in range(1, _MAX_SCAN_DAYS):
            hours = self._hours_on(d + timedelta(days=offset))
            if hours:
                return hours
        raise ValueError(f"Tidak ada hari kerja dalam {_MAX_SCAN_DAYS} hari setelah {d.isoformat()}.")

    # -- instants -----------------------------------------------------------------------
    def _open_local(self, t: datetime) -> datetime:
        local = _local(t)
        hours = self._hours_on(local.date())
        if hours and local < hours[1]:
            return max(local, hours[0])
        return self._next_working_day(local.date())[0]

    def next_opening(self, t: datetime) -> datetime:
        """t itself if the office is open at t, else the next opening moment (UTC)."""
        return self._open_local(t).astimezone(UTC)

    def add_working_time(self, start: datetime, seconds: float) -> datetime:
        """Instant after `seconds` of office time counted from next_opening(start).

        Work that ends exactly at a closing returns that closing (not the next opening).
        """
        if not math.isfinite(seconds) or seconds < 0:
            raise ValueError("Durasi kerja harus angka nol atau positif.")
        left = timedelta(seconds=seconds)
        cur = self._open_local(start)
        for _ in range(_MAX_SCAN_DAYS * 100):
            close = self._hours_on(cur.date())[1]
            if left <= close - cur:
                return (cur + left).astimezone(UTC)
            left -= close - cur
            cur = self._next_working_day(cur.date())[0]
        raise ValueError("Durasi kerja terlalu panjang.")

    def _working_delta(self, a: datetime, b: datetime) -> timedelta:
        total, day = timedelta(0), a.date()
        while day <= b.date():
            hours = self._hours_on(day)
            if hours:
                lo, hi = max(a, hours[0]), min(b, hours[1])
                if hi > lo:
                    total += hi - lo
            day += timedelta(days=1)
        return total

    def working_seconds_between(self, a: datetime, b: datetime) -> float:
        """Office seconds in [a, b]; negative when b < a."""
        la, lb = _local(a), _local(b)
        if lb < la:
            return -self._working_delta(lb, la).total_seconds()
        return self._working_delta(la, lb).total_seconds()

    def due_at(self, received_at: datetime) -> datetime:
        """Deadline for a cryptogram received at `received_at`: ONE WORKING DAY (UTC result).

        Rule (all in WIB):
        1. The clock starts at S = next_opening(received_at); S falls on working day D at
           clock time C.
        2. N is the first working day after D, open from O to E.
        3. If O <= C <= E: due = N at C (the same clock time on the next working day).
           If C < O (N opens later than C): due = N at O.
           If C > E (N closes earlier, e.g. Friday): the missing part C - E is carried as
           office time into the working days after N: due = add_working_time(next
           opening after N, C - E).
        Invariant: working_seconds_between(received_at, due) == E_D - min(C, O), which with
        equal opening times is the working length of day D (8.5 h Mon-Thu, 3.5 h Fri).
        Examples (default week, no holidays): Mon 10:00 -> Tue 10:00; Fri 10:00 -> Mon
        10:00; Thu 11:00 -> Fri 11:00; Thu 14:00 -> Mon 10:30 (Fri 11:00 + 3 h carried);
        Thu 16:00 or later -> clock starts Fri 07:30 -> Mon 07:30; Fri 11:00 or Sat 09:00
        -> clock starts Mon 07:30 -> Tue 07:30.
        Note: not monotonic around Thursday's close (Thu 15:59 -> Mon 12:29 but Thu 16:00
        -> Mon 07:30), because a Thursday start earns Thursday's 8.5 h and a Friday start
        earns Friday's 3.5 h.
        """
        start = self._open_local(received_at)
        clock = start.timetz().replace(tzinfo=None)
        opens, closes = self._next_working_day(start.date())
        target = datetime.combine(opens.date(), clock, WIB)
        if target < opens:
            return opens.astimezone(UTC)
        if target <= closes:
            return target.astimezone(UTC)
        carry = (target - closes).total_seconds()
        following = self._next_working_day(closes.date())[0]
        return self.add_working_time(following, carry)

    # -- monitoring ---------------------------------------------------------------------
    def remaining(self, due: datetime, now: datetime) -> float:
        """Office seconds from now until due; negative = late by that much office time.

        After a due that falls at/after closing, lateness stays 0 until the office reopens;
        use status() to decide "overdue" (it compares instants).
        """
        return self.working_seconds_between(now, due)

    def status(self, due: datetime, now: datetime, warning_seconds: float = WARNING_SECONDS) -> str:
        """'overdue' once now is past due; 'warning' under 2 office hours left; else 'ok'."""
        if _local(now) > _local(due):
            return "overdue"
        return "warning" if self.remaining(due, now) < warning_seconds else "ok"

    def remaining_text(self, due: datetime, now: datetime) -> str:
        """Indonesian short label for a queue card, consistent with status()."""
        return format_hours(self.remaining(due, now), overdue=self.status(due, now) == "overdue")


def format_hours(seconds: float, overdue: bool | None = None) -> str:
    """'sisa 3 j 20 m' / 'terlambat 1 j 5 m' / 'sisa 45 m'.

    Time left is rounded down and lateness up, so the label never flatters the office.
    overdue=None infers lateness from the sign of seconds.
    """
    if not math.isfinite(seconds):
        raise ValueError("Durasi tidak valid.")
    late = seconds < 0 if overdue is None else overdue
    minutes = math.ceil(abs(seconds) / 60 - 1e-9) if late else math.floor(abs(seconds) / 60 + 1e-9)
    if seconds > 0 and late:
        minutes = 0
    hours, minutes = divmod(minutes, 60)
    text = f"{hours} j {minutes} m" if hours else f"{minutes} m"
    return f"{'terlambat' if late else 'sisa'} {text}"


OfficeCalendar.format_hours = staticmethod(format_hours)
