"""The complaint register for a period and its summary; never any personal data.

Rows carry the ticket, dates, channel, status and the working hours to the first response and
to the solution, counted on the office calendar (weekends, holidays and closed hours do not
count). Neither the complainant's identity nor the complaint text appears here.
"""
import statistics
from datetime import datetime, time, timedelta

from sqlalchemy import select

from naskah.complaints import flow as complaints
from naskah.core.timeutil import WIB, utcnow
from naskah.extensions import db
from naskah.models.complaint import COMPLAINT_CHANNELS, COMPLAINT_STATUSES, Complaint
from naskah.sla import due as sla


def period_bounds(start_date, end_date):
    """[start, end) in UTC for WIB calendar dates start_date..end_date inclusive."""
    if start_date > end_date:
        start_date, end_date = end_date, start_date
    start = datetime.combine(start_date, time(0), WIB)
    end = datetime.combine(end_date + timedelta(days=1), time(0), WIB)
    return start, end


def _hours(cal, a, b):
    if a is None or b is None:
        return None
    return round(cal.working_seconds_between(a, b) / 3600, 2)


def register(start_date, end_date, now=None) -> list[dict]:
    """One dict per complaint filed in the period, oldest first."""
    start, end = period_bounds(start_date, end_date)
    now = now or utcnow()
    cal = sla.calendar()
    items = db.session.scalars(select(Complaint).where(Complaint.created_at >= start, Complaint.created_at < end)
                               .order_by(Complaint.year, Complaint.number)).all()
    rows = []
    for c in items:
        closed = c.status == complaints.Status.SELESAI.value
        rows.append({
            "ticket": c.ticket,
            "created_at": c.created_at,
            "channel": c.channel,
            "channel_label": c.channel_label,
            "status": c.status,
            "status_label": c.status_label,
            "escalated": c.was_escalated,
            "reopen_count": c.reopen_count or 0,
            "first_response_at": c.first_response_at,
            "first_response_hours": _hours(cal, c.created_at, c.first_response_at),
            "closed_at": c.closed_at if closed else None,
            "solution_hours": _hours(cal, c.created_at, c.closed_at) if closed else None,
            "late_first_response": (c.first_response_at or now) > c.first_response_due,
            "late_solution": (c.closed_at if closed else now) > c.solution_due,
            "overdue": complaints.is_overdue(c, now),
        })
    return rows


def _stats(values):
    values = [v for v in values if v is not None]
    if not values:
        return None, None
    return round(statistics.fmean(values), 2), round(statistics.median(values), 2)


def summary_of(rows: list[dict]) -> dict:
    by_channel = {key: 0 for key in COMPLAINT_CHANNELS}
    by_status = {key: 0 for key in COMPLAINT_STATUSES}
    for r in rows:
        by_channel[r["channel"]] = by_channel.get(r["channel"], 0) + 1
        by_status[r["status"]] = by_status.get(r["status"], 0) + 1
    fr_avg, fr_median = _stats(r["first_response_hours"] for r in rows)
    so_avg, so_median = _stats(r["solution_hours"] for r in rows)
    return {
        "total": len(rows),
        "by_channel": by_channel,
        "by_status": by_status,
        "open": sum(1 for r in rows if r["status"] != complaints.Status.SELESAI.value),
        "overdue": sum(1 for r in rows if r["overdue"]),
        # what is true now: with an official at this moment (a resolved complaint no longer counts)
        "escalated": sum(1 for r in rows if r["status"] == complaints.Status.DIESKALASI.value),
        "late_first_response": sum(1 for r in rows if r["late_first_response"]),
        "late_solution": sum(1 for r in rows if r["late_solution"]),
        "first_response_avg_hours": fr_avg,
        "first_response_median_hours": fr_median,
        "solution_avg_hours": so_avg,
        "solution_median_hours": so_median,
    }


def summary(start_date, end_date) -> dict:
    """For the dashboard: counts by channel and status, open, overdue, and average/median
    working hours to the first response and to the solution (None when nothing to measure)."""
    return summary_of(register(start_date, end_date))


CSV_COLUMNS = [
    ("ticket", "Nomor tiket"), ("created_at", "Diterima (WIB)"), ("channel_label", "Saluran"),
    ("status_label", "Status"), ("escalated", "Dieskalasi"), ("reopen_count", "Dibuka kembali"),
    ("first_response_at", "Tanggapan pertama (WIB)"), ("first_response_hours", "Jam kerja s.d. tanggapan"),
    ("closed_at", "Selesai (WIB)"), ("solution_hours", "Jam kerja s.d. selesai"),
    ("late_first_response", "Tanggapan terlambat"), ("late_solution", "Penyelesaian terlambat"),
    ("overdue", "Lewat target (terbuka)"),
]


def csv_rows(rows: list[dict], start_date, end_date) -> list[list]:
    """The register and a summary block, as rows for naskah.csvexport (the office CSV convention)."""
    out = [["Register pengaduan layanan", f"{start_date.isoformat()} s.d. {end_date.isoformat()}"],
           [label for _, label in CSV_COLUMNS]]
    out += [[r[key] for key, _ in CSV_COLUMNS] for r in rows]
    s = summary_of(rows)
    out += [[], ["Jumlah", s["total"]]]
    out += [[f"Saluran: {label}", s["by_channel"].get(key, 0)] for key, label in COMPLAINT_CHANNELS.items()]
    out += [[f"Status: {label}", s["by_status"].get(key, 0)] for key, label in COMPLAINT_STATUSES.items()]
    out += [["Lewat target (masih terbuka)", s["overdue"]],
            ["Rata-rata jam kerja s.d. tanggapan pertama", s["first_response_avg_hours"]],
            ["Median jam kerja s.d. tanggapan pertama", s["first_response_median_hours"]],
            ["Rata-rata jam kerja s.d. selesai", s["solution_avg_hours"]],
            ["Median jam kerja s.d. selesai", s["solution_median_hours"]]]
    return out
