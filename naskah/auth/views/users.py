"""Administration: users (created, deactivated, reset; never deleted)."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from naskah.auth import approvals
from naskah.auth import users as users_mod
from naskah.auth.forms import ReasonForm, RoleChangeForm, UserForm
from naskah.auth.guards import roles_required
from naskah.core.errors import DomainError
from naskah.core.forms import CSRF_EXPIRED
from naskah.extensions import db
from naskah.models import ROLE_LABELS, User

bp = Blueprint("admin", __name__, url_prefix="/admin")
NAV = [("admin.users", "Pengguna", {"admin"}, 80)]


@bp.route("/pengguna", methods=["GET", "POST"])
@roles_required("admin")
def users():
    form = UserForm()
    form.role.choices = [(r.value, label) for r, label in ROLE_LABELS.items()]
    new_password = None
    status = 200
    if form.validate_on_submit():
        try:
            fields = {"full_name": form.full_name.data, "nip": form.nip.data, "title": form.title.data}
            if approvals.needs_approval("create", role=form.role.data):
                user, _ = approvals.create_kasi(form.username.data, current_user._get_current_object(),
                                                form.reason.data or "", **fields)
                db.session.commit()
                flash(f"Akun Kasi {user.username} menunggu persetujuan kedua; kata sandi sekali pakai "
                      "ditampilkan kepada penyetuju.", "success")
            else:
                user, new_password = users_mod.create_user(form.username.data, form.role.data,
                                                           actor=current_user, **fields)
                db.session.commit()
                flash(f"Pengguna {user.username} dibuat. Berikan kata sandi sekali pakai di bawah secara langsung.",
                      "success")
            form = UserForm(formdata=None)
            form.role.choices = [(r.value, label) for r, label in ROLE_LABELS.items()]
        except DomainError as e:
            db.session.rollback()
            getattr(form, e.field or "username").errors.append(e.message)
            status = 400
    elif form.errors:
        status = 400
    rows = db.session.scalars(db.select(User).order_by(User.active.desc(), User.role, User.username)).all()
    return render_template("admin/users.html", form=form, rows=rows, new_password=new_password), status


def _user_or_404(user_id):
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.post("/pengguna/<int:user_id>/aktif")
@roles_required("admin")
def toggle_active(user_id):
    user = _user_or_404(user_id)
    if not user.active and approvals.pending_for(user.id, "create") is not None:
        flash("Akun Kasi ini baru aktif setelah permintaannya disetujui.", "error")
        return redirect(url_for(".users"))
    users_mod.set_active(user, not user.active, current_user)
    db.session.commit()
    flash(f"Pengguna {user.username} {'diaktifkan' if user.active else 'dinonaktifkan'}.", "success")
    return redirect(url_for(".users"))


@bp.post("/pengguna/<int:user_id>/reset")
@roles_required("admin")
def reset(user_id):
    user = _user_or_404(user_id)
    if approvals.needs_approval("reset_password", user):
        return ask_approval(user, "reset_password")
    password = users_mod.reset_password(user, current_user)
    db.session.commit()
    rows = db.session.scalars(db.select(User).order_by(User.active.desc(), User.role, User.username)).all()
    form = UserForm(formdata=None)
    form.role.choices = [(r.value, label) for r, label in ROLE_LABELS.items()]
    flash(f"Kata sandi {user.username} diatur ulang.", "success")
    return render_template("admin/users.html", form=form, rows=rows, new_password=password)


def _first_error(form) -> str:
    """The first problem of a small inline form, for the flash above the users table."""
    for name, messages in form.errors.items():
        if name == "csrf_token":
            return CSRF_EXPIRED
        return f"{form[name].label.text}: {messages[0]}"
    return "Periksa isian."


def ask_approval(user, kind, reason: str | None = None):
    """File a two-person request for a Kasi right instead of acting (naskah.auth.approvals);
    the reason from the posted ReasonForm unless given."""
    if reason is None:
        form = ReasonForm()
        if not form.validate_on_submit():
            flash(_first_error(form), "error")
            return redirect(url_for("admin.users"))
        reason = form.reason.data or ""
    try:
        approvals.request(kind, user, current_user._get_current_object(), reason)
        db.session.commit()
        flash(f"{approvals.KIND_LABELS[kind]} untuk {user.username} menunggu persetujuan kedua.", "success")
    except DomainError as e:
        db.session.rollback()
        flash(e.message, "error")
    return redirect(url_for("admin.users"))


@bp.post("/pengguna/<int:user_id>/peran")
@roles_required("admin")
def change_role(user_id):
    user = _user_or_404(user_id)
    form = RoleChangeForm()
    if not form.validate_on_submit():
        flash(_first_error(form), "error")
        return redirect(url_for(".users"))
    role = form.role.data
    if role == user.role:
        return redirect(url_for(".users"))
    if approvals.needs_approval("grant", user, role):
        return ask_approval(user, "grant", form.reason.data or "")
    try:
        approvals.change_role(user, role, current_user)
        db.session.commit()
        flash(f"Peran {user.username} diubah; sesi-sesinya diakhiri.", "success")
    except DomainError as e:
        db.session.rollback()
        flash(e.message, "error")
    return redirect(url_for(".users"))
