"""Admin: the office calendar (working hours, holidays, closures) and soft WIP limits."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from naskah.auth.guards import roles_required
from naskah.core.errors import DomainError
from naskah.core.timeutil import wib_today
from naskah.extensions import db
from naskah.sla import calendar_settings as cal_admin
from naskah.sla.calendar import HARI

bp = Blueprint("calendar_admin", __name__, url_prefix="/admin/kalender")
NAV = [("calendar_admin.index", "Kalender Kantor", {"admin"}, 82)]


def _year_arg() -> tuple[int, str | None]:
    raw = (request.values.get("tahun") or "").strip()
    if not raw:
        return wib_today().year, None
    if raw.isdigit() and cal_admin.MIN_YEAR <= int(raw) <= cal_admin.MAX_YEAR:
        return int(raw), None
    return wib_today().year, f"Tahun tidak valid: {raw[:10]} (gunakan {cal_admin.MIN_YEAR}\u2013{cal_admin.MAX_YEAR})."


def _page(status=200, **over):
    year, year_error = _year_arg()
    week_rows = over.pop("week_rows", None) or cal_admin.week_rows(cal_admin.current_week())
    limits = cal_admin.wip_limits()
    ctx = {
        "form": FlaskForm(), "year": year, "year_error": year_error, "week_rows": week_rows,
        "week_errors": {}, "week_error": None, "holidays": cal_admin.national_holidays(year),
        "closures": cal_admin.closures_of_year(year), "suggestions": cal_admin.suggestions(year),
        "kinds": cal_admin.CLOSURE_KINDS, "closure_errors": {}, "closure_input": {},
        "wip": {step: str(limits.get(step, "")) for step in range(1, 10)}, "wip_errors": {},
        "hari": HARI,
    }
    ctx.update(over)
    return render_template("calendar_admin/index.html", **ctx), status if not year_error else 400


def _back():
    year, _ = _year_arg()
    return redirect(url_for(".index", tahun=year))


def _csrf_ok() -> bool:
    return FlaskForm().validate_on_submit()


@bp.get("/")
@roles_required("admin")
def index():
    return _page()


@bp.post("/jam")
@roles_required("admin")
def save_week():
    if not _csrf_ok():
        return _page(400)
    week, errors, week_error = cal_admin.parse_week(request.form)
    if week is None:
        rows = [{"day": d, "name": r["name"], "open": bool(request.form.get(f"open_{d}")),
                 "start": request.form.get(f"start_{d}", "")[:5], "end": request.form.get(f"end_{d}", "")[:5]}
                for d, r in enumerate(cal_admin.week_rows(cal_admin.current_week()))]
        return _page(400, week_rows=rows, week_errors=errors, week_error=week_error)
    cal_admin.save_week(week, current_user)
    db.session.commit()
    flash("Jam kerja mingguan disimpan. Batas waktu naskah dihitung dengan jam kerja baru.", "success")
    return _back()


@bp.post("/libur")
@roles_required("admin")
def add_closure():
    if not _csrf_ok():
        return _page(400)
    raw = {k: request.form.get(k, "") for k in ("date", "label", "kind")}
    try:
        day, label, kind = cal_admin.parse_closure(raw["date"], raw["label"], raw["kind"] or "libur")
        cal_admin.add_closure(day, label, kind, current_user)
        db.session.commit()
    except DomainError as e:
        db.session.rollback()
        return _page(400, closure_errors={e.field or "date": e.message}, closure_input=raw)
    flash(f"{cal_admin.CLOSURE_KINDS[kind]} {day.isoformat()} ({label}) ditambahkan.", "success")
    return _back()


@bp.post("/libur/hapus")
@roles_required("admin")
def remove_closure():
    if not _csrf_ok():
        return _page(400)
    try:
        found = cal_admin.remove_closure(request.form.get("date", "").strip(), current_user)
        db.session.commit()
    except DomainError as e:
        db.session.rollback()
        flash(e.message, "error")
        return _page(400)
    flash(f"Hari libur {found['date']} ({found['label']}) dihapus.", "success")
    return _back()


@bp.post("/wip")
@roles_required("admin")
def save_wip():
    if not _csrf_ok():
        return _page(400)
    values, errors = cal_admin.parse_wip(request.form)
    if errors:
        wip = {step: request.form.get(f"wip_{step}", "")[:5] for step in range(1, 10)}
        return _page(400, wip=wip, wip_errors=errors)
    cal_admin.save_wip(values, current_user)
    db.session.commit()
    flash("Batas WIP per kolom disimpan.", "success")
    return _back()
