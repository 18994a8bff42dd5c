"""Office calendar settings: working hours, closures (cuti bersama, ad-hoc) and WIP limits.

Every change is stored through naskah.settings with exactly one audit event in the same
transaction; sla.calendar() caches by value, so a change applies to the next request.
"""
from __future__ import annotations

from datetime import date

from naskah.audit import chain as audit
from naskah.core import settings
from naskah.core.errors import DomainError
from naskah.sla import national_holidays as holiday_table
from naskah.sla.calendar import HARI, WorkWeek
from naskah.sla.due import closure_entries
from naskah.workflow.engine import STEP_LABELS, Step

CLOSURE_KINDS = {"cuti_bersama": "Cuti bersama", "libur": "Libur kantor"}
MIN_YEAR, MAX_YEAR = 2000, 2100

SETTINGS_DEFAULTS = {"wip_limits": {}}


def current_week() -> WorkWeek:
    raw = settings.get("work_week")
    return WorkWeek.from_json(raw) if raw else WorkWeek.default()


def week_rows(week: WorkWeek) -> list[dict]:
    """One row per weekday for the editable table."""
    rows = []
    for day, span in enumerate(week.hours):
        rows.append({"day": day, "name": HARI[day], "open": span is not None,
                     "start": span[0].strftime("%H:%M") if span else "",
                     "end": span[1].strftime("%H:%M") if span else ""})
    return rows


def save_week(week: WorkWeek, actor) -> None:
    old = settings.get("work_week")
    new = week.to_json()
    settings.set_value("work_week", new)
    audit.append("settings.work_week", actor=actor, object_type="settings", object_id="work_week",
                 details={"old": old, "new": new})


def national_holidays(year: int) -> list[tuple[date, str]]:
    """Public holidays of a year from the `holidays` package, Indonesian names."""
    return sorted(holiday_table.of_year(_year(year), ("public",)).items())


def cuti_bersama(year: int) -> list[tuple[date, str]]:
    """The package's collective-leave days (SKB cuti bersama) of a year: suggestions only."""
    return sorted(holiday_table.of_year(_year(year), ("government",)).items())


def closures() -> list[dict]:
    return closure_entries(settings.get("closures"))


def closures_of_year(year: int) -> list[dict]:
    return [e for e in closures() if e["date"].startswith(f"{year:04d}-")]


def suggestions(year: int) -> list[tuple[date, str]]:
    """Cuti bersama days of the year not yet added as closures."""
    taken = {e["date"] for e in closures()}
    return [(d, name) for d, name in cuti_bersama(year) if d.isoformat() not in taken]


def closure_day(raw_date: str) -> date:
    """The date of an office closure, or DomainError(field="date")."""
    if not (raw_date or "").strip():
        raise DomainError("Tanggal wajib diisi.", field="date")
    try:
        day = date.fromisoformat((raw_date or "").strip())
    except ValueError:
        raise DomainError("Tanggal tidak valid; gunakan format TTTT-BB-HH.", field="date") from None
    _year(day.year, field="date")
    return day


def closure_label(label: str) -> str:
    """Its description, spaces normalised, or DomainError(field="label")."""
    label = " ".join((label or "").split())
    if not label:
        raise DomainError("Isi keterangan libur, misalnya \u201cCuti Bersama Hari Raya Idul Fitri\u201d.",
                          field="label")
    if len(label) > 120:
        raise DomainError("Keterangan paling banyak 120 karakter.", field="label")
    return label


def wip_limit(text: str, step: Step) -> int | None:
    """A column's soft WIP limit (None: no limit), or DomainError(field="wip_N")."""
    text = (text or "").strip()
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= 999:
        raise DomainError(f"Batas kolom {STEP_LABELS[step]} harus bilangan bulat 1 sampai 999, atau kosong.",
                          field=f"wip_{int(step)}")
    return int(text)


def add_closure(day: date, label: str, kind: str, actor) -> None:
    entries = closures()
    if any(e["date"] == day.isoformat() for e in entries):
        raise DomainError(f"Tanggal {day.isoformat()} sudah tercatat sebagai hari libur kantor.", field="date")
    entries.append({"date": day.isoformat(), "label": label, "kind": kind})
    settings.set_value("closures", closure_entries(entries))
    audit.append("settings.closure_add", actor=actor, object_type="settings", object_id="closures",
                 details={"date": day.isoformat(), "label": label, "kind": kind})


def remove_closure(raw_date: str, actor) -> dict:
    entries = closures()
    found = next((e for e in entries if e["date"] == raw_date), None)
    if found is None:
        raise DomainError("Hari libur tersebut tidak ada (mungkin sudah dihapus).")
    settings.set_value("closures", [e for e in entries if e is not found])
    audit.append("settings.closure_remove", actor=actor, object_type="settings", object_id="closures",
                 details=found)
    return found


def wip_limits() -> dict[int, int]:
    """{step: limit}; steps without a limit are absent."""
    raw = settings.get("wip_limits") or {}
    return {int(k): int(v) for k, v in raw.items() if v}


def save_wip(values: dict[str, int], actor) -> None:
    old = settings.get("wip_limits") or {}
    settings.set_value("wip_limits", values)
    audit.append("settings.wip_limits", actor=actor, object_type="settings", object_id="wip_limits",
                 details={"old": old, "new": values})


def _year(year: int, field: str = "tahun") -> int:
    if not MIN_YEAR <= int(year) <= MAX_YEAR:
        raise DomainError(f"Tahun harus antara {MIN_YEAR} dan {MAX_YEAR}.", field=field)
    return int(year)
