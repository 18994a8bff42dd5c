"""Office settings page (admin): letterhead, images, kasi, number format, paper, retention."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from naskah.auth.guards import roles_required
from naskah.core import settings
from naskah.core.errors import DomainError
from naskah.extensions import db
from naskah.models import CLASSIFICATIONS
from naskah.paper import office as officesettings
from naskah.paper.forms import OfficeSettingsForm

bp = Blueprint("office_settings", __name__, url_prefix="/admin")
NAV = [("office_settings.edit", "Pengaturan Kantor", {"admin"}, 85)]
def _form(posted: bool):
    form = OfficeSettingsForm() if posted else OfficeSettingsForm(formdata=None)
    form.paper.choices = [("A4", "A4 (210 × 297 mm)"), ("F4", "F4 / folio (215 × 330 mm)")]
    form.kasi_user_id.choices = [("", "— otomatis: Kasi aktif, atau nama yang diketik —")] + [
        (str(u.id), f"{u.full_name}{' (NIP ' + u.nip + ')' if u.nip else ''}") for u in officesettings.kasi_users()]
    if not posted:
        for key in officesettings.TEXT_KEYS:
            form[key].data = settings.get(key) or ""
        form.kasi_user_id.data = str(settings.get("kasi_user_id") or "")
        form.signature_required.data = bool(settings.get("signature_required"))
        for code, years in (settings.get("retention_years") or {}).items():
            if f"retention_{code}" in form._fields:
                form[f"retention_{code}"].data = str(years)
    return form


def _read(field) -> bytes | None:
    upload = field.data
    if not upload or not getattr(upload, "filename", ""):
        return None
    return upload.read(officesettings.IMAGE_MAX_BYTES + 1)


@bp.route("/pengaturan", methods=["GET", "POST"])
@roles_required("admin")
def edit():
    form = _form(request.method == "POST")
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            values = {name: field.data for name, field in form._fields.items()}
            images = {"office_logo": _read(form.office_logo), "office_stamp": _read(form.office_stamp)}
            remove = tuple(k for k, flag in (("office_logo", form.remove_logo.data),
                                            ("office_stamp", form.remove_stamp.data)) if flag)
            try:
                changed = officesettings.save(values, images, current_user, remove=remove)
                db.session.commit()
            except DomainError as e:
                db.session.rollback()
                target = form[e.field] if e.field in form._fields else form.office_name
                target.errors = list(target.errors) + [e.message]
                status = 400
            else:
                flash("Pengaturan disimpan." if changed else "Tidak ada perubahan.", "success")
                return redirect(url_for(".edit"))
        else:
            status = 400
    return render_template("office_settings/edit.html", form=form, classifications=CLASSIFICATIONS,
                           logo=settings.get("office_logo"), stamp=settings.get("office_stamp"),
                           sample=_sample(), max_kb=officesettings.IMAGE_MAX_BYTES // 1024), status


def _sample() -> str:
    return settings.format_letter_number(42, 2026)
