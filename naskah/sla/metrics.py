"""The numbers behind the dashboard and the monthly report: computed here once, used by both.

Periods are WIB calendar days [start, end). Counting is done in SQL; only what needs the office
calendar (due times, working hours) is computed in Python, from a constant number of queries
whatever the number of documents.

Cohorts: "received" = received in the period; "delivered / on time / late" = delivered in the
period; the time of step N = office time from reaching step N-1 to reaching step N, for every
step reached in the period, minus waiting time (sla pause sources); 90th percentile by nearest
rank.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import Date, cast, func, literal_column, or_, select

from naskah.complaints import register as complaint_register
from naskah.complaints import survey
from naskah.core.errors import DomainError
from naskah.core.timeutil import MONTHS, WIB, format_date, to_wib, utcnow
from naskah.extensions import db
from naskah.models import CLASSIFICATIONS, AuditEvent, Document
from naskah.models.correspondent import Correspondent
from naskah.models.decryption import ResendRequest
from naskah.sla import due as sla
from naskah.workflow.board import ARCHIVE_WINDOW
from naskah.workflow.engine import STEP_LABELS, Step

DECRYPT_FAILED = "decrypt.failed"
SLA_STEPS = range(2, 9)          # the clock runs from receipt (1) to delivery (8)
MONTHS_SHORT = [m[:3] for m in MONTHS]


@dataclass
class StepStat:
    step: int
    label: str
    count: int = 0
    mean_hours: float | None = None
    p90_hours: float | None = None


@dataclass
class Outcome:
    delivered: int = 0
    on_time: int = 0

    @property
    def late(self) -> int:
        return self.delivered - self.on_time

    @property
    def compliance(self) -> float | None:
        """Percent delivered within the due time; None when nothing was delivered."""
        return None if not self.delivered else round(100.0 * self.on_time / self.delivered, 1)


@dataclass
class PeriodReport:
    start: date
    end: date                     # exclusive
    label: str
    received: int = 0
    by_classification: dict = field(default_factory=dict)
    by_sender: list = field(default_factory=list)
    outcome: Outcome = field(default_factory=Outcome)
    steps: list = field(default_factory=list)
    waiting_docs: int = 0
    waiting_hours: float = 0.0
    waiting_now: int = 0          # documents with a resend request open right now
    decrypt_failures: int = 0
    daily: list = field(default_factory=list)
    complaints: object = None
    survey: object = None


# -- periods ----------------------------------------------------------------------------------
def utc_start(day: date) -> datetime:
    """WIB midnight of `day`, as a UTC instant."""
    return datetime.combine(day, time(0), WIB).astimezone(timezone.utc)


def parse_month(text: str | None, today: date | None = None) -> tuple[date, date]:
    """'2026-11' -> (1 Nov 2026, 1 Dec 2026); empty -> the current month (WIB)."""
    text = (text or "").strip()
    if not text:
        today = today or to_wib(utcnow()).date()
        return month_bounds(today.year, today.month)
    parts = text.split("-")
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4 \
            or not 1 <= int(parts[1]) <= 12 or not 2000 <= int(parts[0]) <= 2100:
        raise DomainError(f"Bulan tidak valid: \u201c{text[:20]}\u201d. Gunakan format TTTT-BB, misalnya 2026-11.",
                          field="bulan")
    return month_bounds(int(parts[0]), int(parts[1]))


def month_bounds(year: int, month: int) -> tuple[date, date]:
    start = date(year, month, 1)
    return start, date(year + month // 12, month % 12 + 1, 1)


def month_label(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}"


def _wib_day(column):
    """The WIB calendar day of a stored UTC instant, in SQL (WIB is UTC+7 all year)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return cast(column + literal_column("INTERVAL '7 hours'"), Date)
    return func.date(column, "+7 hours")


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


# -- pieces -----------------------------------------------------------------------------------
def daily_flow(start: date, end: date) -> list[tuple[date, int, int]]:
    """(day, received, delivered) for every day in [start, end): two GROUP BY queries."""
    a, b = utc_start(start), utc_start(end)
    counts = {}
    for col, idx in ((Document.received_at, 0), (Document.delivered_at, 1)):
        day = _wib_day(col)
        rows = db.session.execute(select(day, func.count()).where(col >= a, col < b).group_by(day)).all()
        for d, n in rows:
            counts.setdefault(_as_date(d), [0, 0])[idx] = n
    days = [start + timedelta(days=i) for i in range((end - start).days)]
    return [(d, *counts.get(d, (0, 0))) for d in days]


def _outcomes(cal, rows, pauses, key) -> dict:
    """Group delivered documents by key(row) into Outcomes (one-working-day rule, pauses excluded)."""
    out: dict = {}
    for row in rows:
        o = out.setdefault(key(row), Outcome())
        o.delivered += 1
        o.on_time += sla.on_time(cal, row.received_at, row.delivered_at, pauses.get(row.id, ()))
    return out


def delivered_rows(a: datetime, b: datetime | None = None):
    """Documents delivered in [a, b): the one selection behind every on-time figure."""
    stmt = select(Document.id, Document.received_at, Document.delivered_at).where(Document.delivered_at >= a)
    if b is not None:
        stmt = stmt.where(Document.delivered_at < b)
    return db.session.execute(stmt).all()


def monthly_compliance(months: int = 12, now: datetime | None = None) -> list[tuple[str, Outcome]]:
    """SLA compliance per delivery month for the last `months` months (current one included)."""
    now = now or utcnow()
    today = to_wib(now).date()
    y, m = today.year, today.month - (months - 1)
    while m < 1:
        y, m = y - 1, m + 12
    first = date(y, m, 1)
    rows = delivered_rows(utc_start(first))
    cal = sla.calendar()
    pauses = sla.pauses_for(r.id for r in rows)
    grouped = _outcomes(cal, rows, pauses, lambda r: to_wib(r.delivered_at).date().replace(day=1))
    series, cur = [], first
    for _ in range(months):
        series.append((f"{MONTHS_SHORT[cur.month - 1]} {cur.year % 100:02d}", grouped.get(cur, Outcome())))
        cur = month_bounds(cur.year, cur.month)[1]
    return series


def snapshot(now: datetime | None = None) -> dict:
    """The board right now: cards per column (same archive window), overdue and warning counts."""
    now = now or utcnow()
    rows = db.session.execute(
        select(Document.step, func.count(Document.id))
        .where(or_(Document.step < int(Step.DIARSIPKAN), Document.archived_at >= now - ARCHIVE_WINDOW))
        .group_by(Document.step)).all()
    per_step = {int(s): 0 for s in Step}
    per_step.update({int(s): n for s, n in rows})
    open_docs = db.session.execute(select(Document.id, Document.received_at, Document.delivered_at)
                                   .where(Document.delivered_at.is_(None))).all()
    cal = sla.calendar()
    pauses = sla.pauses_for(d.id for d in open_docs)
    statuses = [sla.card_sla(d, now, cal, pauses.get(d.id, [])).status for d in open_docs]
    return {"per_step": per_step, "in_progress": len(open_docs),
            "overdue": statuses.count("overdue"), "warning": statuses.count("warning")}


def waiting_now() -> int:
    """Documents waiting for a resend right now (an open request, not yet disposed)."""
    return db.session.scalar(select(func.count(func.distinct(ResendRequest.document_id)))
                             .join(Document, Document.id == ResendRequest.document_id)
                             .where(ResendRequest.resolved_at.is_(None), Document.disposed_at.is_(None))) or 0


def percentile(values: list[float], pct: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least pct% of values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100.0 * len(ordered)) - 1)]


def _step_rows(a: datetime, b: datetime):
    """Every document with a step timestamp possibly in [a, b): one query, register time joined."""
    reg = (select(AuditEvent.document_id.label("doc_id"), func.min(AuditEvent.at).label("at"))
           .where(AuditEvent.action == "step.register").group_by(AuditEvent.document_id).subquery())
    stmt = (select(Document.id, Document.received_at, reg.c.at.label("registered_at"), Document.reported_at,
                   Document.assigned_at, Document.decrypted_at, Document.paraf_at, Document.signed_at,
                   Document.delivered_at, Document.archived_at)
            .outerjoin(reg, reg.c.doc_id == Document.id)
            .where(Document.received_at < b, or_(Document.archived_at.is_(None), Document.archived_at >= a)))
    return db.session.execute(stmt).all()


def _stamps(row) -> list:
    """Index = step reached: [_, received, registered, reported, assigned, decrypted, paraf, signed,
    delivered, archived]."""
    return [None, row.received_at, row.registered_at, row.reported_at, row.assigned_at,
            row.decrypted_at, row.paraf_at, row.signed_at, row.delivered_at, row.archived_at]


def step_times(cal, rows, pauses, a: datetime, b: datetime, now: datetime) -> tuple[list[StepStat], int, float]:
    """Per-step working hours (mean, p90) and the waiting time in [a, b), from _step_rows rows."""
    samples: dict[int, list[float]] = {n: [] for n in range(2, 10)}
    waiting_docs, waiting = 0, 0.0
    for row in rows:
        ts = _stamps(row)
        doc_pauses = pauses.get(row.id, ())
        for n in range(2, 10):
            start, end = ts[n - 1], ts[n]
            if start is not None and end is not None and a <= end < b:
                samples[n].append(sla.working_seconds(cal, start, end, doc_pauses) / 3600.0)
        if doc_pauses:
            stop = min(row.delivered_at or now, b)
            w = sla.paused_seconds(cal, max(row.received_at, a), stop, doc_pauses)
            if w > 0:
                waiting_docs += 1
                waiting += w / 3600.0
    stats = []
    for n, values in samples.items():
        mean = round(sum(values) / len(values), 2) if values else None
        p90 = percentile(values, 90)
        stats.append(StepStat(n, STEP_LABELS[Step(n)], len(values), mean, None if p90 is None else round(p90, 2)))
    return stats, waiting_docs, round(waiting, 2)


# -- complaints (naskah.complaints) and the satisfaction survey (naskah.survey) ---------------
def _wib_dates(start: datetime, end: datetime) -> tuple[date, date]:
    """UTC instants [start, end) as the WIB calendar dates they cover (inclusive)."""
    from datetime import timedelta
    return to_wib(start).date(), to_wib(end - timedelta(microseconds=1)).date()


def complaints_summary(start: datetime, end: datetime):
    """Complaint counts and handling times for complaints filed in [start, end)."""
    return complaint_register.summary(*_wib_dates(start, end))


def survey_index(start: datetime, end: datetime):
    """The satisfaction index (IKM) for answers given in [start, end)."""
    result = dict(survey.index(*_wib_dates(start, end)))
    result["grade"] = result.pop("grade_label", None) or result.get("grade")
    return result


# -- the one function both pages use -----------------------------------------------------------
def period_report(start: date, end: date, now: datetime | None = None) -> PeriodReport:
    """Every figure of the monthly report (and of the dashboard for the same period)."""
    now = now or utcnow()
    a, b = utc_start(start), utc_start(end)
    report = PeriodReport(start, end, month_label(start) if (start.day == 1 and end == month_bounds(
        start.year, start.month)[1]) else f"{start.isoformat()} s.d. {(end - timedelta(days=1)).isoformat()}")

    # Grouped by correspondent directory entry (merged duplicates count as one agency); a name
    # not in the directory stands by itself.
    sender_name = func.coalesce(Correspondent.name, Document.sender_agency)
    rows = db.session.execute(
        select(sender_name, Document.classification, func.count(Document.id))
        .outerjoin(Correspondent, Correspondent.id == Document.correspondent_id)
        .where(Document.received_at >= a, Document.received_at < b)
        .group_by(sender_name, Document.classification)).all()
    senders: dict[str, dict] = {}
    report.by_classification = dict.fromkeys(CLASSIFICATIONS, 0)
    for sender, cls, n in rows:
        entry = senders.setdefault(sender, {"sender": sender, "counts": dict.fromkeys(CLASSIFICATIONS, 0), "total": 0})
        entry["counts"][cls] = entry["counts"].get(cls, 0) + n
        entry["total"] += n
        report.by_classification[cls] = report.by_classification.get(cls, 0) + n
    report.by_sender = sorted(senders.values(), key=lambda e: (-e["total"], e["sender"]))
    report.received = sum(report.by_classification.values())

    cal = sla.calendar()
    step_rows = _step_rows(a, b)
    delivered = delivered_rows(a, b)
    pauses = sla.pauses_for({r.id for r in step_rows} | {r.id for r in delivered})  # one query
    report.outcome = _outcomes(cal, delivered, pauses, lambda r: 0).get(0, Outcome())
    report.steps, report.waiting_docs, report.waiting_hours = step_times(cal, step_rows, pauses, a, b, now)

    report.decrypt_failures = db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == DECRYPT_FAILED,
                                                AuditEvent.at >= a, AuditEvent.at < b)) or 0
    report.waiting_now = waiting_now()
    report.daily = daily_flow(start, end)
    report.complaints = complaints_summary(a, b)
    report.survey = survey_index(a, b)
    return report


def sla_step_stats(report: PeriodReport) -> list[StepStat]:
    """The steps inside the one-working-day clock (2..8)."""
    return [s for s in report.steps if s.step in SLA_STEPS]


FIGURE_LABELS = {
    "open": "Terbuka", "overdue": "Melewati batas waktu", "total": "Jumlah", "resolved": "Selesai",
    "closed": "Ditutup", "escalated": "Dieskalasi", "index": "Indeks", "ikm": "Indeks Kepuasan Masyarakat",
    "value": "Nilai", "responses": "Jumlah responden", "respondents": "Jumlah responden",
    "category": "Kategori", "grade": "Mutu pelayanan", "mutu": "Mutu pelayanan", "period": "Periode",
    "first_response_avg_hours": "Rata-rata jam kerja s.d. tanggapan pertama",
    "first_response_median_hours": "Median jam kerja s.d. tanggapan pertama",
    "solution_avg_hours": "Rata-rata jam kerja s.d. selesai",
    "solution_median_hours": "Median jam kerja s.d. selesai",
    "late_first_response": "Tanggapan pertama terlambat", "late_solution": "Penyelesaian terlambat",
    "grade_label": "Mutu pelayanan",
}


def figure_pairs(value) -> list[tuple[str, str]] | None:
    """A summary from another feature as (label, text) rows, whatever its shape; None = missing."""
    if value is None:
        return None
    if hasattr(value, "__dataclass_fields__"):
        from dataclasses import asdict
        value = asdict(value)
    elif not isinstance(value, dict) and hasattr(value, "_asdict"):
        value = value._asdict()
    elif not isinstance(value, (dict, int, float, str)) and hasattr(value, "__dict__"):
        value = {k: v for k, v in vars(value).items() if not k.startswith("_")}
    if isinstance(value, dict):
        rows = []
        for key, item in value.items():
            if isinstance(item, (dict, list, tuple, set)):
                continue
            label = FIGURE_LABELS.get(str(key), str(key).replace("_", " ").capitalize())
            rows.append((label, _figure_text(item)))
        return rows
    return [("Nilai", _figure_text(value))]


def _figure_text(item) -> str:
    if isinstance(item, float):
        return f"{item:.2f}".replace(".", ",")
    if isinstance(item, (date, datetime)):
        return format_date(item)
    return "\u2014" if item is None else str(item)  # an empty average reads as a dash, never blank
