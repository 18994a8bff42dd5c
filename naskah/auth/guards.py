"""Sign-in plumbing, role checks, session expiry and security headers."""
from functools import wraps

from flask import abort, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, logout_user

from naskah.auth import twofactor, websessions
from naskah.core import templating
from naskah.core.timeutil import utcnow
from naskah.extensions import db, login_manager
from naskah.models import User

# While the second factor is outstanding only these endpoints answer (plus sign-out).
VERIFY_ENDPOINTS = {"twofactor.verify"}
ENROL_ENDPOINTS = {"twofactor.setup", "twofactor.start", "twofactor.confirm"}
ALWAYS_OPEN = {None, "static", "healthz"}

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'none'")


def roles_required(*roles):
    """Allow a view only to signed-in users holding one of `roles` (403 otherwise)."""
    allowed = {getattr(r, "value", r) for r in roles}

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if allowed and current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)
        wrapped.roles = allowed
        return wrapped
    return decorator


def public(view):
    """Mark a view as reachable without signing in (checked by the authorization test)."""
    view.public = True
    return view


def load_user(user_id: str):
    try:
        uid, epoch = (int(x) for x in user_id.split(":"))
    except ValueError:
        return None
    user, enrolled = websessions.session_user(uid)
    if user is not None:
        user = db.session.merge(user, load=False)  # read with the session row a moment ago
        twofactor.remember_enrolment(user, enrolled)
    else:
        user = db.session.get(User, uid)
    if user is None or (user.session_epoch or 0) != epoch or not user.active:
        return None
    return user


def init_app(app):
    login_manager.user_loader(load_user)
    app.context_processor(_inject_nav)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Silakan masuk terlebih dahulu."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @app.before_request
    def expire_sessions():
        if request.endpoint in ALWAYS_OPEN:
            return None
        if not current_user.is_authenticated:
            return None
        now = utcnow().timestamp()
        idle = current_app.config["IDLE_TIMEOUT"].total_seconds()
        absolute = current_app.config["SESSION_ABSOLUTE_LIFETIME"].total_seconds()
        last_seen = session.get("last_seen", now)
        login_at = session.get("login_at", now)
        if now - last_seen > idle or now - login_at > absolute:
            logout_user()
            session.clear()
            flash("Sesi Anda berakhir karena tidak aktif. Silakan masuk kembali.", "info")
            return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
        # Do not extend an idle session by the board's own background polling.
        # Written at most every few seconds: each change is a database write of the session row.
        if (request.headers.get("HX-Trigger-Name") != "poll" and request.args.get("poll") != "1"
                and now - last_seen > 5):
            session["last_seen"] = now
        gate = second_factor_gate()
        if gate is not None:
            return gate
        if second_factor_pending():
            return None  # on a second-factor page: finish that before anything else
        if current_user.must_change_password and request.endpoint not in (
                "auth.change_password", "auth.logout"):
            return redirect(url_for("auth.change_password"))
        return None

    @app.context_processor
    def second_factor_state():
        pending = current_user.is_authenticated and second_factor_pending()
        return {"second_factor_pending": pending}

    @app.after_request
    def security_headers(response):
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h["X-Frame-Options"] = "DENY"
        h["X-Content-Type-Options"] = "nosniff"
        h["Referrer-Policy"] = "no-referrer"
        h["Cross-Origin-Opener-Policy"] = "same-origin"
        h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if current_app.config.get("HSTS"):
            h["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if request.endpoint != "static":
            # Pages may carry classified data: keep them out of every cache.
            h["Cache-Control"] = "no-store"
            h["Pragma"] = "no-cache"
            response.vary.add("HX-Request")
        return response


def mark_second_factor_done(user) -> None:
    """Bind the passed second factor to this user and session epoch."""
    session["mfa_ok"] = user.get_id()


def second_factor_pending() -> str | None:
    """"verify" or "enrol" while the signed-in user still owes the second factor, else None."""
    user = current_user._get_current_object()
    if twofactor.is_enrolled_memo(user):
        return None if session.get("mfa_ok") == user.get_id() else "verify"
    return "enrol" if twofactor.is_required(user) else None


def second_factor_gate():
    """Every request of a signed-in user passes here (before_request), so new routes are covered."""
    pending = second_factor_pending()
    if pending is None or request.endpoint == "auth.logout":
        return None
    if pending == "verify":
        if request.endpoint in VERIFY_ENDPOINTS:
            return None
        target = url_for("twofactor.verify", next=request.full_path if request.method == "GET" else None)
    else:
        if request.endpoint in ENROL_ENDPOINTS:
            return None
        if request.method == "GET" and not request.headers.get("HX-Request"):
            flash("Peran Anda wajib memakai verifikasi dua langkah. Daftarkan aplikasi autentikator dahulu.",
                  "info")
        target = url_for("twofactor.setup")
    response = redirect(target)
    if request.headers.get("HX-Request"):
        response.headers["HX-Redirect"] = target
    return response


def _inject_nav():
    """The menu shows only once the sign-in is complete (second factor included)."""
    signed_in = current_user.is_authenticated and not second_factor_pending()
    return {"nav": templating.nav_items() if signed_in else []}
