"""The calendar-based SLA functions (naskah.sla) as tables: working time, pauses, due, status."""
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from naskah.core import settings
from naskah.extensions import db
from naskah.sla import due as sla
from naskah.sla import metrics
from naskah.sla.calendar import WIB, OfficeCalendar, WorkWeek

CAL = OfficeCalendar(WorkWeek.default())
H = 3600


def wib(d, h=0, mi=0, month=11):
    return datetime(2026, month, d, h, mi, tzinfo=WIB)


# Week of 23-27 Nov 2026: Mon-Thu 07:30-16:00, Fri 07:30-11:00, no holidays.
WORKING_CASES = [
    # name, a, b, pauses, expected working hours, expected paused hours
    ("same-morning", wib(23, 8), wib(23, 10), [], 2.0, 0.0),
    ("evening-to-morning", wib(23, 15), wib(24, 9), [], 2.5, 0.0),
    ("reversed-is-zero", wib(24, 9), wib(23, 15), [], 0.0, 0.0),
    ("over-weekend", wib(27, 10), wib(30, 8), [], 1.5, 0.0),
    ("pause-inside", wib(23, 8), wib(23, 12), [(wib(23, 9), wib(23, 10))], 3.0, 1.0),
    ("pause-overnight", wib(23, 8), wib(24, 12), [(wib(23, 15), wib(24, 9))], 12.5 - 2.5, 2.5),
    ("pause-open-ended", wib(23, 8), wib(23, 12), [(wib(23, 11), None)], 3.0, 1.0),
    ("pause-outside", wib(23, 8), wib(23, 12), [(wib(22, 8), wib(22, 20))], 4.0, 0.0),
    ("pauses-overlap-merged", wib(23, 8), wib(23, 14),
     [(wib(23, 9), wib(23, 11)), (wib(23, 10), wib(23, 12))], 3.0, 3.0),
    ("pause-clipped-to-interval", wib(23, 10), wib(23, 12), [(wib(23, 8), wib(23, 11))], 1.0, 1.0),
    ("pause-on-weekend-costs-nothing", wib(27, 10), wib(30, 8), [(wib(28, 8), wib(29, 20))], 1.5, 0.0),
]


@pytest.mark.parametrize(("a", "b", "pauses", "hours", "paused"), [c[1:] for c in WORKING_CASES],
                         ids=[c[0] for c in WORKING_CASES])
def test_working_and_paused_seconds(a, b, pauses, hours, paused):
    assert sla.working_seconds(CAL, a, b, pauses) == pytest.approx(hours * H)
    assert sla.paused_seconds(CAL, a, b, pauses) == pytest.approx(paused * H)


DUE_CASES = [
    # name, received, until, pauses, expected due
    ("no-pause", wib(24, 9), wib(25, 13), [], wib(25, 9)),
    ("pause-moves-due", wib(24, 9), wib(25, 13), [(wib(24, 11), wib(25, 9))], wib(25, 15, 30)),
    ("pause-after-until-ignored", wib(24, 9), wib(24, 10), [(wib(24, 11), wib(25, 9))], wib(25, 9)),
    ("carry-over-friday", wib(26, 10), wib(27, 12), [(wib(26, 14), wib(26, 16))], wib(30, 8, 30)),
]


@pytest.mark.parametrize(("received", "until", "pauses", "due"), [c[1:] for c in DUE_CASES],
                         ids=[c[0] for c in DUE_CASES])
def test_effective_due(received, until, pauses, due):
    got, paused = sla.effective_due(CAL, received, until, pauses)
    assert got == due
    assert paused == pytest.approx(sla.paused_seconds(CAL, received, until, pauses))


def test_on_time_uses_pauses():
    pauses = [(wib(24, 11), wib(25, 9))]
    assert not sla.on_time(CAL, wib(24, 9), wib(25, 13))
    assert sla.on_time(CAL, wib(24, 9), wib(25, 13), pauses)
    assert sla.on_time(CAL, wib(24, 9), wib(25, 9))           # exactly at the due time


def doc(received, delivered=None, id=1):
    return SimpleNamespace(id=id, received_at=received, delivered_at=delivered)


CARD_CASES = [
    # name, doc, now, pauses, status, text starts with
    ("ok", doc(wib(23, 8)), wib(23, 10), [], "ok", "sisa 6 j 30 m"),
    # before opening: the time left and when the clock resumes (issue 15: due times in office terms)
    ("warning-under-2h", doc(wib(23, 8)), wib(24, 6, 30), [], "warning", "sisa 30 m · lanjut hari ini 07.30"),
    ("overdue", doc(wib(23, 8)), wib(24, 9), [], "overdue", "terlambat 1 j 0 m"),
    ("done-on-time", doc(wib(23, 8), wib(24, 8)), wib(25, 8), [], "done", "selesai tepat waktu"),
    ("done-late", doc(wib(23, 8), wib(24, 8, 1)), wib(25, 8), [], "late_done", "selesai terlambat"),
    ("paused-open", doc(wib(23, 8)), wib(24, 9), [(wib(23, 9), None)], "paused", "menunggu kiriman ulang"),
    ("pause-resolved-keeps-time", doc(wib(23, 8)), wib(24, 9), [(wib(23, 9), wib(23, 11))], "warning", "sisa 1 j 0 m"),
    ("late-done-rescued-by-pause", doc(wib(23, 8), wib(24, 9)), wib(25, 8), [(wib(23, 9), wib(23, 11))],
     "done", "selesai tepat waktu"),
]


@pytest.mark.parametrize(("d", "now", "pauses", "status", "text"), [c[1:] for c in CARD_CASES],
                         ids=[c[0] for c in CARD_CASES])
def test_card_sla(d, now, pauses, status, text):
    info = sla.card_sla(d, now, CAL, pauses)
    assert (info.status, info.text) == (status, text)


@pytest.mark.parametrize(("values", "p90"), [
    ([], None), ([5.0], 5.0), ([1, 2, 3, 4], 4), ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 9),
    ([10, 1, 9, 2, 8, 3, 7, 4, 6, 5, 11], 10), ([3, 3, 3], 3),
])
def test_percentile_nearest_rank(values, p90):
    assert metrics.percentile(values, 90) == p90


def test_pause_sources_are_merged_and_called_once_each(monkeypatch):
    monkeypatch.setattr(sla, "_PAUSE_SOURCES", [])  # only this test's sources (not the app's resend source)
    calls = []

    def a(ids):
        calls.append(("a", ids))
        return {1: [(wib(23, 9), wib(23, 10))]}

    def b(ids):
        calls.append(("b", ids))
        return {1: [(wib(23, 11), None)], 2: [(wib(24, 9), wib(24, 10))]}

    sla.register_pause_source(a)
    sla.register_pause_source(b)
    sla.register_pause_source(a)  # registering twice is harmless
    try:
        got = sla.pauses_for([2, 1, 2])
    finally:
        sla.unregister_pause_source(a)
        sla.unregister_pause_source(b)
    assert calls == [("a", [1, 2]), ("b", [1, 2])]
    assert got == {1: [(wib(23, 9), wib(23, 10)), (wib(23, 11), None)], 2: [(wib(24, 9), wib(24, 10))]}
    assert sla.pauses_for([]) == {}


def test_closure_entries_accept_old_and_new_format():
    assert sla.closure_entries(["2026-12-31", {"date": "2026-03-20", "label": "Cuti Bersama", "kind": "cuti_bersama"}]) == [
        {"date": "2026-03-20", "label": "Cuti Bersama", "kind": "cuti_bersama"},
        {"date": "2026-12-31", "label": "Libur kantor", "kind": "libur"},
    ]


def test_calendar_follows_settings(ctx):
    """sla.calendar() caches by value: a settings change applies to the very next call."""
    received = wib(23, 10)
    assert sla.calendar().due_at(received) == wib(24, 10)
    settings.set_value("closures", [{"date": "2026-11-24", "label": "Libur kantor", "kind": "libur"}])
    db.session.commit()
    assert sla.calendar().due_at(received) == wib(25, 10)
    assert sla.calendar().holiday_name(wib(24).date()) == "Libur kantor"
    week = WorkWeek.default().to_json()
    week["0"] = ["08:00", "12:00"]      # Monday mornings only: 2 h left after 10:00
    settings.set_value("work_week", week)
    db.session.commit()
    assert sla.calendar().due_at(received) == wib(25, 10)
    assert sla.calendar().working_seconds_between(wib(23, 10), wib(23, 16)) == 2 * H
    assert sla.calendar() is sla.calendar()


def test_month_parsing():
    assert metrics.parse_month("2026-11") == (datetime(2026, 11, 1).date(), datetime(2026, 12, 1).date())
    assert metrics.parse_month("2026-12")[1] == datetime(2027, 1, 1).date()
    assert metrics.utc_start(datetime(2026, 11, 1).date()) == datetime(2026, 10, 31, 17, tzinfo=timezone.utc)
    for bad in ("2026-13", "2026/11", "26-11", "abcd-ef", "2026-1-1"):
        with pytest.raises(Exception) as err:
            metrics.parse_month(bad)
        assert "Bulan tidak valid" in str(err.value)
    assert metrics.parse_month("", today=datetime(2027, 2, 3).date())[0].isoformat() == "2027-02-01"
    assert timedelta(0) == timedelta(0)
