"""The waiting badge on every page, and the admin page for e-mail notifications."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from naskah.auth.guards import roles_required
from naskah.core.errors import DomainError
from naskah.core.forms import field_errors
from naskah.extensions import db
from naskah.notifications import mail_settings as notify_admin
from naskah.notifications import waiting as notify
from naskah.notifications.forms import MailSettingsForm, TestMailForm

bp = Blueprint("notifications", __name__, url_prefix="/admin/notifikasi")
NAV = [("notifications.settings_page", "Notifikasi", {"admin"}, 84)]


def waiting_badge():
    """The top bar's "Menunggu Anda" badge (one query; None for roles that wait for nothing)."""
    return notify.badge_for(current_user)


def _page(values=None, errors=None, status=200, test_to=""):
    users = notify_admin.recipients()
    return render_template("notifications/settings.html", values=values or notify_admin.current(),
                           errors=errors or {}, users=users, test_to=test_to), status



@bp.get("/")
@roles_required("admin")
def settings_page():
    return _page()


@bp.post("/")
@roles_required("admin")
def save():
    form = MailSettingsForm.for_users(notify_admin.recipients())
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            return _page(status=400)
        return _page(form.typed(), field_errors(form), 400)
    notify_admin.save(form.values(), current_user)
    db.session.commit()
    flash("Pengaturan notifikasi disimpan.", "success")
    return redirect(url_for(".settings_page"))


@bp.post("/uji")
@roles_required("admin")
def send_test():
    form = TestMailForm()
    if not form.validate_on_submit():
        return _page(errors=field_errors(form), status=400, test_to=form.test_to.data or "")
    try:
        sent = notify_admin.send_test((form.test_to.data or "").strip())
    except DomainError as e:
        return _page(errors={"test_to": e.message}, status=400, test_to=form.test_to.data or "")
    if sent:
        flash("Email uji terkirim. Periksa kotak masuk penerima.", "success")
    else:
        flash("Email uji gagal dikirim; lihat log aplikasi untuk penyebabnya.", "error")
    return redirect(url_for(".settings_page"))
