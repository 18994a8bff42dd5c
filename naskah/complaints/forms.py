"""WTForms for the complaint desk, the public complaint and status pages, and the survey."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, NumberRange, Optional

from naskah.complaints.flow import CONTACT_MAX, NAME_MAX, TEXT_MAX
from naskah.complaints.survey import ELEMENTS, SUGGESTION_MAX
from naskah.core.forms import VersionedForm, maxlen, req
from naskah.models.complaint import COMPLAINT_CHANNELS
from naskah.models.survey import AGE_MAX, AGE_MIN, EDUCATIONS, OCCUPATIONS, SEXES


class QuickComplaintForm(FlaskForm):
    """The front desk's form: three required fields (channel, name or "anonim", text)."""
    channel = SelectField("Saluran", choices=list(COMPLAINT_CHANNELS.items()), default="langsung",
                          validators=[req()], invalid_choice_message="Pilih saluran pengaduan.",
                          render_kw={"autofocus": True})
    name = StringField("Nama pelapor", validators=[req(), maxlen(NAME_MAX)],
                       render_kw={"autocomplete": "off", "placeholder": "nama, atau anonim"})
    contact = StringField("Kontak (telepon/email)", validators=[Optional(), maxlen(CONTACT_MAX)],
                          render_kw={"autocomplete": "off"})
    text = TextAreaField("Isi pengaduan", validators=[req(), maxlen(TEXT_MAX)])
    related_agenda = StringField("No. agenda terkait", validators=[Optional(), maxlen(40)],
                                 render_kw={"placeholder": "mis. 0012/2026"})
    lapor_id = StringField("No. pelacakan SP4N-LAPOR!", validators=[Optional(), maxlen(40)])


class PublicComplaintForm(FlaskForm):
    name = StringField("Nama (boleh dikosongkan bila ingin anonim)", validators=[Optional(), maxlen(NAME_MAX)],
                       render_kw={"autocomplete": "name"})
    contact = StringField("Telepon atau email (wajib bila nama diisi)", validators=[Optional(), maxlen(CONTACT_MAX)],
                          render_kw={"autocomplete": "email"})
    text = TextAreaField("Isi pengaduan", validators=[req(), maxlen(TEXT_MAX)])
    # Honeypot: hidden from people by CSS, left empty by them; bots fill every field.
    website = StringField("Situs web Anda (jangan diisi)",
                          render_kw={"autocomplete": "off", "tabindex": "-1"})


class RespondForm(VersionedForm):
    text = TextAreaField("Tanggapan", validators=[req(), maxlen(TEXT_MAX)])
    public = BooleanField("Tampilkan kepada pelapor (halaman status)", default=True)


class EscalateForm(VersionedForm):
    pejabat_id = SelectField("Pejabat tujuan", coerce=str, validators=[req()],
                             invalid_choice_message="Pilih pejabat yang aktif.")
    reason = TextAreaField("Alasan eskalasi", validators=[req(), maxlen(TEXT_MAX)])


class CloseForm(VersionedForm):
    solution = TextAreaField("Penyelesaian", validators=[req(), maxlen(TEXT_MAX)])
    public = BooleanField("Tampilkan kepada pelapor (halaman status)", default=True)


class ReopenForm(VersionedForm):
    reason = TextAreaField("Alasan dibuka kembali", validators=[req(), maxlen(TEXT_MAX)])


ACTION_FORMS = {"respond": RespondForm, "escalate": EscalateForm, "close": CloseForm, "reopen": ReopenForm}


class StatusForm(FlaskForm):
    ticket = StringField("Nomor tiket", validators=[req(), maxlen(30)],
                         render_kw={"placeholder": "ADU-2026-0001", "autocomplete": "off"})
    code = StringField("Kode akses", validators=[req(), maxlen(30)],
                       render_kw={"placeholder": "mis. K7P2M-Q9RXT", "autocomplete": "off"})


class SurveyCodeForm(FlaskForm):
    """The survey's access code, typed on /survei and carried hidden through /survei/isi (in the
    body of a POST only: a code never goes into a URL or the request log)."""
    kode = StringField("Kode survei", validators=[maxlen(40)])


CHOOSE = "Pilih salah satu jawaban."


def survey_form_class():
    """One radio group per SKM element, answers 1-4 labelled as in the questionnaire."""
    fields = {}
    for key, label, question, answers in ELEMENTS:
        fields[key] = RadioField(
            f"{label}: {question}", choices=[(i + 1, a) for i, a in enumerate(answers)], coerce=int,
            invalid_value_message=CHOOSE, invalid_choice_message=CHOOSE,
            validators=[InputRequired(message=CHOOSE)])
    fields["age"] = IntegerField("Umur (tahun)", validators=[
        InputRequired(message="Isi umur Anda dalam tahun."),
        NumberRange(AGE_MIN, AGE_MAX, f"Umur antara {AGE_MIN} dan {AGE_MAX} tahun.")],
        render_kw={"inputmode": "numeric", "min": AGE_MIN, "max": AGE_MAX})
    fields["sex"] = RadioField("Jenis kelamin", choices=list(SEXES.items()),
                               invalid_choice_message=CHOOSE, validators=[InputRequired(message=CHOOSE)])
    fields["education"] = SelectField("Pendidikan terakhir", choices=[("", "— pilih —")] + list(EDUCATIONS.items()),
                                      validators=[InputRequired(message=CHOOSE), AnyOf(list(EDUCATIONS), CHOOSE)])
    fields["occupation"] = SelectField("Pekerjaan utama", choices=[("", "— pilih —")] + list(OCCUPATIONS.items()),
                                       validators=[InputRequired(message=CHOOSE), AnyOf(list(OCCUPATIONS), CHOOSE)])
    fields["suggestion"] = TextAreaField("Saran (tidak wajib; jangan tulis data pribadi)",
                                         validators=[Optional(), maxlen(SUGGESTION_MAX)])
    return type("SurveyForm", (FlaskForm,), fields)


SurveyForm = survey_form_class()
