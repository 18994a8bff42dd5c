"""Administration: users (created, deactivated, reset; never deleted)."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from naskah.auth import users as users_mod
from naskah.auth.forms import UserForm
from naskah.auth.guards import roles_required
from naskah.core.errors import DomainError
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
            user, new_password = users_mod.create_user(
                form.username.data, form.role.data, full_name=form.full_name.data, nip=form.nip.data,
                title=form.title.data, actor=current_user)
            db.session.commit()
            flash(f"Pengguna {user.username} dibuat. Berikan kata sandi sekali pakai di bawah secara langsung.", "success")
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
    users_mod.set_active(user, not user.active, current_user)
    db.session.commit()
    flash(f"Pengguna {user.username} {'diaktifkan' if user.active else 'dinonaktifkan'}.", "success")
    return redirect(url_for(".users"))


@bp.post("/pengguna/<int:user_id>/reset")
@roles_required("admin")
def reset(user_id):
    user = _user_or_404(user_id)
    password = users_mod.reset_password(user, current_user)
    db.session.commit()
    rows = db.session.scalars(db.select(User).order_by(User.active.desc(), User.role, User.username)).all()
    form = UserForm(formdata=None)
    form.role.choices = [(r.value, label) for r, label in ROLE_LABELS.items()]
    flash(f"Kata sandi {user.username} diatur ulang.", "success")
    return render_template("admin/users.html", form=form, rows=rows, new_password=password)
