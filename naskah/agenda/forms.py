"""Forms of the agenda book: the search filters and the correction."""
import re
from datetime import date, timedelta

from flask_wtf import FlaskForm
from wtforms import TextAreaField

from naskah.core.errors import DomainError
from naskah.core.forms import maxlen, req
from naskah.core.timeutil import MONTHS


class CorrectionForm(FlaskForm):
    notes = TextAreaField("Isi koreksi", validators=[req(), maxlen(1000)])


def parse_filters(args):
    """The agenda book's search filters from query parameters, and every problem found in them."""
    errors = []

    def as_date(name):
        value = args.get(name, "").strip()
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            errors.append(f"Tanggal tidak valid: {value[:20]} (gunakan format TTTT-BB-HH).")
            return None

    def as_int(name, lo, hi):
        value = args.get(name, "").strip()
        if not value:
            return None
        if not value.isdigit() or not lo <= int(value) <= hi:
            errors.append(f"Angka tidak valid untuk {name}.")
            return None
        return int(value)

    filters = {
        "number": as_int("number", 1, 10_000_000),
        "year": as_int("year", 2000, 2999),
        "sender": args.get("sender", "").strip()[:100] or None,
        "date_from": as_date("date_from"),
        "date_to": as_date("date_to"),
        "classification": args.get("classification", "") if args.get("classification", "") in ("SR", "R", "T", "B") else None,
    }
    return filters, errors


def filter_args(filters):
    """Filters back as query parameters (for page links and the print form)."""
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in filters.items() if v}


def parse_period(value: str):
    """The agenda book's print period: '2026-11' is a month, '2026' a year.

    Returns (first day, last day, label); a bad value is a DomainError on the `periode` field.
    """
    value = (value or "").strip()
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?", value)
    if not m or not 2000 <= int(m.group(1)) <= 2999 or (m.group(2) and not 1 <= int(m.group(2)) <= 12):
        raise DomainError("Periode tidak valid: isi tahun (2026) atau bulan (2026-11).", field="periode")
    year, month = int(m.group(1)), int(m.group(2)) if m.group(2) else None
    first = date(year, month or 1, 1)
    last = (date(year + (month == 12), month % 12 + 1, 1) if month else date(year + 1, 1, 1)) - timedelta(days=1)
    return first, last, (f"{MONTHS[month - 1]} {year}" if month else f"Tahun {year}")
