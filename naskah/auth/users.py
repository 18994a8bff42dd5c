"""User administration shared by the web pages and the CLI."""
import secrets
import string

from naskah.audit import chain as audit
from naskah.auth import websessions
from naskah.core.errors import DomainError
from naskah.extensions import db
from naskah.models import Role, User

ALPHABET = string.ascii_letters + string.digits


def one_time_password() -> str:
    """Random, with upper, lower and digit so it passes the password policy."""
    while True:
        pw = "".join(secrets.choice(ALPHABET) for _ in range(14))
        if any(c.islower() for c in pw) and any(c.isupper() for c in pw) and any(c.isdigit() for c in pw):
            return pw


def create_user(username: str, role: str, *, full_name: str | None = None, nip=None, title=None,
                password: str | None = None, actor=None, must_change=True) -> tuple[User, str]:
    username = username.strip().lower()
    if role not in {r.value for r in Role}:
        raise DomainError("Peran tidak dikenal.", field="role")
    if db.session.scalar(db.select(User.id).where(User.username == username)) is not None:
        raise DomainError("Nama pengguna sudah dipakai.", field="username")
    password = password or one_time_password()
    user = User(username=username, role=role, full_name=(full_name or username).strip(), nip=nip or None,
                title=title or None, must_change_password=must_change, active=True, session_epoch=0)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.append("user.create", actor=actor, actor_name=None if actor else "cli",
                 object_type="user", object_id=user.id, details={"username": username, "role": role})
    return user, password


def set_active(user: User, active: bool, actor) -> None:
    if actor is not None and user.id == actor.id and not active:
        raise DomainError("Anda tidak dapat menonaktifkan akun sendiri.")
    user.active = active
    user.session_epoch = (user.session_epoch or 0) + 1  # end their sessions
    websessions.end_for(user.id)
    audit.append("user.activate" if active else "user.deactivate", actor=actor,
                 object_type="user", object_id=user.id, details={"username": user.username})


def reset_password(user: User, actor) -> str:
    password = one_time_password()
    user.set_password(password)
    user.must_change_password = True
    user.failed_logins = 0
    user.locked_until = None
    websessions.end_for(user.id)
    audit.append("user.reset_password", actor=actor, object_type="user", object_id=user.id,
                 details={"username": user.username})
    return password
