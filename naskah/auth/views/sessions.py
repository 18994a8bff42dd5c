"""Active sessions: each user sees and ends their own; the administrator ends a user's sessions."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from naskah.audit import chain as audit
from naskah.auth import websessions
from naskah.auth.guards import roles_required
from naskah.extensions import db
from naskah.models import User

bp = Blueprint("account_sessions", __name__)


@bp.get("/akun/sesi")
@roles_required()
def index():
    rows = websessions.active_for(current_user.id)
    return render_template("account/sessions.html", rows=rows, current=websessions.current_hash())


@bp.post("/akun/sesi/<int:session_id>/akhiri")
@roles_required()
def end(session_id):
    if session_id == websessions.current_id():
        flash("Untuk mengakhiri sesi ini, pakai tombol Keluar.", "info")
    elif websessions.end_one(current_user.id, session_id):
        audit.append("auth.session_ended", actor=current_user, object_type="user", object_id=current_user.id)
        db.session.commit()
        flash("Sesi itu diakhiri.", "success")
    else:
        abort(404)
    return redirect(url_for(".index"))


@bp.post("/admin/pengguna/<int:user_id>/akhiri-sesi")
@roles_required("admin")
def admin_end(user_id):
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    keep = websessions.current_hash() if user.id == current_user.id else None
    count = websessions.end_for(user.id, keep=keep)
    audit.append("auth.sessions_ended", actor=current_user, object_type="user", object_id=user.id,
                 details={"username": user.username, "count": count})
    db.session.commit()
    flash(f"{count} sesi {user.username} diakhiri.", "success")
    return redirect(url_for("admin.users"))
