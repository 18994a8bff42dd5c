"""Forms of the key pages. Secret inputs are PasswordFields so a page never echoes them back."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, PasswordField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

REQUIRED = "Wajib diisi."


def req():
    return DataRequired(message=REQUIRED)


def maxlen(n):
    return Length(max=n, message=f"Paling banyak {n} karakter.")


class GenerateKeyForm(FlaskForm):
    name = StringField("Nama identitas", validators=[req(), maxlen(60)], render_kw={"placeholder": "kantor-2026"})
    common_name = StringField("Nama umum (CN) sertifikat", validators=[Optional(), maxlen(64)])
    bits = SelectField("Panjang kunci RSA", default="3072",
                       choices=[("3072", "3072 bit (bawaan)"), ("4096", "4096 bit"), ("2048", "2048 bit")])
    mode = RadioField("Sertifikat", default="self", validators=[req()], choices=[
        ("self", "Sertifikat swa-tanda (langsung aktif)"),
        ("csr", "Permintaan sertifikat (CSR) untuk CA eksternal")])
    org = StringField("Organisasi (untuk CSR)", validators=[Optional(), maxlen(64)])


class ImportP12Form(FlaskForm):
    name = StringField("Nama identitas", validators=[req(), maxlen(60)])
    p12_file = FileField("Berkas PKCS#12 (.p12/.pfx)")
    passphrase = PasswordField("Kata sandi berkas", validators=[Optional(), maxlen(200)],
                               render_kw={"autocomplete": "off"})


class ImportFernetForm(FlaskForm):
    label = StringField("Label kunci", validators=[req(), maxlen(60)])
    agency = StringField("Instansi koresponden", validators=[req(), maxlen(200)])
    key = PasswordField("Kunci Fernet (tempel)", validators=[req(), maxlen(200)],
                        render_kw={"autocomplete": "off", "spellcheck": "false"})
    valid_from = DateField("Berlaku mulai", validators=[Optional()])
    valid_until = DateField("Berlaku sampai", validators=[Optional()])


class CorrespondentForm(FlaskForm):
    agency = StringField("Instansi koresponden", validators=[req(), maxlen(200)])
    cert_file = FileField("Berkas sertifikat (.pem/.crt/.cer)")
    cert_text = TextAreaField("atau tempel sertifikat PEM", validators=[Optional(), maxlen(20_000)])


class ImportCertForm(FlaskForm):
    cert_file = FileField("Sertifikat dari CA")
    cert_text = TextAreaField("atau tempel sertifikat PEM", validators=[Optional(), maxlen(20_000)])
