"""Item 4 of issue 14: the dashboard and the monthly report (screen, PDF, CSV) come from one
function and agree, over random histories with resend waits, returns and escalations; the
"now" figures count what is true now."""
from datetime import datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from naskah.complaints.register import summary_of
from naskah.core import csvexport
from naskah.extensions import db
from naskah.models import Document, User
from naskah.models.complaint import Complaint
from naskah.models.decryption import ResendRequest
from naskah.sla import due as sla
from naskah.sla import metrics, reports

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)
START = NOW - timedelta(days=75)

history = st.fixed_dictionaries({
    "received": st.integers(0, 70 * 24),              # hours after START
    "delivered_after": st.one_of(st.none(), st.integers(1, 120)),
    "resend": st.one_of(st.none(), st.tuples(st.integers(0, 20), st.one_of(st.none(), st.integers(1, 48)))),
    "returns": st.integers(0, 2),
    "classification": st.sampled_from(["SR", "R", "T", "B"]),
})
# A complaint's history: filed at some hour, then a path through the desk. "escalated_resolved"
# was with an official and is closed now: it must not count as "Dieskalasi".
complaint_history = st.fixed_dictionaries({
    "filed": st.integers(0, 70 * 24),
    "path": st.sampled_from(["baru", "ditanggapi", "dieskalasi", "escalated_resolved", "selesai",
                             "escalated_answered"]),
})


def _reset(app):
    db.session.execute(db.delete(Complaint))
    db.session.execute(db.delete(ResendRequest))
    db.session.execute(db.delete(Document))
    db.session.commit()


def _build(user_id, histories):
    truth = {"open_requests": 0}
    for i, h in enumerate(histories):
        received = START + timedelta(hours=h["received"])
        delivered = received + timedelta(hours=h["delivered_after"]) if h["delivered_after"] else None
        if delivered and delivered > NOW:
            delivered = None
        doc = Document(step=8 if delivered else 4, sender_agency=f"Instansi {i % 3}", sender_ref_number=f"R/{i}",
                       channel="kurir", classification=h["classification"], urgency="biasa", received_at=received,
                       delivered_at=delivered, revision_count=h["returns"], created_by_id=user_id, version=1,
                       decrypted_at=received + timedelta(minutes=30) if delivered else None,
                       paraf_at=received + timedelta(minutes=40 + 30 * h["returns"]) if delivered else None)
        db.session.add(doc)
        db.session.flush()
        if h["resend"]:
            start_h, length = h["resend"]
            asked = received + timedelta(minutes=5 + start_h)
            resolved = asked + timedelta(hours=length) if length is not None else None
            if delivered is not None and (resolved is None or resolved > delivered):
                resolved = delivered  # a delivered document waits no more
            if asked > NOW:
                continue
            db.session.add(ResendRequest(document_id=doc.id, requested_at=asked, requested_by_id=user_id,
                                         reason="terpotong", resolved_at=resolved))
            truth["open_requests"] += resolved is None
    db.session.commit()
    return truth


def _build_complaints(user_id, histories) -> list[tuple[datetime, str]]:
    """Complaint rows with the given histories; returns (filed at, status now) of each."""
    made = []
    for i, h in enumerate(histories):
        filed = START + timedelta(hours=h["filed"])
        answered = filed + timedelta(hours=2)
        escalated = filed + timedelta(hours=3) if h["path"].startswith("escalated") or h["path"] == "dieskalasi" else None
        closed = filed + timedelta(hours=30) if h["path"] in ("selesai", "escalated_resolved") else None
        status = {"escalated_resolved": "selesai", "escalated_answered": "ditanggapi"}.get(h["path"], h["path"])
        db.session.add(Complaint(
            year=filed.year, number=i + 1, ticket=f"ADU-{filed.year}-{i + 1:04d}", access_code_digest=f"{i:064d}",
            version=1, channel="telepon", text="keluhan uji", status=status, created_at=filed, updated_at=filed,
            first_response_due=filed + timedelta(hours=24), solution_due=filed + timedelta(days=14),
            first_response_at=answered if status != "baru" else None, escalated_at=escalated,
            escalated_to_id=user_id if escalated else None, closed_at=closed, created_by_id=user_id))
        made.append((filed, status))
    db.session.commit()
    return made


def _csv_value(rows, section, item):
    return next(r[3] for r in rows if r[0] == section and r[1] == item)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(st.lists(history, min_size=1, max_size=12), st.lists(complaint_history, max_size=8))
def test_dashboard_and_report_agree(app, make, histories, complaint_histories):
    user = make.user("sandiman")
    with app.app_context():
        _reset(app)
        truth = _build(db.session.get(User, user.id).id, histories)
        filed = _build_complaints(user.id, complaint_histories)
        series = dict(metrics.monthly_compliance(4, NOW))
        cal = sla.calendar()
        for months_back in range(3):
            month = (NOW - timedelta(days=31 * months_back)).date()
            start, end = metrics.month_bounds(month.year, month.month)
            report = metrics.period_report(start, end, NOW)
            label = f"{metrics.MONTHS_SHORT[start.month - 1]} {start.year % 100:02d}"
            # the dashboard's 12-month chart and the month's report: one selection, one rule
            assert (series[label].delivered, series[label].on_time) == (report.outcome.delivered,
                                                                        report.outcome.on_time)
            a, b = metrics.utc_start(start), metrics.utc_start(end)
            docs = db.session.scalars(db.select(Document)).all()
            delivered = [d for d in docs if d.delivered_at and a <= d.delivered_at < b]
            assert report.outcome.delivered == len(delivered)
            pauses = sla.pauses_for(d.id for d in delivered)
            assert report.outcome.on_time == sum(sla.on_time(cal, d.received_at, d.delivered_at,
                                                             pauses.get(d.id, ())) for d in delivered)
            assert report.received == sum(1 for d in docs if a <= d.received_at < b)
            assert report.waiting_now == truth["open_requests"]  # what is true now, whatever the month
            # the CSV is the same report, read back as a spreadsheet would
            rows = csvexport.read_back(reports.csv_bytes(report))
            assert _csv_value(rows, "penyampaian", "disampaikan") == str(report.outcome.delivered)
            assert _csv_value(rows, "penyampaian", "tepat waktu") == str(report.outcome.on_time)
            assert _csv_value(rows, "menunggu kiriman ulang", "naskah saat ini") == str(truth["open_requests"])
            expected = "" if report.outcome.compliance is None else csvexport.cell(report.outcome.compliance)
            assert _csv_value(rows, "penyampaian", "kepatuhan SLA (%)") == expected
            # complaints filed in the month; "Dieskalasi" is what is with an official now
            in_month = [status for at, status in filed if a <= at < b]
            assert report.complaints["total"] == len(in_month)
            assert report.complaints["escalated"] == in_month.count("dieskalasi")
            assert report.complaints["open"] == sum(status != "selesai" for status in in_month)
            assert _csv_value(rows, "pengaduan", "Dieskalasi") == str(in_month.count("dieskalasi"))
            # the PDF context is built from the same report object
            assert reports.pdf_context(report, "uji")["report"] is report


def test_escalated_counts_only_complaints_with_an_official_now():
    rows = [dict(channel="telepon", status="dieskalasi", escalated=True, overdue=False, late_first_response=False,
                 late_solution=False, first_response_hours=None, solution_hours=None),
            dict(channel="telepon", status="selesai", escalated=True, overdue=False, late_first_response=False,
                 late_solution=False, first_response_hours=1.0, solution_hours=2.0)]
    assert summary_of(rows)["escalated"] == 1
