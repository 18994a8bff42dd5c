"""Two-factor sign-in: TOTP (RFC 6238) with single-use recovery codes.

The TOTP secret is sealed in the vault; recovery codes are stored only as password hashes. A code
is accepted once (the last accepted time step is kept), and wrong codes count towards a temporary
lock kept in the database, so several server processes share it.
"""
import base64
import hmac
import io
import secrets
from datetime import timedelta

import pyotp
import qrcode
from flask import current_app, g
from werkzeug.security import check_password_hash, generate_password_hash

from naskah.audit import chain as audit
from naskah.auth import websessions
from naskah.core import vault
from naskah.core.errors import DomainError
from naskah.core.timeutil import utcnow
from naskah.extensions import db
from naskah.models.twofactor import RecoveryCode, TotpCredential

ISSUER = "Naskah Sandi"
RECOVERY_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"   # no 0/o, 1/l/i look-alikes
DEFAULT_REQUIRED_ROLES = ("kasi", "admin")


class Throttled(DomainError):
    status = 429


def required_roles() -> set[str]:
    return set(current_app.config.get("TWOFACTOR_REQUIRED_ROLES", DEFAULT_REQUIRED_ROLES))


def is_required(user) -> bool:
    return user.role in required_roles()


def credential(user) -> TotpCredential | None:
    return db.session.get(TotpCredential, user.id)


def is_enrolled(user) -> bool:
    cred = credential(user)
    return cred is not None and cred.confirmed_at is not None


def is_enrolled_memo(user) -> bool:
    """is_enrolled(), asked once per request: the gate, the menu and each render ask it, and a
    user without a credential costs a query each time (a missing row is not in the identity
    map). Enrolling or disabling forgets the answer."""
    memo = g.get("naskah_enrolled")
    if memo is None or memo[0] != user.get_id():
        memo = g.naskah_enrolled = (user.get_id(), is_enrolled(user))
    return memo[1]


def remember_enrolment(user, enrolled: bool) -> None:
    """is_enrolled_memo()'s answer when it was read already (with the session row)."""
    g.naskah_enrolled = (user.get_id(), enrolled)


def _forget_enrolment() -> None:
    g.pop("naskah_enrolled", None)


def start_enrolment(user) -> TotpCredential:
    """A fresh pending secret (replacing an unfinished one); refused when already enrolled."""
    cred = credential(user)
    if cred is not None and cred.confirmed_at is not None:
        raise DomainError("Verifikasi dua langkah sudah aktif.")
    blob = vault.store(pyotp.random_base32().encode(), "totp")
    if cred is None:
        cred = TotpCredential(user_id=user.id, secret_blob_id=blob.id, failed_attempts=0)
        db.session.add(cred)
    else:
        old = cred.secret_blob_id
        cred.secret_blob_id = blob.id
        db.session.flush()
        vault.destroy(old)
    db.session.flush()
    audit.append("auth.2fa_enrol_start", actor=user, object_type="user", object_id=user.id)
    return cred


def secret_of(cred: TotpCredential) -> str:
    return vault.load_id(cred.secret_blob_id).decode()


def provisioning_uri(user, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def qr_data_uri(text: str) -> str:
    """The enrolment QR as a PNG data: URI (CSP allows data: images; nothing leaves the server)."""
    image = qrcode.make(text, box_size=6, border=2)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def _normalise(code: str) -> str:
    return "".join(c for c in (code or "").lower() if c.isalnum())[:40]


def _totp_step(secret: str, code: str, now) -> int | None:
    """The time step (now, one before or one after) whose code equals `code`, else None."""
    totp = pyotp.TOTP(secret)
    step = totp.timecode(now)
    for candidate in (step - 1, step, step + 1):
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def _check_lock(cred: TotpCredential, now) -> None:
    if cred.locked_until and cred.locked_until > now:
        raise Throttled("Terlalu banyak kode yang salah. Verifikasi dua langkah dikunci sementara; "
                        "coba lagi nanti.", field="code")


def _record_failure(user, cred: TotpCredential, now) -> None:
    cred.failed_attempts = (cred.failed_attempts or 0) + 1
    if cred.failed_attempts >= current_app.config["LOGIN_MAX_FAILURES"]:
        cred.locked_until = now + timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
        cred.failed_attempts = 0
    audit.append("auth.2fa_failed", actor=user)


def _accept_totp(cred: TotpCredential, code: str, now) -> bool:
    if not (len(code) == 6 and code.isdigit()):
        return False
    step = _totp_step(secret_of(cred), code, now)
    if step is None or (cred.last_step is not None and step <= cred.last_step):
        return False  # wrong, or already used (replay)
    cred.last_step = step
    return True


def confirm_enrolment(user, code: str) -> list[str]:
    """Finish enrolment with a first valid code; returns the recovery codes (shown once)."""
    cred = credential(user)
    if cred is None or cred.confirmed_at is not None:
        raise DomainError("Mulai pendaftaran aplikasi autentikator terlebih dahulu.")
    now = utcnow()
    _check_lock(cred, now)
    if not _accept_totp(cred, _normalise(code), now):
        _record_failure(user, cred, now)
        return []
    cred.confirmed_at = now
    cred.failed_attempts = 0
    _forget_enrolment()
    codes = _new_recovery_codes(user)
    audit.append("auth.2fa_enabled", actor=user, object_type="user", object_id=user.id)
    return codes


def verify(user, code: str) -> str | None:
    """Check a sign-in code: "totp" or "recovery" when accepted, None when wrong.

    The caller commits either way: a failure is counted, a success resets the count.
    """
    cred = credential(user)
    if cred is None or cred.confirmed_at is None:
        raise DomainError("Verifikasi dua langkah belum aktif untuk akun ini.")
    now = utcnow()
    _check_lock(cred, now)
    code = _normalise(code)
    method = None
    if _accept_totp(cred, code, now):
        method = "totp"
    elif len(code) == 10 and _use_recovery_code(user, code, now):
        method = "recovery"
    if method is None:
        _record_failure(user, cred, now)
        return None
    cred.failed_attempts = 0
    cred.locked_until = None
    audit.append("auth.2fa_ok", actor=user, details={"method": method})
    return method


def _use_recovery_code(user, code: str, now) -> bool:
    for row in db.session.scalars(db.select(RecoveryCode).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))):
        if check_password_hash(row.code_hash, code):
            row.used_at = now
            return True
    return False


def _new_recovery_codes(user) -> list[str]:
    db.session.execute(db.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    codes = []
    for _ in range(RECOVERY_COUNT):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
        db.session.add(RecoveryCode(user_id=user.id, code_hash=generate_password_hash(raw, method=method)))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    db.session.flush()
    return codes


def regenerate_recovery_codes(user) -> list[str]:
    if not is_enrolled(user):
        raise DomainError("Verifikasi dua langkah belum aktif.")
    codes = _new_recovery_codes(user)
    audit.append("auth.2fa_recovery_regenerated", actor=user, object_type="user", object_id=user.id)
    return codes


def remaining_recovery_codes(user) -> int:
    return db.session.scalar(db.select(db.func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


def disable(user, actor, *, reset: bool = False) -> None:
    """Remove the authenticator and codes. Users of a required role may not turn it off
    themselves; an admin's reset makes them enrol again at their next sign-in."""
    if not reset and is_required(user):
        raise DomainError("Verifikasi dua langkah wajib untuk peran Anda dan tidak dapat dimatikan.")
    cred = credential(user)
    if cred is None:
        raise DomainError("Verifikasi dua langkah tidak aktif.")
    blob_id = cred.secret_blob_id
    db.session.delete(cred)
    _forget_enrolment()
    db.session.execute(db.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.flush()
    vault.destroy(blob_id)
    user.session_epoch = (user.session_epoch or 0) + 1  # existing sessions sign in again
    websessions.end_for(user.id, keep=websessions.current_hash() if actor is user else None)
    audit.append("auth.2fa_reset" if reset else "auth.2fa_disabled", actor=actor,
                 object_type="user", object_id=user.id, details={"username": user.username})
