"""Admin side of notifications: the SMTP settings and each user's e-mail address."""
from __future__ import annotations

from naskah.audit import chain as audit
from naskah.core import settings, siteurl
from naskah.core.errors import DomainError
from naskah.extensions import db
from naskah.models import Role, User
from naskah.notifications import waiting as notify

KEYS = ("smtp_enabled", "smtp_host", "smtp_port", "smtp_sender", "smtp_starttls", "public_base_url")


def recipients() -> list[User]:
    """Users who can be waited for: active kasi and sandiman."""
    return db.session.scalars(db.select(User).where(User.active_in(Role.KASI, Role.SANDIMAN)).order_by(User.role, User.full_name)).all()


def current() -> dict:
    values = {key: settings.get(key) for key in KEYS}
    values["emails"] = dict(settings.get("notification_emails") or {})
    return values


def save(values: dict, actor) -> None:
    old = current()
    for key in KEYS:
        settings.set_value(key, values[key])
    settings.set_value("notification_emails", values["emails"])
    changed = sorted(k for k in (*KEYS, "emails") if old.get(k) != values.get(k))
    audit.append("settings.notifications", actor=actor, object_type="settings", object_id="notifications",
                 details={"changed": changed, "enabled": values["smtp_enabled"], "host": values["smtp_host"],
                          "recipients": len(values["emails"])})


def send_test(address: str) -> int:
    """Send the standard notice to one address, synchronously; returns 1 when it went out."""
    if not notify.EMAIL_RE.match(address or ""):
        raise DomainError("Alamat email uji tidak valid.", field="test_to")
    config = notify.smtp_config()
    if not config["host"] or not config["sender"]:
        raise DomainError("Simpan dulu server SMTP dan alamat pengirim.", field="test_to")
    base = siteurl.office_base_url("public_base_url")
    return notify.send(config, [notify.build_message(config["sender"], address, f"{base}/papan")])
