"""Forms of the key pages. Secret inputs are PasswordFields so a page never echoes them back."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, PasswordField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from naskah.crypto import keys as ck

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
    curve = SelectField("Jenis kunci", default="",
                        choices=[("", "RSA (panjang kunci di atas)"), ("P-256", "EC P-256"),
                                 ("P-384", "EC P-384"), ("P-521", "EC P-521")])
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
    agency = StringField("Instansi koresponden", validators=[req(), maxlen(200)],
                         render_kw={"list": "agency-list", "autocomplete": "off"})
    key = PasswordField("Kunci Fernet (tempel)", validators=[req(), maxlen(200)],
                        render_kw={"autocomplete": "off", "spellcheck": "false"})
    valid_from = DateField("Berlaku mulai", validators=[Optional()])
    valid_until = DateField("Berlaku sampai", validators=[Optional()])


def hex_check(checker):
    """A field validator from a crypto.keys parser, so every field's problem shows at once."""
    def validate(form, field):
        try:
            checker(field.data or "")
        except ck.KeyImportError as e:
            raise ValidationError(e.message) from None
    return validate


class ImportKekForm(FlaskForm):
    label = StringField("Label kunci", validators=[req(), maxlen(60)])
    agency = StringField("Instansi koresponden", validators=[req(), maxlen(200)])
    key_id = StringField("ID kunci (heksadesimal)", validators=[req(), maxlen(200),
                                                                 hex_check(lambda t: ck.parse_hex(t, "ID kunci"))],
                         render_kw={"autocomplete": "off", "spellcheck": "false", "placeholder": "0a1b2c3d"})
    key = PasswordField("Kunci KEK (heksadesimal, tempel)", validators=[req(), maxlen(200), hex_check(ck.validate_kek)],
                        render_kw={"autocomplete": "off", "spellcheck": "false"})
    valid_from = DateField("Berlaku mulai", validators=[Optional()])
    valid_until = DateField("Berlaku sampai", validators=[Optional()])


class ImportPasswordForm(FlaskForm):
    label = StringField("Label kata sandi", validators=[req(), maxlen(60)])
    agency = StringField("Instansi koresponden", validators=[req(), maxlen(200)])
    password = PasswordField("Kata sandi", validators=[
        req(), Length(min=8, max=200, message="Kata sandi 8 sampai 200 karakter.")],
        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("Ulangi kata sandi", validators=[
        req(), EqualTo("password", message="Kedua kata sandi tidak sama.")],
        render_kw={"autocomplete": "new-password"})
    valid_from = DateField("Berlaku mulai", validators=[Optional()])
    valid_until = DateField("Berlaku sampai", validators=[Optional()])


class CorrespondentForm(FlaskForm):
    agency = StringField("Instansi koresponden", validators=[req(), maxlen(200)],
                         render_kw={"list": "agency-list", "autocomplete": "off"})
    cert_file = FileField("Berkas sertifikat (.pem/.crt/.cer)")
    cert_text = TextAreaField("atau tempel sertifikat PEM", validators=[Optional(), maxlen(20_000)])


class ImportCertForm(FlaskForm):
    cert_file = FileField("Sertifikat dari CA")
    cert_text = TextAreaField("atau tempel sertifikat PEM", validators=[Optional(), maxlen(20_000)])
