"""Complaint register and satisfaction index for a period (pejabat, kasi): page, CSV, PDF.

Nothing here carries personal data: no name, no contact, no complaint text.
"""
from datetime import date

from flask import Blueprint, Response, render_template, request
from flask_login import current_user

from naskah.audit import chain as audit
from naskah.auth.guards import roles_required
from naskah.complaints import flow as complaints
from naskah.complaints import register as complaint_report
from naskah.complaints import survey
from naskah.core import csvexport, settings
from naskah.core.timeutil import format_date, utcnow, wib_today
from naskah.extensions import db
from naskah.models.complaint import COMPLAINT_CHANNELS, COMPLAINT_STATUSES
from naskah.paper import letters
from naskah.printing.render import render_pdf

bp = Blueprint("complaint_reports", __name__, url_prefix="/laporan-pengaduan")
NAV = [("complaint_reports.index", "Laporan Pengaduan", {"pejabat", "kasi"}, 50)]
READERS = ("pejabat", "kasi")
MAX_DAYS = 3 * 366


def parse_period(args):
    """(start, end, errors) from ?dari=&sampai= (ISO dates); default: this month so far."""
    today = wib_today()
    errors = []

    def as_date(name, default):
        value = (args.get(name) or "").strip()
        if not value:
            return default
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            errors.append(f"Tanggal tidak valid: {value[:20]} (gunakan format TTTT-BB-HH).")
            return default

    start = as_date("dari", today.replace(day=1))
    end = as_date("sampai", today)
    if start > end:
        start, end = end, start
    if (end - start).days > MAX_DAYS:
        errors.append("Periode paling panjang tiga tahun; tanggal awal disesuaikan.")
        start = date.fromordinal(end.toordinal() - MAX_DAYS)
    return start, end, errors


def _period_label(start, end):
    return format_date(start) if start == end else f"{format_date(start)} s.d. {format_date(end)}"


@bp.get("/")
@roles_required(*READERS)
def index():
    start, end, errors = parse_period(request.args)
    rows = complaint_report.register(start, end)
    return render_template(
        "complaint_reports/index.html", rows=rows, summary=complaint_report.summary_of(rows), start=start, end=end,
        errors=errors, period=_period_label(start, end), ikm=survey.index(start, end),
        months=survey.monthly(start, end), suggestions=survey.suggestions(start, end),
        profile=survey.profile_counts(start, end),
        elements=survey.ELEMENTS, channels=COMPLAINT_CHANNELS, statuses=COMPLAINT_STATUSES,
        args={"dari": start.isoformat(), "sampai": end.isoformat()})


def _record_export(fmt, start, end, count):
    audit.append("complaint.report_export", actor=current_user, object_type="complaint_report",
                 details={"format": fmt, "dari": start.isoformat(), "sampai": end.isoformat(), "rows": count})
    db.session.commit()


@bp.get("/register.csv")
@roles_required(*READERS)
def register_csv():
    start, end, _ = parse_period(request.args)
    rows = complaint_report.register(start, end)
    _record_export("csv", start, end, len(rows))
    return csvexport.response(complaint_report.csv_rows(rows, start, end),
                              f"register-pengaduan-{start.isoformat()}-{end.isoformat()}.csv")


@bp.get("/register.pdf")
@roles_required(*READERS)
def register_pdf():
    start, end, _ = parse_period(request.args)
    rows = complaint_report.register(start, end)
    context = {
        "office": letters.office(),   # one letterhead for every paper
        "period": _period_label(start, end), "printed_at": utcnow(), "rows": rows,
        "summary": complaint_report.summary_of(rows), "channels": COMPLAINT_CHANNELS,
        "statuses": COMPLAINT_STATUSES, "ikm": survey.index(start, end),
        "elements": [(key, label) for key, label, _, _ in survey.ELEMENTS],
        "targets": dict(zip(("first", "solution"), complaints.target_days(), strict=False)),
    }
    pdf = render_pdf("complaint_register.html", context, paper=settings.get("paper") or "A4",
                     orientation="landscape")
    _record_export("pdf", start, end, len(rows))
    name = f"register-pengaduan-{start.isoformat()}-{end.isoformat()}.pdf"
    return Response(pdf, mimetype="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})
