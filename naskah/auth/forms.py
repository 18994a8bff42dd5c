"""Forms of sign-in, password change, user administration and the second factor."""
import re

from flask import has_request_context
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from naskah.auth.formchecks import NIP_HINT, PASSWORD_HINT, valid_nip
from naskah.auth.passwords import problems
from naskah.core.forms import maxlen, req


class LoginForm(FlaskForm):
    username = StringField("Nama pengguna", validators=[req(), maxlen(40)])
    password = PasswordField("Kata sandi", validators=[req(), maxlen(200)])


def strong_password(form, field):
    """naskah.passwords policy; the username comes from the form, else the signed-in user."""
    username = getattr(getattr(form, "username", None), "data", None)
    if username is None and has_request_context() and current_user.is_authenticated:
        username = current_user.username
    found = problems(field.data or "", username)
    if found:
        raise ValidationError(" ".join(found))  # every broken rule at once


class ChangePasswordForm(FlaskForm):
    current = PasswordField("Kata sandi saat ini", validators=[req()])
    new = PasswordField("Kata sandi baru", validators=[req(), maxlen(200), strong_password], description=PASSWORD_HINT)
    confirm = PasswordField("Ulangi kata sandi baru", validators=[req()])

    def validate_confirm(self, field):
        if field.data != self.new.data:
            raise ValidationError("Kedua kata sandi baru tidak sama.")


class UserForm(FlaskForm):
    username = StringField("Nama pengguna", validators=[req(), Length(3, 40, "3 sampai 40 karakter.")])
    full_name = StringField("Nama lengkap", validators=[req(), maxlen(120)])
    nip = StringField("NIP", validators=[Optional(), maxlen(30), valid_nip], description=NIP_HINT)
    title = StringField("Jabatan", validators=[Optional(), maxlen(120)])
    role = SelectField("Peran", choices=[], validators=[req()])
    reason = StringField("Alasan (wajib untuk akun Kasi: disetujui Kasi atau Pejabat)",
                         validators=[Optional(), maxlen(500)])

    def validate_username(self, field):
        if not re.fullmatch(r"[a-z0-9._-]+", field.data or ""):
            raise ValidationError("Gunakan huruf kecil, angka, titik, garis bawah atau tanda hubung.")


class RoleChangeForm(FlaskForm):
    """A user's new role from the users table (the reason counts when it makes a Kasi)."""
    role = StringField("Peran", validators=[req(), maxlen(20)])
    reason = StringField("Alasan", validators=[Optional(), maxlen(500)])


class ReasonForm(FlaskForm):
    """The reason of a two-person request (reset of a Kasi's password or second factor)."""
    reason = StringField("Alasan", validators=[Optional(), maxlen(500)])


class DecisionForm(FlaskForm):
    """The approver's answer to a two-person request: one of the two buttons."""
    keputusan = SelectField("Keputusan", choices=[("setujui", "Setujui"), ("tolak", "Tolak")],
                            validators=[req()])

    @property
    def approve(self) -> bool:
        return self.keputusan.data == "setujui"


class SecondFactorForm(FlaskForm):
    """A 6-digit authenticator code or a recovery code (xxxxx-xxxxx)."""
    code = StringField("Kode verifikasi", validators=[req(), maxlen(20)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True})
