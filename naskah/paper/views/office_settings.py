"""Office settings page (admin): letterhead, images, kasi, number format, paper, retention."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from naskah.auth.formchecks import NIP_HINT, valid_nip
from naskah.auth.guards import roles_required
from naskah.core import settings
from naskah.core.errors import DomainError
from naskah.extensions import db
from naskah.models import CLASSIFICATIONS
from naskah.paper import office as officesettings

bp = Blueprint("office_settings", __name__, url_prefix="/admin")
NAV = [("office_settings.edit", "Pengaturan Kantor", {"admin"}, 85)]
REQ = "Wajib diisi."


def _text(label, n, required=False, **kw):
    return StringField(label, validators=[DataRequired(REQ) if required else Optional(),
                                          Length(max=n, message=f"Paling banyak {n} karakter.")], **kw)


class OfficeSettingsForm(FlaskForm):
    office_government = _text("Pemerintah daerah", 120, True)
    office_name = _text("Nama dinas", 120, True)
    office_unit = _text("Unit (seksi)", 120)
    office_address = TextAreaField("Alamat", validators=[Optional(), Length(max=300)])
    office_phone = _text("Telepon", 60)
    office_email = _text("Pos-el", 120)
    office_website = _text("Laman", 120)
    office_city = _text("Kota (tempat surat)", 60, True)
    office_logo = FileField("Logo (PNG/JPEG/SVG, maks. 512 KB)")
    remove_logo = BooleanField("Hapus logo")
    office_stamp = FileField("Cap stempel (PNG/JPEG, latar transparan dianjurkan)")
    remove_stamp = BooleanField("Hapus cap stempel")
    kasi_user_id = SelectField("Kasi penanda tangan (dari pengguna)", coerce=str)
    kasi_title = _text("Jabatan Kasi", 120, True)
    kasi_name = _text("Nama Kasi (jika tidak memilih pengguna)", 120)
    kasi_nip = StringField("NIP Kasi (jika tidak memilih pengguna)", description=NIP_HINT,
                           validators=[Optional(), Length(max=30, message="Paling banyak 30 karakter."), valid_nip])
    letter_number_format = _text("Format nomor surat", 80, True,
                                 description="Memakai {nomor} dan {tahun}, mis. 000.5.1/{nomor:04d}/Sandi/{tahun}")
    paper = SelectField("Ukuran kertas")
    verification_base_url = _text("Alamat dasar verifikasi (LAN)", 200,
                                  description="Mis. http://192.168.1.10:5000; kosong = alamat yang sedang dipakai")
    signature_required = BooleanField("Wajibkan tanda tangan elektronik (tolak tanda tangan basah)")
    retention_SR = _text("Retensi Sangat Rahasia (tahun)", 3, True, render_kw={"inputmode": "numeric", "size": 4})
    retention_R = _text("Retensi Rahasia (tahun)", 3, True, render_kw={"inputmode": "numeric", "size": 4})
    retention_T = _text("Retensi Terbatas (tahun)", 3, True, render_kw={"inputmode": "numeric", "size": 4})
    retention_B = _text("Retensi Biasa (tahun)", 3, True, render_kw={"inputmode": "numeric", "size": 4})


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
