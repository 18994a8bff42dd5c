"""The notification settings page's forms: every problem at once, next to its field."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, ValidationError
from wtforms.validators import Optional

from naskah.core.forms import maxlen
from naskah.notifications import waiting as notify


class MailSettingsForm(FlaskForm):
    """SMTP settings and one address per user who can be waited for (email_<user id>, added by
    for_users, since the list of users is the database's)."""
    smtp_enabled = BooleanField("Kirim notifikasi email")
    smtp_host = StringField("Server SMTP", validators=[maxlen(200)])
    smtp_port = StringField("Port")
    smtp_sender = StringField("Alamat pengirim", validators=[maxlen(200)])
    smtp_starttls = BooleanField("STARTTLS")
    public_base_url = StringField("Alamat aplikasi", validators=[maxlen(200)])
    users = ()

    @classmethod
    def for_users(cls, users, **kw):
        form_class = type("MailSettingsFormFor", (cls,), {"users": tuple(users)})
        for user in users:
            setattr(form_class, f"email_{user.id}", StringField(
                f"Email {user.full_name}", validators=[Optional(), maxlen(200), _address(f"Alamat email {user.full_name} tidak valid.")]))
        return form_class(**kw)

    def validate_smtp_port(self, field):
        port = (field.data or "").strip()
        if not (port.isdigit() and 1 <= int(port) <= 65535):
            raise ValidationError("Port harus angka 1 sampai 65535.")

    def validate_smtp_host(self, field):
        if self.smtp_enabled.data and not (field.data or "").strip():
            raise ValidationError("Isi alamat server SMTP kantor, atau matikan email.")

    def validate_smtp_sender(self, field):
        sender = (field.data or "").strip()
        if sender and not notify.EMAIL_RE.match(sender):
            raise ValidationError("Alamat pengirim tidak valid.")
        if self.smtp_enabled.data and not sender:
            raise ValidationError("Isi alamat pengirim, misalnya sandi@kominfo.go.id.")

    def validate_public_base_url(self, field):
        url = (field.data or "").strip()
        if url and not url.startswith(("https://", "http://")) or " " in url:
            raise ValidationError("Alamat aplikasi harus diawali http:// atau https://.")

    def values(self) -> dict:
        """The settings as naskah.notifications.mail_settings.save takes them."""
        emails = {str(u.id): address for u in self.users if (address := (self[f"email_{u.id}"].data or "").strip())}
        return {"smtp_enabled": bool(self.smtp_enabled.data), "smtp_host": (self.smtp_host.data or "").strip(),
                "smtp_port": int(self.smtp_port.data.strip()), "smtp_sender": (self.smtp_sender.data or "").strip(),
                "smtp_starttls": bool(self.smtp_starttls.data),
                "public_base_url": (self.public_base_url.data or "").strip(), "emails": emails}

    def typed(self) -> dict:
        """What was typed, to show the page again with its errors."""
        return {"smtp_enabled": bool(self.smtp_enabled.data), "smtp_host": self.smtp_host.data or "",
                "smtp_port": self.smtp_port.data or "", "smtp_sender": self.smtp_sender.data or "",
                "smtp_starttls": bool(self.smtp_starttls.data), "public_base_url": self.public_base_url.data or "",
                "emails": {str(u.id): self[f"email_{u.id}"].data or "" for u in self.users}}


def _address(message):
    def check(form, field):
        if (field.data or "").strip() and not notify.EMAIL_RE.match(field.data.strip()):
            raise ValidationError(message)
    return check


class TestMailForm(FlaskForm):
    test_to = StringField("Kirim email uji ke", validators=[maxlen(200)])
