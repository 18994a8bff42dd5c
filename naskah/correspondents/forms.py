"""Forms of the correspondent directory pages (Indonesian labels and messages)."""
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

REQUIRED = "Wajib diisi."


def maxlen(n):
    return Length(max=n, message=f"Paling banyak {n} karakter.")


class CorrespondentForm(FlaskForm):
    name = StringField("Nama instansi", validators=[DataRequired(message=REQUIRED), maxlen(200)],
                       render_kw={"placeholder": "Badan Siber dan Sandi Negara"})
    short_name = StringField("Singkatan", validators=[Optional(), maxlen(40)], render_kw={"placeholder": "BSSN"})
    address = TextAreaField("Alamat", validators=[Optional(), maxlen(1000)], render_kw={"rows": 3})
    contact = StringField("Kontak (nama, telepon)", validators=[Optional(), maxlen(200)])
    emails = TextAreaField("Alamat surel", validators=[Optional(), maxlen(4000)], render_kw={"rows": 3})

    def data_dict(self) -> dict:
        return {k: self[k].data for k in ("name", "short_name", "address", "contact", "emails")}


class MergeForm(FlaskForm):
    target_id = SelectField("Gabungkan ke", coerce=str, validators=[DataRequired(message="Pilih entri tujuan.")])
