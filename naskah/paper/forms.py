"""The paper area's forms: archive disposal and lending, office settings, PDF verification."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from naskah.auth.formchecks import NIP_HINT, valid_nip
from naskah.paper import archive as archive_q


class DisposeForm(FlaskForm):
    """The berita acara pemusnahan: the documents ticked on the archive page, the witness, the
    kasi's confirmation (and certificate passphrase when the berita acara is signed)."""
    doc_ids = SelectMultipleField("Arsip yang dimusnahkan", coerce=int, validate_choice=False)
    witness_name = StringField("Nama saksi", validators=[DataRequired("Wajib diisi."), Length(max=120)])
    witness_nip = StringField("NIP saksi", validators=[DataRequired("Wajib diisi."), Length(max=40), valid_nip])
    witness_title = StringField("Jabatan saksi", validators=[Optional(), Length(max=120)])
    method = StringField("Cara pemusnahan", default=archive_q.DEFAULT_METHOD, validators=[Optional(), Length(max=300)])
    passphrase = PasswordField("Frasa sandi sertifikat Kasi", validators=[Optional(), Length(max=200)])
    confirm = BooleanField("Saya memahami bahwa isi rahasia arsip terpilih dihapus permanen dan tidak dapat "
                           "dipulihkan", validators=[DataRequired("Centang konfirmasi sebelum memusnahkan.")])


WIB_FORMATS = ["%Y-%m-%dT%H:%M"]


class LendForm(FlaskForm):
    borrower_name = StringField("Nama peminjam", validators=[DataRequired("Wajib diisi."), Length(max=120)])
    borrower_unit = StringField("Unit kerja peminjam", validators=[Optional(), Length(max=120)])
    purpose = StringField("Keperluan", validators=[DataRequired("Wajib diisi."), Length(max=500)])
    borrowed_at = DateTimeLocalField("Waktu dipinjam (WIB)", format=WIB_FORMATS,
                                     validators=[InputRequired("Wajib diisi.")])
    due_on = DateField("Batas kembali", validators=[Optional()])


class ReturnForm(FlaskForm):
    returned_at = DateTimeLocalField("Waktu dikembalikan (WIB)", format=WIB_FORMATS,
                                     validators=[InputRequired("Wajib diisi.")])


REQ = "Wajib diisi."


def _text(label, n, required=False, **kw):
    return StringField(label, validators=[DataRequired(REQ) if required else Optional(),
                                          Length(max=n, message=f"Paling banyak {n} karakter.")], **kw)


class OfficeSettingsForm(FlaskForm):
    office_government = _text("Pemerintah daerah", 120, True)
    office_name = _text("Nama dinas", 120, True)
    office_unit = _text("Unit (seksi)", 120)
    office_address = TextAreaField("Alamat", validators=[Optional(), Length(max=300)])
    office_phone = _text("Telepon", 60)
    office_email = _text("Pos-el", 120)
    office_website = _text("Laman", 120)
    office_city = _text("Kota (tempat surat)", 60, True)
    office_logo = FileField("Logo (PNG/JPEG/SVG, maks. 512 KB)")
    remove_logo = BooleanField("Hapus logo")
    office_stamp = FileField("Cap stempel (PNG/JPEG, latar transparan dianjurkan)")
    remove_stamp = BooleanField("Hapus cap stempel")
    kasi_user_id = SelectField("Kasi penanda tangan (dari pengguna)", coerce=str)
    kasi_title = _text("Jabatan Kasi", 120, True)
    kasi_name = _text("Nama Kasi (jika tidak memilih pengguna)", 120)
    kasi_nip = StringField("NIP Kasi (jika tidak memilih pengguna)", description=NIP_HINT,
                           validators=[Optional(), Length(max=30, message="Paling banyak 30 karakter."), valid_nip])
    letter_number_format = _text("Format nomor surat", 80, True,
                                 description="Memakai {nomor} dan {tahun}, mis. 000.5.1/{nomor:04d}/Sandi/{tahun}")
    paper = SelectField("Ukuran kertas")
    verification_base_url = _text("Alamat dasar verifikasi (LAN)", 200,
                                  description="Mis. http://192.168.1.10:5000; kosong = alamat yang sedang dipakai")
    signature_required = BooleanField("Wajibkan tanda tangan elektronik (tolak tanda tangan basah)")
    retention_SR = _text("Retensi Sangat Rahasia (tahun)", 3, True, render_kw={"inputmode": "numeric", "size": 4})
    retention_R = _text("Retensi Rahasia (tahun)", 3, True, render_kw={"inputmode": "numeric", "size": 4})
    retention_T = _text("Retensi Terbatas (tahun)", 3, True, render_kw={"inputmode": "numeric", "size": 4})
    retention_B = _text("Retensi Biasa (tahun)", 3, True, render_kw={"inputmode": "numeric", "size": 4})


class UploadForm(FlaskForm):
    pdf = FileField("Berkas PDF yang akan diperiksa")
