"""Satisfaction survey (Survei Kepuasan Masyarakat, PermenPANRB 14/2017): codes and answers.

A code is stored only as a keyed digest. One answer per code is enforced by the database
(unique survey_responses.code_id), so two simultaneous submissions cannot both count.
"""
from naskah.core.timeutil import utcnow

from ..extensions import db
from .types import UTCDateTime

SURVEY_KINDS = {
    "pengaduan": "Penanganan pengaduan",
    "layanan": "Layanan penerimaan naskah",
}
ELEMENT_KEYS = tuple(f"u{i}" for i in range(1, 10))
# The respondent profile of the SKM questionnaire (PermenPANRB 14/2017, lampiran): age in years,
# sex, last education, main occupation. Never linked to a person.
SEXES = {"L": "Laki-laki", "P": "Perempuan"}
EDUCATIONS = {"sd": "SD ke bawah", "smp": "SMP", "sma": "SMA", "d": "D1/D2/D3/D4", "s1": "S1", "s2": "S2 ke atas"}
OCCUPATIONS = {"pns": "PNS", "tni": "TNI", "polri": "Polri", "swasta": "Pegawai swasta",
               "wirausaha": "Wirausaha", "pelajar": "Pelajar/mahasiswa", "lainnya": "Lainnya"}
AGE_GROUPS = ((0, 24, "di bawah 25 tahun"), (25, 34, "25–34 tahun"), (35, 44, "35–44 tahun"),
              (45, 54, "45–54 tahun"), (55, 200, "55 tahun ke atas"))
AGE_MIN, AGE_MAX = 15, 100


class SurveyCode(db.Model):
    __tablename__ = "survey_codes"
    id = db.Column(db.Integer, primary_key=True)
    code_digest = db.Column(db.String(64), nullable=False, unique=True)
    kind = db.Column(db.String(12), nullable=False)
    ref = db.Column(db.String(60), nullable=True)     # ticket number, agenda number...
    issued_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    used_at = db.Column(UTCDateTime, nullable=True)


class SurveyResponse(db.Model):
    __tablename__ = "survey_responses"
    id = db.Column(db.Integer, primary_key=True)
    code_id = db.Column(db.Integer, db.ForeignKey("survey_codes.id"), nullable=False, unique=True)
    kind = db.Column(db.String(12), nullable=False)
    submitted_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    submitted_on = db.Column(db.Date, nullable=False, index=True)   # WIB date, for periods
    u1 = db.Column(db.SmallInteger, nullable=False)
    u2 = db.Column(db.SmallInteger, nullable=False)
    u3 = db.Column(db.SmallInteger, nullable=False)
    u4 = db.Column(db.SmallInteger, nullable=False)
    u5 = db.Column(db.SmallInteger, nullable=False)
    u6 = db.Column(db.SmallInteger, nullable=False)
    u7 = db.Column(db.SmallInteger, nullable=False)
    u8 = db.Column(db.SmallInteger, nullable=False)
    u9 = db.Column(db.SmallInteger, nullable=False)
    suggestion = db.Column(db.Text, nullable=True)
    # Respondent profile (nullable: answers given before the profile was asked have none).
    age = db.Column(db.SmallInteger, nullable=True)
    sex = db.Column(db.String(1), nullable=True)
    education = db.Column(db.String(4), nullable=True)
    occupation = db.Column(db.String(12), nullable=True)

    __table_args__ = tuple(
        db.CheckConstraint(f"{k} BETWEEN 1 AND 4", name=f"{k}_range") for k in ELEMENT_KEYS
    )
