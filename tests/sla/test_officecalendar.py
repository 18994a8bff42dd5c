"""Table-driven tests for naskah.officecalendar (the one-working-day service deadline)."""
from __future__ import annotations

import time as time_mod
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from naskah.sla.calendar import WIB, OfficeCalendar, WorkWeek, format_hours

UTC = timezone.utc
H = 3600

# Cuti bersama Nyepi / Idul Fitri 2026 as the admin would enter them (they match the SKB dates).
LEBARAN_2026 = {
    date(2026, 3, 18): "Cuti Bersama Hari Suci Nyepi",
    date(2026, 3, 20): "Cuti Bersama Hari Raya Idul Fitri",
    date(2026, 3, 23): "Cuti Bersama Hari Raya Idul Fitri",
    date(2026, 3, 24): "Cuti Bersama Hari Raya Idul Fitri",
}

CAL = OfficeCalendar(WorkWeek.default(), holiday_years=range(2025, 2028))
CAL_LEBARAN = OfficeCalendar(WorkWeek.default(), closures=LEBARAN_2026)


def wib(y, mo, d, h=0, mi=0, s=0):
    return datetime(y, mo, d, h, mi, s, tzinfo=WIB)


# --- the due rule: the table IS the documented rule ------------------------------------
# Week of 23-27 Nov 2026 has no holidays (Mon 23 .. Fri 27, Sat 28, Sun 29, Mon 30).
DUE_CASES = [
    ("mon-10:00", CAL, wib(2026, 11, 23, 10), wib(2026, 11, 24, 10)),
    ("mon-opening", CAL, wib(2026, 11, 23, 7, 30), wib(2026, 11, 24, 7, 30)),
    ("mon-early-06:00", CAL, wib(2026, 11, 23, 6), wib(2026, 11, 24, 7, 30)),
    ("mon-15:59", CAL, wib(2026, 11, 23, 15, 59), wib(2026, 11, 24, 15, 59)),
    ("mon-closing-16:00", CAL, wib(2026, 11, 23, 16), wib(2026, 11, 25, 7, 30)),
    ("mon-evening-20:00", CAL, wib(2026, 11, 23, 20), wib(2026, 11, 25, 7, 30)),
    ("tue-after-midnight", CAL, wib(2026, 11, 24, 0, 30), wib(2026, 11, 25, 7, 30)),
    ("wed-10:00", CAL, wib(2026, 11, 25, 10), wib(2026, 11, 26, 10)),
    ("thu-10:00-to-fri", CAL, wib(2026, 11, 26, 10), wib(2026, 11, 27, 10)),
    ("thu-11:00-to-fri-close", CAL, wib(2026, 11, 26, 11), wib(2026, 11, 27, 11)),
    ("thu-11:01-carry-1m", CAL, wib(2026, 11, 26, 11, 1), wib(2026, 11, 30, 7, 31)),
    ("thu-14:00-carry-3h", CAL, wib(2026, 11, 26, 14), wib(2026, 11, 30, 10, 30)),
    ("thu-15:59-carry", CAL, wib(2026, 11, 26, 15, 59), wib(2026, 11, 30, 12, 29)),
    ("thu-16:00-starts-fri", CAL, wib(2026, 11, 26, 16), wib(2026, 11, 30, 7, 30)),
    ("fri-opening", CAL, wib(2026, 11, 27, 7, 30), wib(2026, 11, 30, 7, 30)),
    ("fri-10:00-to-mon", CAL, wib(2026, 11, 27, 10), wib(2026, 11, 30, 10)),
    ("fri-10:59", CAL, wib(2026, 11, 27, 10, 59), wib(2026, 11, 30, 10, 59)),
    ("fri-closing-11:00", CAL, wib(2026, 11, 27, 11), wib(2026, 12, 1, 7, 30)),
    ("fri-afternoon", CAL, wib(2026, 11, 27, 14), wib(2026, 12, 1, 7, 30)),
    ("sat-09:00", CAL, wib(2026, 11, 28, 9), wib(2026, 12, 1, 7, 30)),
    ("sun-23:59", CAL, wib(2026, 11, 29, 23, 59), wib(2026, 12, 1, 7, 30)),
    # National holidays 2026 (holidays package, verified: 17 Aug Mon, 25 Aug Tue, 25 Dec Fri).
    ("fri-before-independence-day", CAL, wib(2026, 8, 14, 10), wib(2026, 8, 18, 10)),
    ("on-independence-day", CAL, wib(2026, 8, 17, 9), wib(2026, 8, 19, 7, 30)),
    ("sun-before-independence-day", CAL, wib(2026, 8, 16, 9), wib(2026, 8, 19, 7, 30)),
    ("mon-before-maulid", CAL, wib(2026, 8, 24, 10), wib(2026, 8, 26, 10)),
    ("thu-before-christmas-skips-short-fri", CAL, wib(2026, 12, 24, 14), wib(2026, 12, 28, 14)),
    # Year ends: 1 Jan 2026 Thu, 1 Jan 2027 Fri, 5 Jan 2027 Tue (Isra Mikraj).
    ("wed-31dec2025-to-fri-2jan", CAL, wib(2025, 12, 31, 10), wib(2026, 1, 2, 10)),
    ("wed-31dec2025-14:00-carry", CAL, wib(2025, 12, 31, 14), wib(2026, 1, 5, 10, 30)),
    ("wed-30dec2026", CAL, wib(2026, 12, 30, 14), wib(2026, 12, 31, 14)),
    ("thu-31dec2026-to-mon-4jan", CAL, wib(2026, 12, 31, 10), wib(2027, 1, 4, 10)),
    ("thu-31dec2026-evening-isra-mikraj", CAL, wib(2026, 12, 31, 16, 30), wib(2027, 1, 6, 7, 30)),
    # Admin closures (cuti bersama Lebaran 2026); Nyepi 19 Mar Thu is national.
    ("wed-18mar-no-closures", CAL, wib(2026, 3, 17, 10), wib(2026, 3, 18, 10)),
    ("tue-17mar-with-closures", CAL_LEBARAN, wib(2026, 3, 17, 10), wib(2026, 3, 25, 10)),
    ("wed-18mar-14:00-no-closures", CAL, wib(2026, 3, 18, 14), wib(2026, 3, 23, 10, 30)),
    ("on-closure-day", CAL_LEBARAN, wib(2026, 3, 23, 9), wib(2026, 3, 26, 7, 30)),
    # UTC inputs whose UTC date differs from the WIB date.
    ("utc-sun-23:00-is-mon-06:00-wib", CAL, datetime(2026, 11, 22, 23, tzinfo=UTC), wib(2026, 11, 24, 7, 30)),
    ("utc-mon-20:00-is-tue-03:00-wib", CAL, datetime(2026, 11, 23, 20, tzinfo=UTC), wib(2026, 11, 25, 7, 30)),
    ("new-york-input", CAL, datetime(2026, 11, 22, 22, tzinfo=ZoneInfo("America/New_York")),
     wib(2026, 11, 24, 10)),
]


@pytest.mark.parametrize(("cal", "received", "due"), [c[1:] for c in DUE_CASES], ids=[c[0] for c in DUE_CASES])
def test_due_at(cal, received, due):
    result = cal.due_at(received)
    assert result == due
    assert result.tzinfo is UTC


@pytest.mark.parametrize("tz", ["UTC", "America/Los_Angeles", "Pacific/Kiritimati", "Asia/Kathmandu"])
def test_server_timezone_does_not_matter(tz, monkeypatch):
    expected = [c[1].due_at(c[2]) for c in DUE_CASES]
    monkeypatch.setenv("TZ", tz)
    time_mod.tzset()
    try:
        probe = datetime(2026, 11, 23, 12, tzinfo=UTC)
        assert probe.astimezone().utcoffset() == probe.astimezone(ZoneInfo(tz)).utcoffset()  # tzset took
        fresh = OfficeCalendar(WorkWeek.default())
        assert [c[1].due_at(c[2]) for c in DUE_CASES] == expected
        assert fresh.due_at(wib(2026, 11, 26, 14)) == wib(2026, 11, 30, 10, 30)
    finally:
        monkeypatch.undo()
        time_mod.tzset()


# --- days -----------------------------------------------------------------------------
DAY_CASES = [
    ("mon-normal", CAL, date(2026, 11, 23), True, None),
    ("fri-normal", CAL, date(2026, 11, 27), True, None),
    ("saturday", CAL, date(2026, 11, 28), False, None),
    ("sunday", CAL, date(2026, 11, 29), False, None),
    ("new-year-2026", CAL, date(2026, 1, 1), False, "Tahun Baru Masehi"),
    ("new-year-2027", CAL, date(2027, 1, 1), False, "Tahun Baru Masehi"),
    ("independence-day", CAL, date(2026, 8, 17), False, "Hari Kemerdekaan Republik Indonesia"),
    ("christmas-2026", CAL, date(2026, 12, 25), False, "Hari Raya Natal"),
    ("nyepi-2026", CAL, date(2026, 3, 19), False, "Hari Suci Nyepi"),
    ("closure-named", CAL_LEBARAN, date(2026, 3, 20), False, "Cuti Bersama Hari Raya Idul Fitri"),
    ("closure-not-set", CAL, date(2026, 3, 20), True, None),
    ("closure-unnamed", OfficeCalendar(WorkWeek.default(), closures=[date(2026, 11, 23)]),
     date(2026, 11, 23), False, "Libur kantor"),
    ("national-off", OfficeCalendar(WorkWeek.default(), use_national_holidays=False),
     date(2026, 8, 17), True, None),
    ("cuti-bersama-from-package", OfficeCalendar(WorkWeek.default(), include_cuti_bersama=True),
     date(2026, 12, 24), False, "Cuti Bersama Hari Raya Natal"),
]


@pytest.mark.parametrize(("cal", "day", "working", "name"), [c[1:] for c in DAY_CASES], ids=[c[0] for c in DAY_CASES])
def test_days(cal, day, working, name):
    assert cal.is_working_day(day) is working
    assert cal.holiday_name(day) == name


# --- next_opening, add_working_time, working_seconds_between --------------------------
OPEN_CASES = [
    ("inside-hours", wib(2026, 11, 23, 10), wib(2026, 11, 23, 10)),
    ("at-opening", wib(2026, 11, 23, 7, 30), wib(2026, 11, 23, 7, 30)),
    ("before-opening", wib(2026, 11, 23, 5), wib(2026, 11, 23, 7, 30)),
    ("at-closing", wib(2026, 11, 23, 16), wib(2026, 11, 24, 7, 30)),
    ("friday-12:00", wib(2026, 11, 27, 12), wib(2026, 11, 30, 7, 30)),
    ("saturday", wib(2026, 11, 28, 9), wib(2026, 11, 30, 7, 30)),
    ("year-end", wib(2026, 12, 31, 17), wib(2027, 1, 4, 7, 30)),
]


@pytest.mark.parametrize(("t", "expected"), [c[1:] for c in OPEN_CASES], ids=[c[0] for c in OPEN_CASES])
def test_next_opening(t, expected):
    assert CAL.next_opening(t) == expected


ADD_CASES = [
    ("zero-inside", wib(2026, 11, 23, 10), 0, wib(2026, 11, 23, 10)),
    ("zero-on-saturday", wib(2026, 11, 28, 10), 0, wib(2026, 11, 30, 7, 30)),
    ("full-day-ends-at-closing", wib(2026, 11, 23, 7, 30), 8.5 * H, wib(2026, 11, 23, 16)),
    ("overnight", wib(2026, 11, 23, 15), 2 * H, wib(2026, 11, 24, 8, 30)),
    ("over-weekend", wib(2026, 11, 27, 10), 2 * H, wib(2026, 11, 30, 8, 30)),
    ("over-new-year", wib(2026, 12, 31, 15), 1.5 * H, wib(2027, 1, 4, 8)),
    ("over-closures", wib(2026, 3, 17, 15), 2 * H, wib(2026, 3, 25, 8, 30)),
]


@pytest.mark.parametrize(("start", "secs", "expected"), [c[1:] for c in ADD_CASES], ids=[c[0] for c in ADD_CASES])
def test_add_working_time(start, secs, expected):
    cal = CAL_LEBARAN if start.month == 3 else CAL
    assert cal.add_working_time(start, secs) == expected


BETWEEN_CASES = [
    ("same-day", wib(2026, 11, 23, 8), wib(2026, 11, 23, 10), 2 * H),
    ("reversed-negative", wib(2026, 11, 23, 10), wib(2026, 11, 23, 8), -2 * H),
    ("night-is-zero", wib(2026, 11, 23, 17), wib(2026, 11, 24, 7), 0),
    ("weekend-is-zero", wib(2026, 11, 27, 11), wib(2026, 11, 30, 7, 30), 0),
    ("whole-week", wib(2026, 11, 23), wib(2026, 11, 30), 4 * 8.5 * H + 3.5 * H),
    ("christmas-week-2026", wib(2026, 12, 21), wib(2026, 12, 28), 4 * 8.5 * H),
    ("across-year-end", wib(2026, 12, 31, 15), wib(2027, 1, 4, 8), 1.5 * H),
]


@pytest.mark.parametrize(("a", "b", "expected"), [c[1:] for c in BETWEEN_CASES], ids=[c[0] for c in BETWEEN_CASES])
def test_working_seconds_between(a, b, expected):
    assert CAL.working_seconds_between(a, b) == expected


# --- monitoring -----------------------------------------------------------------------
DUE_MON = wib(2026, 11, 24, 10)  # Tue 10:00
STATUS_CASES = [
    ("plenty-left", wib(2026, 11, 23, 10), 8.5 * H, "ok", "sisa 8 j 30 m"),
    ("exactly-2h-is-ok", wib(2026, 11, 24, 8), 2 * H, "ok", "sisa 2 j 0 m"),
    ("under-2h-warning", wib(2026, 11, 24, 8, 1), 2 * H - 60, "warning", "sisa 1 j 59 m"),
    ("overnight-counts-office-time", wib(2026, 11, 23, 20), 2.5 * H, "ok", "sisa 2 j 30 m"),
    ("45m-left", wib(2026, 11, 24, 9, 15), 45 * 60, "warning", "sisa 45 m"),
    ("at-due", DUE_MON, 0, "warning", "sisa 0 m"),
    ("late-1h5m", wib(2026, 11, 24, 11, 5), -(65 * 60), "overdue", "terlambat 1 j 5 m"),
    ("late-30s-rounds-up", wib(2026, 11, 24, 10, 0, 30), -30, "overdue", "terlambat 1 m"),
    ("late-overnight", wib(2026, 11, 25, 7, 45), -(6 * H + 15 * 60), "overdue", "terlambat 6 j 15 m"),
]


@pytest.mark.parametrize(("now", "left", "state", "text"), [c[1:] for c in STATUS_CASES], ids=[c[0] for c in STATUS_CASES])
def test_remaining_status_text(now, left, state, text):
    assert CAL.remaining(DUE_MON, now) == left
    assert CAL.status(DUE_MON, now) == state
    assert CAL.remaining_text(DUE_MON, now) == text


def test_overdue_after_friday_close_even_without_office_time():
    due, now = wib(2026, 11, 27, 11), wib(2026, 11, 28, 9)  # Fri 11:00, checked Saturday
    assert CAL.remaining(due, now) == 0
    assert CAL.status(due, now) == "overdue"
    assert CAL.remaining_text(due, now) == "terlambat 0 m"


FORMAT_CASES = [
    ("hours-minutes", 3 * H + 20 * 60, "sisa 3 j 20 m"),
    ("late", -(H + 5 * 60), "terlambat 1 j 5 m"),
    ("minutes-only", 45 * 60 + 59, "sisa 45 m"),
    ("zero", 0, "sisa 0 m"),
    ("long", 30 * H, "sisa 30 j 0 m"),
]


@pytest.mark.parametrize(("secs", "text"), [c[1:] for c in FORMAT_CASES], ids=[c[0] for c in FORMAT_CASES])
def test_format_hours(secs, text):
    assert format_hours(secs) == text
    assert OfficeCalendar.format_hours(secs) == text


# --- input validation -----------------------------------------------------------------
NAIVE = datetime(2026, 11, 23, 10)
BAD_CALLS = [
    ("due-naive", lambda: CAL.due_at(NAIVE)),
    ("next-opening-naive", lambda: CAL.next_opening(NAIVE)),
    ("add-naive", lambda: CAL.add_working_time(NAIVE, 60)),
    ("add-negative", lambda: CAL.add_working_time(wib(2026, 11, 23, 10), -1)),
    ("add-nan", lambda: CAL.add_working_time(wib(2026, 11, 23, 10), float("nan"))),
    ("between-naive", lambda: CAL.working_seconds_between(NAIVE, wib(2026, 11, 23, 10))),
    ("remaining-naive", lambda: CAL.remaining(wib(2026, 11, 23, 10), NAIVE)),
    ("status-naive", lambda: CAL.status(NAIVE, wib(2026, 11, 23, 10))),
    ("datetime-as-day", lambda: CAL.is_working_day(wib(2026, 11, 23, 10))),
    ("datetime-closure", lambda: OfficeCalendar(WorkWeek.default(), closures=[wib(2026, 11, 23)])),
]


@pytest.mark.parametrize("call", [c[1] for c in BAD_CALLS], ids=[c[0] for c in BAD_CALLS])
def test_bad_inputs_raise(call):
    with pytest.raises(ValueError):
        call()


# --- WorkWeek -------------------------------------------------------------------------
def test_default_week_json_round_trip():
    week = WorkWeek.default()
    data = week.to_json()
    assert data["0"] == ["07:30", "16:00"] and data["4"] == ["07:30", "11:00"]
    assert data["5"] is None and data["6"] is None
    assert WorkWeek.from_json(data) == week
    assert WorkWeek({0: (time(8), time(12))}).to_json()["1"] is None
    assert hash(week) == hash(WorkWeek.from_json(data))


BAD_WEEKS = [
    ("end-before-start", {"0": ["16:00", "07:30"]}, "jam selesai harus setelah jam mulai"),
    ("end-equals-start", {"2": ["08:00", "08:00"]}, "Rabu"),
    ("bad-format", {"0": ["7.30", "16:00"]}, "format jam tidak valid"),
    ("hour-25", {"0": ["25:00", "26:00"]}, "format jam tidak valid"),
    ("single-value", {"0": ["07:30"]}, "isi jam mulai dan jam selesai"),
    ("unknown-day", {"7": ["07:30", "16:00"]}, "Hari tidak dikenal"),
    ("all-closed", {str(i): None for i in range(7)}, "Minimal satu hari"),
    ("not-a-dict", ["07:30", "16:00"], "tidak valid"),
]


@pytest.mark.parametrize(("data", "message"), [c[1:] for c in BAD_WEEKS], ids=[c[0] for c in BAD_WEEKS])
def test_bad_week_rejected_with_indonesian_message(data, message):
    with pytest.raises(ValueError, match=message):
        WorkWeek.from_json(data)


def test_custom_week_saturday_half_day():
    week = WorkWeek.from_json({**WorkWeek.default().to_json(), "5": ["08:00", "12:00"]})
    cal = OfficeCalendar(week)
    # Fri 10:00 -> next working day Saturday (opens 08:00) -> Sat 10:00.
    assert cal.due_at(wib(2026, 11, 27, 10)) == wib(2026, 11, 28, 10)
    # Fri 07:45: Saturday opens later (08:00) -> due at Saturday's opening.
    assert cal.due_at(wib(2026, 11, 27, 7, 45)) == wib(2026, 11, 28, 8)


# --- properties -----------------------------------------------------------------------
instants = st.datetimes(
    min_value=datetime(2025, 12, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)
PROPS = settings(deadline=None, max_examples=150)


def day_length(cal, t):
    start = cal.next_opening(t).astimezone(WIB)
    opens, closes = cal.work_week.span(start.weekday())
    return (datetime.combine(start.date(), closes) - datetime.combine(start.date(), opens)).total_seconds()


@PROPS
@given(t=instants, cal=st.sampled_from([CAL, CAL_LEBARAN]))
def test_prop_due_after_received_and_grants_start_day_length(t, cal):
    due = cal.due_at(t)
    assert due > t
    assert cal.working_seconds_between(t, due) == day_length(cal, t)
    assert cal.status(due, t) in {"ok", "warning"}


@PROPS
@given(t=instants, secs=st.integers(0, 200 * H * 10**6).map(lambda us: us / 10**6))
def test_prop_add_then_measure_is_identity(t, secs):
    end = CAL.add_working_time(t, secs)
    assert abs(CAL.working_seconds_between(t, end) - secs) <= 1e-6


@PROPS
@given(a=instants, b=instants)
def test_prop_measure_then_add_reaches_b(a, b):
    a, b = min(a, b), max(a, b)
    end = CAL.add_working_time(a, CAL.working_seconds_between(a, b))
    assert CAL.next_opening(end) == CAL.next_opening(b)
    local = b.astimezone(WIB)
    span = CAL.work_week.span(local.weekday())
    if CAL.is_working_day(local.date()) and span[0] < local.time() < span[1]:
        assert end == b  # strictly inside office hours: exact inverse
    assert CAL.working_seconds_between(a, b) == -CAL.working_seconds_between(b, a)


@PROPS
@given(a=instants, b=instants, c=instants)
def test_prop_between_is_additive(a, b, c):
    total = CAL.working_seconds_between(a, b) + CAL.working_seconds_between(b, c)
    assert abs(CAL.working_seconds_between(a, c) - total) <= 1e-6


quarter = st.integers(0, 95).map(lambda q: time(q // 4, q % 4 * 15))
spans = st.one_of(st.none(), st.tuples(quarter, quarter).filter(lambda s: s[0] < s[1]))
weeks = st.lists(spans, min_size=7, max_size=7).filter(lambda w: any(w)).map(lambda w: WorkWeek(tuple(w)))


@PROPS
@given(week=weeks, t=instants)
def test_prop_any_week_general_invariant(week, t):
    """working time granted == E_D - min(C, O_N), as the due_at docstring states."""
    cal = OfficeCalendar(week)
    start = cal.next_opening(t).astimezone(WIB)
    nxt = start.date() + timedelta(days=1)
    while not cal.is_working_day(nxt):
        nxt += timedelta(days=1)
    close_d = week.span(start.weekday())[1]
    open_n = week.span(nxt.weekday())[0]
    clock = start.time()
    expected = (datetime.combine(start.date(), close_d) - datetime.combine(start.date(), min(clock, open_n)))
    due = cal.due_at(t)
    assert due > t
    assert cal.working_seconds_between(t, due) == expected.total_seconds()
