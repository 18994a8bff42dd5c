"""Complaint targets in working days, and whether a complaint is past them.

Targets are office settings (complaint_first_response_days, default 1; complaint_solution_days,
default 10). Both due instants are stored on the complaint when it is filed (the solution target
again when it is reopened), so a later change of the settings does not move old targets.
"""
from sqlalchemy import and_, or_

from naskah.core import settings
from naskah.core.timeutil import utcnow
from naskah.models.complaint import Complaint
from naskah.sla import due as sla

SETTINGS_DEFAULTS = {
    "complaint_first_response_days": 1,   # working days to the first response
    "complaint_solution_days": 10,        # working days to the solution
    "public_base_url": "",                # address printed on slips; empty: the request's own
}


def target_days() -> tuple[int, int]:
    """(first response, solution) in working days, from office settings (bad values -> defaults)."""
    def read(key, default):
        try:
            value = int(settings.get(key))
        except (TypeError, ValueError):
            return default
        return value if 1 <= value <= 365 else default
    return read("complaint_first_response_days", 1), read("complaint_solution_days", 10)


def due_after(start, days: int, cal=None):
    """The instant `days` working days after `start` (UTC).

    N working days is the office's one-working-day rule (the one the board uses,
    OfficeCalendar.due_at) applied N times: the clock starts at the next office opening, and
    each working day ends at the same clock time on the next working day; when that day closes
    earlier (Friday), the missing office time carries into the following working day.
    Examples (Mon-Thu 07:30-16:00, Fri 07:30-11:00): Mon 10:00 + 1 -> Tue 10:00;
    Mon 10:00 + 10 -> Mon two weeks later 10:00; Sat 09:00 + 1 -> Tue 07:30.
    """
    cal = cal or sla.calendar()
    due = start
    for _ in range(days):
        due = cal.due_at(due)
    return due


def next_due(c: Complaint):
    """The target the complaint is measured against now."""
    return c.first_response_due if c.first_response_at is None else c.solution_due


def is_overdue(c: Complaint, now=None) -> bool:
    now = now or utcnow()
    if c.status == "selesai":
        return False
    return (c.first_response_at is None and now > c.first_response_due) or now > c.solution_due


def overdue_clause(now):
    """SQL form of is_overdue()."""
    return and_(Complaint.status != "selesai",
                or_(and_(Complaint.first_response_at.is_(None), Complaint.first_response_due < now),
                    Complaint.solution_due < now))
