"""WTForms of the nine steps: intake and every transition, validated on the server."""
from datetime import timedelta

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, StopValidation, ValidationError

from naskah.auth.formchecks import nip_or_other_id
from naskah.core.forms import REQUIRED, VersionedForm, maxlen, req
from naskah.core.timeutil import utcnow, wib_to_utc
from naskah.decryption.identities import has_decryption_keys
from naskah.models import CHANNELS, CLASSIFICATIONS, URGENCIES


class ReceiveForm(FlaskForm):
    sender_agency = StringField("Instansi pengirim", validators=[req(), maxlen(200)],
                                render_kw={"list": "agency-list", "autocomplete": "off"})
    sender_ref_number = StringField("Nomor surat pengirim", validators=[req(), maxlen(100)])
    sender_ref_date = DateField("Tanggal surat pengirim", validators=[Optional()],
                                render_kw={"placeholder": "YYYY-MM-DD"})
    channel = SelectField("Saluran penerimaan", choices=list(CHANNELS.items()), validators=[req()])
    # Nothing preselected: a wrong default (Sangat Rahasia, Kilat) would be saved unnoticed.
    classification = SelectField("Klasifikasi (sifat naskah)", choices=[("", "— pilih —")] + list(CLASSIFICATIONS.items()),
                                 validators=[req()])
    urgency = SelectField("Tingkat urgensi", choices=[("", "— pilih —")] + list(URGENCIES.items()), validators=[req()])
    received_at = DateTimeLocalField("Waktu diterima (WIB)", format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
                                     validators=[InputRequired(message=REQUIRED)])
    cryptogram_file = FileField("Berkas kriptogram")
    cryptogram_text = TextAreaField("atau tempel teks kriptogram", validators=[Optional(), maxlen(200_000)])
    notes = TextAreaField("Catatan", validators=[Optional(), maxlen(2000)])

    def validate_received_at(self, field):
        if field.data and wib_to_utc(field.data) > utcnow() + timedelta(minutes=5):
            raise ValidationError("Waktu diterima tidak boleh di masa depan.")
        if field.data and field.data.year < 2000:
            raise ValidationError("Tahun tidak masuk akal.")

    def validate_sender_ref_date(self, field):
        if field.data and field.data > (utcnow() + timedelta(days=1)).date():
            raise ValidationError("Tanggal surat tidak boleh di masa depan.")
        received = self.received_at.data
        if field.data and received and field.data > received.date():  # both are WIB wall dates
            raise ValidationError("Tanggal surat tidak boleh sesudah tanggal kriptogram diterima.")


class RegisterForm(VersionedForm):
    attachments = StringField("Lampiran", validators=[Optional(), maxlen(200)])
    note = StringField("Keterangan", validators=[Optional(), maxlen(500)])


class ReportForm(VersionedForm):
    note = TextAreaField("Catatan untuk Kasi", validators=[Optional(), maxlen(1000)])


class AssignForm(VersionedForm):
    assignee_id = SelectField("Sandiman yang ditugaskan", coerce=str, validators=[req()])
    note = TextAreaField("Instruksi disposisi", validators=[Optional(), maxlen(1000)])


def required_unless_office(form, field):
    """The typed plaintext is optional when the server decrypts with the office keys."""
    method = getattr(form, "method", None)
    if method is not None and method.data == "office" and not (field.data or "").strip():
        raise StopValidation()
    if not (field.data or "").strip():
        raise StopValidation(REQUIRED)


class DecryptForm(VersionedForm):
    method = RadioField("Cara dekripsi", default="manual", choices=[
        ("office", "Dekripsi dengan kunci kantor (kriptogram yang tersimpan)"),
        ("manual", "Ketik manual hasil dekripsi")], validators=[req()])
    plaintext = TextAreaField("Hasil dekripsi (teks berita)", validators=[required_unless_office, maxlen(500_000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.method is not None and not self.is_submitted():
            if has_decryption_keys():  # offer in-app decryption first when the office holds keys
                self.method.data = "office"
    addressee = StringField("Kepada (alamat tujuan)", validators=[req(), maxlen(200)])
    addressee_address = TextAreaField("Alamat penerima (untuk amplop)", validators=[Optional(), maxlen(300)],
                                      render_kw={"rows": 2})
    subject = StringField("Perihal", validators=[req(), maxlen(300)])
    copy_index = IntegerField("Salinan ke-", default=1,
                              validators=[req(), NumberRange(1, 99, "Antara 1 dan 99.")])
    copy_total = IntegerField("dari", default=1, validators=[req(), NumberRange(1, 99, "Antara 1 dan 99.")])
    cover_item = StringField("Naskah yang dikirim (pengantar)", default="Salinan berita rahasia",
                             validators=[Optional(), maxlen(200)])
    cover_quantity = StringField("Banyaknya", default="1 (satu) berkas", validators=[Optional(), maxlen(60)])
    cover_notes = StringField("Keterangan pengantar", validators=[Optional(), maxlen(300)])

    def validate_copy_index(self, field):
        if field.data and self.copy_total.data and field.data > self.copy_total.data:
            raise ValidationError("Nomor salinan tidak boleh melebihi jumlah salinan.")


class ReviseForm(DecryptForm):
    method = None  # revising edits the copy letter; it does not decrypt again


class RequestResendForm(VersionedForm):
    reason = TextAreaField("Alasan meminta kirim ulang", validators=[req(), maxlen(1000)],
                           render_kw={"placeholder": "mis. kriptogram terpotong; tidak ada kunci yang cocok"})


class AttachResendForm(VersionedForm):
    cryptogram_file = FileField("Berkas kriptogram kiriman ulang")
    cryptogram_text = TextAreaField("atau tempel teks kriptogram", validators=[Optional(), maxlen(200_000)])


class InitialForm(VersionedForm):
    confirm = BooleanField("Saya telah memeriksa salinan dan pengantar", validators=[
        DataRequired(message="Centang konfirmasi sebelum memberi paraf.")])


class SignForm(VersionedForm):
    courier_id = SelectField("Sandiman yang menyampaikan", coerce=str, validators=[req()])
    note = TextAreaField("Catatan penyampaian", validators=[Optional(), maxlen(1000)])
    # Unlocks the kasi's signing certificate for this one signature; never stored or logged.
    passphrase = PasswordField("Frasa sandi sertifikat tanda tangan", validators=[Optional(), maxlen(200)],
                               render_kw={"autocomplete": "off"})


class ReturnForm(VersionedForm):
    reason = TextAreaField("Alasan pengembalian", validators=[req(), maxlen(1000)])


class NumberCopyForm(VersionedForm):
    """Numbering and stamping the copy (naskah.delivery): nothing to type, the book gives the number."""


class DeliverForm(VersionedForm):
    recipient_name = StringField("Nama penerima", validators=[req(), maxlen(120)])
    recipient_nip = StringField("NIP / nomor identitas penerima", validators=[Optional(), maxlen(40), nip_or_other_id])
    delivered_at = DateTimeLocalField("Waktu diterima penerima (WIB)", format=["%Y-%m-%dT%H:%M"],
                                      validators=[InputRequired(message=REQUIRED)])
    receipt_scan = FileField("Pindaian tanda terima yang sudah ditandatangani (PDF/JPEG/PNG, tidak wajib)")

    def validate_delivered_at(self, field):
        if field.data and wib_to_utc(field.data) > utcnow() + timedelta(minutes=5):
            raise ValidationError("Waktu tidak boleh di masa depan.")


class ArchiveForm(VersionedForm):
    # Where the paper is kept (naskah.archiveloans); the document page shows it.
    archive_cabinet = StringField("Lemari", validators=[req(), maxlen(40)])
    archive_shelf = StringField("Rak", validators=[req(), maxlen(40)])
    archive_box = StringField("Boks", validators=[req(), maxlen(40)])
    archive_folder = StringField("Map", validators=[req(), maxlen(40)])
    note = StringField("Catatan arsip", validators=[Optional(), maxlen(500)])


ACTION_FORMS = {
    "register": RegisterForm, "report": ReportForm, "assign": AssignForm, "decrypt": DecryptForm,
    "revise": ReviseForm, "initial": InitialForm, "sign": SignForm, "return": ReturnForm,
    "number_copy": NumberCopyForm, "deliver": DeliverForm, "archive": ArchiveForm,
    "request_resend": RequestResendForm, "attach_resend": AttachResendForm,
}
