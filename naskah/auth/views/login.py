"""Sign in, sign out, change password (forced at first login)."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf

from naskah.audit import chain as audit
from naskah.auth import login_throttle, websessions
from naskah.auth.forms import ChangePasswordForm, LoginForm
from naskah.auth.guards import mark_second_factor_done, public, roles_required, second_factor_pending
from naskah.auth.redirects import safe_target
from naskah.core.ratelimit import client_key, limiter
from naskah.core.timeutil import utcnow
from naskah.extensions import db
from naskah.models import Role

bp = Blueprint("auth", __name__)
GENERIC_FAIL = ("Nama pengguna atau kata sandi salah. Setelah beberapa kali salah, tunggu sebentar "
                "sebelum mencoba lagi.")
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
    return safe_target(target)


@bp.route("/masuk", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        if not limiter().allowed(*_ip_window()):
            # Per-address throttle across accounts: guessing one password against many users.
            flash(IP_THROTTLED, "error")
            return render_template("auth/login.html", form=form), 429
        # NUL cannot be stored or compared in PostgreSQL text; no username contains one
        username = form.username.data.replace("\x00", "").strip().lower()
        user, reason = login_throttle.check(username, form.password.data, request.remote_addr)
        if reason is not None:
            # Unknown, wrong, inactive and throttled answer alike, after the same work.
            login_throttle.record_failure(username, request.remote_addr, user, reason)
            limiter().hit(*_ip_window())
            flash(GENERIC_FAIL, "error")
            return render_template("auth/login.html", form=form), 401
        now = utcnow()
        user.failed_logins = 0
        user.locked_until = None
        session.clear()  # a fresh session (and a new server-side id) at every sign-in
        websessions.regenerate()
        login_user(user)
        session["login_at"] = session["last_seen"] = now.timestamp()
        generate_csrf()  # stored now, so the first page's GET does not write the session row again
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
    websessions.end_one(current_user.id, websessions.current_id())  # the row goes now, not only the cookie
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
            websessions.end_for(user.id, keep=websessions.current_hash())
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
