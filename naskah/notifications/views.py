"""The waiting badge on every page, and the admin page for e-mail notifications."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from naskah.auth.guards import roles_required
from naskah.core.errors import DomainError
from naskah.extensions import db
from naskah.notifications import mail_settings as notify_admin
from naskah.notifications import waiting as notify

bp = Blueprint("notifications", __name__, url_prefix="/admin/notifikasi")
NAV = [("notifications.settings_page", "Notifikasi", {"admin"}, 84)]


@bp.app_context_processor
def waiting_badge():
    """A callable, so the one badge query runs only when a full page's top bar renders."""
    return {"waiting_badge": lambda: notify.badge_for(current_user)}


def _page(values=None, errors=None, status=200):
    users = notify_admin.recipients()
    return render_template("notifications/settings.html", values=values or notify_admin.current(),
                           errors=errors or {}, users=users, test_to=request.form.get("test_to", "")), status


@bp.get("/")
@roles_required("admin")
def settings_page():
    return _page()


@bp.post("/")
@roles_required("admin")
def save():
    if not FlaskForm().validate_on_submit():
        return _page(status=400)
    values, errors = notify_admin.parse(request.form, notify_admin.recipients())
    if errors:
        return _page(values, errors, 400)
    notify_admin.save(values, current_user)
    db.session.commit()
    flash("Pengaturan notifikasi disimpan.", "success")
    return redirect(url_for(".settings_page"))


@bp.post("/uji")
@roles_required("admin")
def send_test():
    if not FlaskForm().validate_on_submit():
        return _page(status=400)
    try:
        sent = notify_admin.send_test(request.form.get("test_to", "").strip())
    except DomainError as e:
        return _page(errors={"test_to": e.message}, status=400)
    if sent:
        flash("Email uji terkirim. Periksa kotak masuk penerima.", "success")
    else:
        flash("Email uji gagal dikirim; lihat log aplikasi untuk penyebabnya.", "error")
    return redirect(url_for(".settings_page"))
