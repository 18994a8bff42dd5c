"""Dashboard numbers against the hand-built fixture in tests/sla_fixture.py."""
from datetime import date, timezone

import pytest
from sqlalchemy import event

from naskah.extensions import db
from naskah.sla import metrics
from tests import sla_fixture as fx
from tests.factories import login

NOW_UTC = fx.NOW.astimezone(timezone.utc)


@pytest.fixture
def data(app, make):
    user = make.user("sandiman")
    return fx.build(app, user)


def test_november_report_matches_hand_computed_figures(app, data):
    exp = fx.EXPECTED_NOVEMBER
    with app.app_context(), fx.PauseSource(data) as source:
        r = metrics.period_report(date(2026, 11, 1), date(2026, 12, 1), NOW_UTC)
        assert source.calls == 1
    assert r.label == "November 2026"
    assert r.received == exp["received"]
    assert r.by_classification == exp["by_classification"]
    assert [(e["sender"], e["counts"], e["total"]) for e in r.by_sender] == exp["by_sender"]
    assert (r.outcome.delivered, r.outcome.on_time, r.outcome.late) == (exp["delivered"], exp["on_time"], exp["late"])
    assert r.outcome.compliance == exp["compliance"]
    assert {s.step: (s.count, s.mean_hours, s.p90_hours) for s in r.steps} == exp["steps"]
    assert (r.waiting_docs, r.waiting_hours) == (exp["waiting_docs"], exp["waiting_hours"])
    assert r.decrypt_failures == exp["decrypt_failures"]
    assert len(r.daily) == 30
    assert {d.day: (rec, dlv) for d, rec, dlv in r.daily if rec or dlv} == exp["daily_nonzero"]
    assert r.complaints["total"] == 0 and r.survey["responses"] == 0   # no complaints or survey answers in November


def test_without_the_pause_source_d3_is_late_and_step5_longer(app, data):
    with app.app_context():
        r = metrics.period_report(date(2026, 11, 1), date(2026, 12, 1), NOW_UTC)
    assert (r.outcome.on_time, r.outcome.late) == (1, 2)
    step5 = next(s for s in r.steps if s.step == 5)
    assert step5.mean_hours == round((2 + 2.5 + 7.75) / 3, 2)
    assert r.waiting_docs == 0


def test_october_and_the_monthly_series(app, data):
    with app.app_context(), fx.PauseSource(data):
        octo = metrics.period_report(date(2026, 10, 1), date(2026, 11, 1), NOW_UTC)
        series = metrics.monthly_compliance(12, NOW_UTC)
    assert (octo.received, octo.outcome.delivered, octo.outcome.compliance) == (2, 1, 100.0)
    assert octo.decrypt_failures == 1
    assert {s.step: s.count for s in octo.steps} == {2: 2, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1, 8: 1, 9: 1}
    assert [label for label, _ in series][-3:] == ["Okt 26", "Nov 26", "Des 26"]
    assert len(series) == 12
    assert [(o.delivered, o.on_time, o.compliance) for _, o in series[-3:]] == [(1, 1, 100.0), (3, 2, 66.7),
                                                                                (0, 0, None)]


def test_snapshot_counts_and_overdue(app, data):
    with app.app_context(), fx.PauseSource(data):
        snap = metrics.snapshot(NOW_UTC)
    assert snap == fx.EXPECTED_SNAPSHOT


def _count_queries(app, fn):
    statements = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", before)
        try:
            fn()
        finally:
            event.remove(db.engine, "before_cursor_execute", before)
    return len(statements)


def test_query_count_does_not_grow_with_documents(app, make, data):
    def everything():
        metrics.period_report(date(2026, 11, 1), date(2026, 12, 1), NOW_UTC)
        metrics.snapshot(NOW_UTC)
        metrics.monthly_compliance(12, NOW_UTC)
        db.session.remove()
    before = _count_queries(app, everything)
    user = make.user("sandiman")
    fx.build(app, user)          # twice the documents
    fx.build(app, user)
    assert _count_queries(app, everything) == before


def test_dashboard_page_shows_the_same_numbers(app, client, make, data, monkeypatch):
    monkeypatch.setattr("naskah.sla.views.reports.utcnow", lambda: NOW_UTC)
    monkeypatch.setattr("naskah.sla.views.reports.wib_today", lambda: date(2026, 12, 1))
    login(client, make.user("kasi"))
    with fx.PauseSource(data):
        html = client.get("/dasbor?bulan=2026-11").get_data(as_text=True)
    assert "66,7%" in html
    assert html.count('class="bar"') + html.count('class="bar hi"') == 9 + 12 + 7    # per step, months, steps
    assert "<dt>Jumlah</dt><dd>0</dd>" in html            # complaints filed in November: none
    for figure in ("1,92", "2,50", "6,50"):                   # step 5 mean and p90, waiting hours
        assert figure in html
    assert '<span class="kpi-value">2</span><span class="kpi-label">terlambat sekarang' in html


@pytest.mark.parametrize("role,status", [("kasi", 200), ("pejabat", 200), ("sandiman", 403), ("petugas", 403),
                                         ("admin", 403)])
def test_dashboard_roles(client, make, role, status):
    login(client, make.user(role))
    assert client.get("/dasbor").status_code == status


def test_dashboard_bad_month_is_400_with_message(client, make):
    login(client, make.user("pejabat"))
    r = client.get("/dasbor?bulan=2026-13")
    assert r.status_code == 400
    assert "Bulan tidak valid" in r.get_data(as_text=True)


def test_complaint_and_survey_figures_reach_the_dashboard(app, client, make, monkeypatch):
    from naskah.complaints import register as complaints
    from naskah.complaints import survey
    calls = []
    monkeypatch.setattr(complaints, "summary", lambda start, end: calls.append((start, end)) or {"open": 3, "overdue": 1})
    monkeypatch.setattr(survey, "index", lambda start, end: {"index": 3.42, "responses": 17})
    login(client, make.user("kasi"))
    html = client.get("/dasbor?bulan=2026-11").get_data(as_text=True)
    assert "belum tersedia" not in html
    assert "<dt>Terbuka</dt><dd>3</dd>" in html and "<dt>Melewati batas waktu</dt><dd>1</dd>" in html
    assert "<dt>Indeks</dt><dd>3,42</dd>" in html
    start, end = calls[0]
    assert (start, end) == (date(2026, 11, 1), date(2026, 11, 30))   # WIB dates, end inclusive
