"""The mailbox settings form (Indonesian labels; the password is never echoed back)."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import Length, Optional

from naskah.models import CLASSIFICATIONS, URGENCIES
from naskah.models.intake import SECURITY


class MailboxForm(FlaskForm):
    name = StringField("Nama kotak surat", validators=[Length(max=60)], render_kw={"placeholder": "persandian"})
    host = StringField("Server IMAP", validators=[Length(max=200)], render_kw={"placeholder": "mail.kota.go.id"})
    port = IntegerField("Port", default=993, validators=[Optional()])
    security = RadioField("Keamanan sambungan", default="tls", choices=list(SECURITY.items()))
    username = StringField("Nama pengguna", validators=[Length(max=200)], render_kw={"autocomplete": "off"})
    password = PasswordField("Kata sandi", validators=[Length(max=500)],
                             render_kw={"autocomplete": "new-password"})
    folder = StringField("Folder yang diawasi", default="INBOX", validators=[Length(max=200)])
    processed_folder = StringField("Folder surel yang diproses", default="Naskah/Diproses", validators=[Length(max=200)])
    refused_folder = StringField("Folder surel yang ditolak", default="Naskah/Ditolak", validators=[Length(max=200)])
    default_classification = SelectField("Klasifikasi bawaan kartu", default="R", choices=list(CLASSIFICATIONS.items()))
    default_urgency = SelectField("Urgensi bawaan kartu", default="segera", choices=list(URGENCIES.items()))
    known_senders_only = BooleanField("Hanya terima pengirim yang terdaftar di direktori koresponden")
    active = BooleanField("Aktif (diperiksa terjadwal)", default=True)

    FIELDS = ("name", "host", "port", "security", "username", "folder", "processed_folder", "refused_folder",
              "default_classification", "default_urgency", "known_senders_only", "active")

    def data_dict(self) -> dict:
        return {k: self[k].data for k in self.FIELDS}
