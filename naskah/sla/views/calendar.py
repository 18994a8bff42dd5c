"""Admin: the office calendar (working hours, holidays, closures) and soft WIP limits."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from naskah.auth.guards import roles_required
from naskah.core.errors import DomainError
from naskah.core.forms import field_errors
from naskah.core.timeutil import wib_today
from naskah.extensions import db
from naskah.sla import calendar_settings as cal_admin
from naskah.sla.calendar import HARI
from naskah.sla.forms import ClosureForm, RemoveClosureForm, WeekForm, WipForm

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


@bp.get("/")
@roles_required("admin")
def index():
    return _page()


@bp.post("/jam")
@roles_required("admin")
def save_week():
    form = WeekForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            return _page(400)
        names = [r["name"] for r in cal_admin.week_rows(cal_admin.current_week())]
        return _page(400, week_rows=form.rows(names), week_errors=form.day_errors or {}, week_error=form.week_error)
    cal_admin.save_week(form.week, current_user)
    db.session.commit()
    flash("Jam kerja mingguan disimpan. Batas waktu naskah dihitung dengan jam kerja baru.", "success")
    return _back()



@bp.post("/libur")
@roles_required("admin")
def add_closure():
    form = ClosureForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            return _page(400)
        return _page(400, closure_errors=field_errors(form), closure_input=form.data)
    try:
        cal_admin.add_closure(form.day, form.label.data, form.kind.data, current_user)
        db.session.commit()
    except DomainError as e:
        db.session.rollback()
        return _page(400, closure_errors={e.field or "date": e.message}, closure_input=form.data)
    flash(f"{cal_admin.CLOSURE_KINDS[form.kind.data]} {form.day.isoformat()} ({form.label.data}) ditambahkan.", "success")
    return _back()


@bp.post("/libur/hapus")
@roles_required("admin")
def remove_closure():
    form = RemoveClosureForm()
    if not form.validate_on_submit():
        return _page(400)
    try:
        found = cal_admin.remove_closure((form.date.data or "").strip(), current_user)
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
    form = WipForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            return _page(400)
        wip = {step: (form[f"wip_{step}"].data or "")[:5] for step in range(1, 10)}
        errors = {int(name.removeprefix("wip_")): message for name, message in field_errors(form).items()}
        return _page(400, wip=wip, wip_errors=errors)
    cal_admin.save_wip(form.limits(), current_user)
    db.session.commit()
    flash("Batas WIP per kolom disimpan.", "success")
    return _back()
