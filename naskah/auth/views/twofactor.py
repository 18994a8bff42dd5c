"""Two-factor pages: the second step of signing in, enrolment, recovery codes, admin reset.

The gate in naskah.security keeps a signed-in user on these pages until the second factor is done.
"""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user

from naskah.auth import approvals, twofactor, websessions
from naskah.auth.forms import SecondFactorForm
from naskah.auth.guards import mark_second_factor_done, roles_required
from naskah.auth.views.login import _safe_next, home_for
from naskah.auth.views.users import ask_approval
from naskah.core.errors import DomainError
from naskah.core.ratelimit import client_key, limiter
from naskah.core.timeutil import utcnow
from naskah.extensions import db
from naskah.models import User

bp = Blueprint("twofactor", __name__)


def _ip_allowed() -> bool:
    cfg = current_app.config
    return limiter().allowed(client_key("2fa-fail"), cfg["LOGIN_IP_MAX_FAILURES"], cfg["LOGIN_IP_WINDOW_SECONDS"])


def _ip_failure() -> None:
    cfg = current_app.config
    limiter().hit(client_key("2fa-fail"), cfg["LOGIN_IP_MAX_FAILURES"], cfg["LOGIN_IP_WINDOW_SECONDS"])


@bp.route("/masuk/verifikasi", methods=["GET", "POST"])
@roles_required()
def verify():
    user = current_user._get_current_object()
    next_url = _safe_next(request.args.get("next"))
    if session.get("mfa_ok") == user.get_id() or not twofactor.is_enrolled(user):
        return redirect(next_url or home_for(user))
    form = SecondFactorForm()
    status = 200
    if form.validate_on_submit():
        if not _ip_allowed():
            form.code.errors.append("Terlalu banyak percobaan dari alamat ini. Tunggu beberapa menit.")
            return render_template("twofactor/verify.html", form=form), 429
        try:
            method = twofactor.verify(user, form.code.data)
        except twofactor.Throttled as e:
            form.code.errors.append(e.message)
            return render_template("twofactor/verify.html", form=form), 429
        db.session.commit()  # a failure is counted, a success resets the count
        if method:
            mark_second_factor_done(user)
            if method == "recovery":
                left = twofactor.remaining_recovery_codes(user)
                flash(f"Kode pemulihan dipakai; tersisa {left}. Buat kode baru bila hampir habis.", "info")
            return redirect(next_url or home_for(user))
        _ip_failure()
        form.code.errors.append("Kode salah atau sudah dipakai.")
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("twofactor/verify.html", form=form), status


@bp.get("/akun/dua-langkah")
@roles_required()
def setup():
    user = current_user._get_current_object()
    cred = twofactor.credential(user)
    ctx = {"cred": cred, "required": twofactor.is_required(user), "form": SecondFactorForm(),
           "remaining": twofactor.remaining_recovery_codes(user) if cred and cred.confirmed_at else 0}
    if cred is not None and cred.confirmed_at is None:
        secret = twofactor.secret_of(cred)
        ctx["secret"] = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
        ctx["qr"] = twofactor.qr_data_uri(twofactor.provisioning_uri(user, secret))
    return render_template("twofactor/setup.html", **ctx)


@bp.post("/akun/dua-langkah/mulai")
@roles_required()
def start():
    try:
        twofactor.start_enrolment(current_user._get_current_object())
        db.session.commit()
    except DomainError as e:
        db.session.rollback()
        flash(e.message, "error")
    return redirect(url_for(".setup"))


def _relogin(user) -> None:
    """Keep this session after the epoch moved (other sessions of the user end)."""
    login_user(user)
    session["login_at"] = session["last_seen"] = utcnow().timestamp()
    mark_second_factor_done(user)


@bp.post("/akun/dua-langkah/konfirmasi")
@roles_required()
def confirm():
    user = current_user._get_current_object()
    form = SecondFactorForm()
    if not form.validate_on_submit():
        flash("Masukkan kode 6 angka dari aplikasi autentikator.", "error")
        return redirect(url_for(".setup"))
    try:
        codes = twofactor.confirm_enrolment(user, form.code.data)
    except twofactor.Throttled as e:
        flash(e.message, "error")
        return redirect(url_for(".setup"))
    except DomainError as e:
        db.session.rollback()
        flash(e.message, "error")
        return redirect(url_for(".setup"))
    if not codes:
        db.session.commit()  # count the failure
        flash("Kode tidak cocok. Periksa jam ponsel Anda lalu coba lagi.", "error")
        return redirect(url_for(".setup"))
    user.session_epoch = (user.session_epoch or 0) + 1
    websessions.end_for(user.id, keep=websessions.current_hash())
    db.session.commit()
    _relogin(user)
    return render_template("twofactor/codes.html", codes=codes, first=True)


@bp.post("/akun/dua-langkah/kode-pemulihan")
@roles_required()
def regenerate():
    user = current_user._get_current_object()
    try:
        codes = twofactor.regenerate_recovery_codes(user)
        db.session.commit()
    except DomainError as e:
        db.session.rollback()
        flash(e.message, "error")
        return redirect(url_for(".setup"))
    return render_template("twofactor/codes.html", codes=codes, first=False)


@bp.post("/akun/dua-langkah/matikan")
@roles_required()
def disable():
    user = current_user._get_current_object()
    form = SecondFactorForm()
    if not form.validate_on_submit():
        flash("Masukkan kode saat ini untuk mematikan verifikasi dua langkah.", "error")
        return redirect(url_for(".setup"))
    try:
        if twofactor.is_required(user):
            raise DomainError("Verifikasi dua langkah wajib untuk peran Anda dan tidak dapat dimatikan.")
        if not twofactor.verify(user, form.code.data):
            db.session.commit()
            flash("Kode salah atau sudah dipakai.", "error")
            return redirect(url_for(".setup"))
        twofactor.disable(user, user)
        db.session.commit()
    except DomainError as e:
        db.session.rollback()
        flash(e.message, "error")
        return redirect(url_for(".setup"))
    _relogin(user)
    flash("Verifikasi dua langkah dimatikan.", "success")
    return redirect(url_for(".setup"))


@bp.post("/admin/pengguna/<int:user_id>/reset-2fa")
@roles_required("admin")
def admin_reset(user_id):
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if approvals.needs_approval("reset_2fa", user):
        return ask_approval(user, "reset_2fa")
    try:
        twofactor.disable(user, current_user._get_current_object(), reset=True)
        db.session.commit()
    except DomainError as e:
        db.session.rollback()
        flash(e.message, "error")
        return redirect(url_for("admin.users"))
    if user.id == current_user.id:
        _relogin(user)
    flash(f"Verifikasi dua langkah {user.username} diatur ulang; ia mendaftar ulang saat masuk.", "success")
    return redirect(url_for("admin.users"))
