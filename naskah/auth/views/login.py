"""Sign in, sign out, change password (forced at first login)."""
from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from naskah.audit import chain as audit
from naskah.auth.forms import ChangePasswordForm, LoginForm
from naskah.auth.guards import mark_second_factor_done, public, roles_required, second_factor_pending
from naskah.core.ratelimit import client_key, limiter
from naskah.core.timeutil import utcnow
from naskah.extensions import db
from naskah.models import Role, User

bp = Blueprint("auth", __name__)
GENERIC_FAIL = "Nama pengguna atau kata sandi salah."
IP_THROTTLED = "Terlalu banyak percobaan masuk yang gagal dari alamat ini. Tunggu beberapa menit lalu coba lagi."


def _ip_window():
    cfg = current_app.config
    return client_key("login-fail"), cfg["LOGIN_IP_MAX_FAILURES"], cfg["LOGIN_IP_WINDOW_SECONDS"]


def home_for(user) -> str:
    if user.role == Role.ADMIN.value:
        return url_for("admin.users")
    if user.role == Role.PETUGAS.value:
        return url_for("complaints.index")
    return url_for("board.index")


def _safe_next(target: str | None) -> str | None:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@bp.route("/masuk", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        if not limiter().allowed(*_ip_window()):
            # Per-address throttle on top of the per-user lock: guessing across many accounts.
            flash(IP_THROTTLED, "error")
            return render_template("auth/login.html", form=form), 429
        user = db.session.scalar(db.select(User).where(User.username == form.username.data.strip().lower()))
        now = utcnow()
        if user is not None and user.locked_until and user.locked_until > now:
            audit.append("auth.login_locked", actor=user)
            db.session.commit()
            flash("Akun dikunci sementara karena terlalu banyak percobaan gagal. Coba lagi nanti.", "error")
            return render_template("auth/login.html", form=form), 429
        if user is None or not user.active or not user.check_password(form.password.data):
            if user is not None:
                user.failed_logins = (user.failed_logins or 0) + 1
                if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
                    user.locked_until = now + timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
                    user.failed_logins = 0
                audit.append("auth.login_failed", actor=user)
            else:
                audit.append("auth.login_failed", actor_name=form.username.data[:40] or "?",
                             details={"unknown_user": True})
            db.session.commit()
            limiter().hit(*_ip_window())
            flash(GENERIC_FAIL, "error")
            return render_template("auth/login.html", form=form), 401
        user.failed_logins = 0
        user.locked_until = None
        session.clear()  # a fresh session at every sign-in
        login_user(user)
        session["login_at"] = session["last_seen"] = now.timestamp()
        audit.append("auth.login", actor=user)
        db.session.commit()
        next_url = _safe_next(request.args.get("next"))
        pending = second_factor_pending()
        if pending == "verify":
            return redirect(url_for("twofactor.verify", next=next_url))
        if pending == "enrol":
            return redirect(url_for("twofactor.setup"))
        return redirect(next_url or home_for(user))
    return render_template("auth/login.html", form=form)


@bp.post("/keluar")
@roles_required()
def logout():
    audit.append("auth.logout", actor=current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash("Anda telah keluar.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/akun/kata-sandi", methods=["GET", "POST"])
@roles_required()
def change_password():
    form = ChangePasswordForm()
    if request.method == "POST":
        valid = form.validate()
        # The current password is checked even when the new one breaks a rule: both are reported.
        wrong_current = (bool(form.current.data) and not form.errors.get("csrf_token")
                         and not current_user.check_password(form.current.data))
        if wrong_current:
            form.current.errors = list(form.current.errors) + ["Kata sandi saat ini salah."]
        elif valid and form.new.data == form.current.data:
            form.new.errors.append("Kata sandi baru harus berbeda.")
        elif valid:
            user = current_user._get_current_object()
            user.set_password(form.new.data)  # bumps the epoch: other sessions end
            user.must_change_password = False
            audit.append("auth.password_changed", actor=user)
            db.session.commit()
            login_user(user)
            session["login_at"] = session["last_seen"] = utcnow().timestamp()
            if session.get("mfa_ok"):
                mark_second_factor_done(user)  # the new epoch keeps this session's second factor
            flash("Kata sandi telah diganti.", "success")
            return redirect(home_for(user))
    return render_template("auth/change_password.html", form=form)


@bp.get("/")
@roles_required()
def home():
    return redirect(home_for(current_user))
