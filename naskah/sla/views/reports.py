"""Dashboard (/dasbor) and monthly report (/laporan/bulanan) for the kasi and the official."""
from datetime import timedelta

from flask import Blueprint, Response, render_template, request
from flask_login import current_user

from naskah.audit import denials
from naskah.auth.guards import roles_required
from naskah.core import csvexport
from naskah.core.errors import DomainError
from naskah.core.timeutil import utcnow, wib_today
from naskah.sla import metrics, reports
from naskah.sla.calendar_settings import wip_limits

bp = Blueprint("reports", __name__)
NAV = [("reports.dashboard", "Dasbor", {"kasi", "pejabat"}, 40),
       ("reports.monthly", "Laporan", {"kasi", "pejabat"}, 45)]
READERS = ("kasi", "pejabat")
DAYS = 30


def _month():
    """The ?bulan= period, or a 400 with the reason next to the field."""
    raw = request.args.get("bulan", "")
    try:
        start, end = metrics.parse_month(raw)
        return start, end, None
    except DomainError as e:
        start, end = metrics.parse_month("")
        return start, end, e.message


@bp.get("/dasbor")
@roles_required(*READERS)
def dashboard():
    start, end, error = _month()
    now = utcnow()
    today = wib_today()
    report = metrics.period_report(start, end, now)
    snap = metrics.snapshot(now)
    daily = metrics.daily_flow(today - timedelta(days=DAYS - 1), today + timedelta(days=1))
    monthly = metrics.monthly_compliance(12, now)
    limits = wip_limits()
    return render_template(
        "reports/dashboard.html", report=report, snap=snap, daily=daily, monthly=monthly, limits=limits,
        charts=reports.dashboard_charts(snap, daily, monthly, report, limits), month_error=error,
        bulan=f"{start.year:04d}-{start.month:02d}", sla_steps=list(metrics.SLA_STEPS),
        complaints=metrics.figure_pairs(report.complaints), survey=metrics.figure_pairs(report.survey),
        hours=reports.hours_text, denials=denials.count_between(start, end)), 400 if error else 200


@bp.get("/laporan/bulanan")
@roles_required(*READERS)
def monthly():
    start, end, error = _month()
    report = metrics.period_report(start, end)
    bulan = f"{start.year:04d}-{start.month:02d}"
    fmt = request.args.get("format", "")
    if error is None and fmt == "csv":
        return csvexport.response(reports.csv_rows(report), f"rekapitulasi-{bulan}.csv")
    if error is None and fmt == "pdf":
        pdf = reports.pdf_bytes(report, current_user.full_name)
        return Response(pdf, mimetype="application/pdf", headers={
            "Content-Disposition": f'inline; filename="rekapitulasi-{bulan}.pdf"'})
    return render_template(
        "reports/monthly.html", report=report, bulan=bulan, month_error=error,
        charts=reports.report_charts(report), complaints=metrics.figure_pairs(report.complaints),
        survey=metrics.figure_pairs(report.survey), sla_steps=list(metrics.SLA_STEPS),
        hours=reports.hours_text), 400 if error else 200
