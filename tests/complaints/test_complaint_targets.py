"""Working-day targets, overdue ordering, and the period summary in working hours."""
from datetime import date, datetime, timedelta

import pytest

from naskah.complaints import flow as complaints
from naskah.complaints import register as complaint_report
from naskah.complaints.targets import due_after
from naskah.core import settings
from naskah.extensions import db
from naskah.models import User
from naskah.models.complaint import Complaint
from naskah.sla.calendar import WIB, OfficeCalendar, WorkWeek
from tests.complaint_helpers import make_complaint

CAL = OfficeCalendar(WorkWeek.default(), use_national_holidays=False)


def wib(y, mo, d, h, mi=0):
    return datetime(y, mo, d, h, mi, tzinfo=WIB)


@pytest.mark.parametrize("start,days,expected", [
    (wib(2026, 11, 2, 10), 1, wib(2026, 11, 3, 10)),        # Mon -> Tue, same clock time
    (wib(2026, 11, 6, 10), 1, wib(2026, 11, 9, 10)),        # Fri -> Mon
    (wib(2026, 11, 7, 9), 1, wib(2026, 11, 10, 7, 30)),     # Sat: clock starts Mon 07:30 -> Tue 07:30
    (wib(2026, 11, 2, 20), 1, wib(2026, 11, 4, 7, 30)),     # after hours: starts Tue 07:30
    (wib(2026, 11, 5, 14), 1, wib(2026, 11, 9, 10, 30)),    # Thu 14:00: Fri closes 11:00, 3 h carried
    (wib(2026, 11, 2, 10), 10, wib(2026, 11, 16, 10)),      # ten working days: two weeks later
    (wib(2026, 11, 2, 10), 5, wib(2026, 11, 9, 10)),
])
def test_due_after(start, days, expected):
    assert due_after(start, days, CAL) == expected


def test_closures_do_not_count():
    cal = OfficeCalendar(WorkWeek.default(), closures=[date(2026, 11, 3)], use_national_holidays=False)
    assert due_after(wib(2026, 11, 2, 10), 1, cal) == wib(2026, 11, 4, 10)


def test_targets_come_from_settings(app, make):
    petugas = make.user("petugas")
    with app.app_context():
        assert complaints.target_days() == (1, 10)
        settings.set_value("complaint_first_response_days", 2)
        settings.set_value("complaint_solution_days", "nonsense")
        db.session.commit()
        assert complaints.target_days() == (2, 10)
        c, _ = complaints.create(db.session.get(User, petugas.id), {"channel": "telepon", "name": "anonim", "text": "x"})
        assert c.first_response_due == due_after(c.created_at, 2)
        assert c.solution_due == due_after(c.created_at, 10)


def _shift(c, delta):
    c.created_at -= delta
    c.first_response_due -= delta
    c.solution_due -= delta


def test_overdue_first_and_escalated_first_for_the_pejabat(app, make):
    petugas, pejabat = make.user("petugas"), make.user("pejabat")
    fresh, _ = make_complaint(app, petugas, pejabat, "baru")
    late, _ = make_complaint(app, petugas, pejabat, "baru")
    escalated, _ = make_complaint(app, petugas, pejabat, "dieskalasi")
    closed, _ = make_complaint(app, petugas, pejabat, "selesai")
    with app.app_context():
        _shift(db.session.get(Complaint, late), timedelta(days=20))
        _shift(db.session.get(Complaint, closed), timedelta(days=40))
        db.session.commit()
        c = db.session.get(Complaint, late)
        assert complaints.is_overdue(c) and not complaints.is_overdue(db.session.get(Complaint, closed))
        rows, _ = complaints.queue(db.session.get(User, petugas.id), status="semua")
        assert [r.id for r in rows][:1] == [late] and rows[-1].id == closed
        rows, _ = complaints.queue(db.session.get(User, pejabat.id), status="semua")
        assert [r.id for r in rows][:2] == [escalated, late]
        rows, total = complaints.queue(db.session.get(User, petugas.id), overdue_only=True)
        assert [r.id for r in rows] == [late] and total == 1
        assert complaints.counts()["overdue"] == 1
        assert fresh in [r.id for r in complaints.queue(db.session.get(User, petugas.id))[0]]


def test_summary_in_working_hours(app, make, monkeypatch):
    """Hand-checked: filed Mon 2 Nov 09:00 WIB, first response Mon 11:00 (2 h), closed Tue 09:00
    (Mon 09:00-16:00 = 7 h + Tue 07:30-09:00 = 1.5 h = 8.5 h); a second one filed Mon 10:00,
    answered Wed 10:00 (17 h, late) and still open."""
    petugas, pejabat = make.user("petugas"), make.user("pejabat")
    monkeypatch.setattr("naskah.sla.due.calendar", lambda: CAL)
    a, _ = make_complaint(app, petugas, pejabat, "selesai", channel="telepon")
    b, _ = make_complaint(app, petugas, pejabat, "ditanggapi", channel="lapor", lapor_id="LAPOR-1")
    outside, _ = make_complaint(app, petugas, pejabat, "baru")
    with app.app_context():
        ca, cb, co = (db.session.get(Complaint, i) for i in (a, b, outside))
        ca.created_at, ca.first_response_at, ca.closed_at = wib(2026, 11, 2, 9), wib(2026, 11, 2, 11), wib(2026, 11, 3, 9)
        cb.created_at, cb.first_response_at = wib(2026, 11, 2, 10), wib(2026, 11, 4, 10)
        co.created_at = wib(2026, 10, 30, 10)
        for c in (ca, cb):
            c.first_response_due, c.solution_due = due_after(c.created_at, 1, CAL), due_after(c.created_at, 10, CAL)
        db.session.commit()
        now = wib(2026, 11, 20, 10)
        rows = complaint_report.register(date(2026, 11, 1), date(2026, 11, 30), now=now)
        s = complaint_report.summary_of(rows)
    assert [r["ticket"] for r in rows] == [ca.ticket, cb.ticket]
    assert rows[0]["first_response_hours"] == 2.0 and rows[0]["solution_hours"] == 8.5
    assert rows[1]["first_response_hours"] == 17.0 and rows[1]["solution_hours"] is None
    assert s["total"] == 2 and s["open"] == 1
    assert s["by_channel"]["telepon"] == 1 and s["by_channel"]["lapor"] == 1 and s["by_channel"]["email"] == 0
    assert s["by_status"] == {"baru": 0, "ditanggapi": 1, "dieskalasi": 0, "selesai": 1}
    assert s["first_response_avg_hours"] == 9.5 and s["first_response_median_hours"] == 9.5
    assert s["solution_avg_hours"] == 8.5
    assert s["late_first_response"] == 1
    # 20 Nov 10:00 is past b's ten-working-day target (16 Nov 10:00): overdue.
    assert s["overdue"] == 1 and s["late_solution"] == 1


def test_summary_api_for_the_dashboard(app, make):
    petugas, pejabat = make.user("petugas"), make.user("pejabat")
    make_complaint(app, petugas, pejabat, "baru")
    with app.app_context():
        s = complaint_report.summary(date(2000, 1, 1), date(2100, 1, 1))
    assert s["total"] == 1 and s["open"] == 1 and s["first_response_avg_hours"] is None
    for key in ("by_channel", "by_status", "overdue", "first_response_median_hours", "solution_avg_hours",
                "solution_median_hours"):
        assert key in s
