"""Users and their roles. Users are deactivated, never deleted, so records keep their actors."""
import enum

from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from naskah.core.timeutil import utcnow

from ..extensions import db
from .types import UTCDateTime


class Role(str, enum.Enum):
    SANDIMAN = "sandiman"
    KASI = "kasi"
    PETUGAS = "petugas"
    PEJABAT = "pejabat"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.SANDIMAN: "Sandiman",
    Role.KASI: "Kepala Seksi (Kasi)",
    Role.PETUGAS: "Petugas Layanan",
    Role.PEJABAT: "Pejabat Dinas",
    Role.ADMIN: "Administrator",
}


class User(UserMixin, db.Model):
    __tablename__ = "users"
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(40), unique=True, nullable=False)
    full_name = db.Column(db.String(120), nullable=False)
    nip = db.Column(db.String(30), nullable=True)
    title = db.Column(db.String(120), nullable=True)
    role = db.Column(db.String(20), nullable=False, index=True)
    password_hash = db.Column(db.String(255), nullable=False)
    active = db.Column(db.Boolean, nullable=False, default=True)
    must_change_password = db.Column(db.Boolean, nullable=False, default=True)
    failed_logins = db.Column(db.Integer, nullable=False, default=0)
    locked_until = db.Column(UTCDateTime, nullable=True)
    session_epoch = db.Column(db.Integer, nullable=False, default=0)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)


    @classmethod
    def active_in(cls, *roles):
        """Where-clause for the active accounts of these roles (the one way to ask for them)."""
        values = [getattr(r, "value", r) for r in roles]
        return db.and_(cls.role.in_(values), cls.active.is_(True))
    def set_password(self, password: str) -> None:
        from flask import current_app
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)
        self.session_epoch = (self.session_epoch or 0) + 1

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return bool(self.active)

    def get_id(self) -> str:
        # The epoch invalidates every session when the password changes.
        return f"{self.id}:{self.session_epoch or 0}"

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[Role(self.role)]

    def has_role(self, *roles) -> bool:
        return self.role in {r.value if isinstance(r, Role) else r for r in roles}

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"
