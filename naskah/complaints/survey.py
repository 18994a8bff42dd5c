"""Survei Kepuasan Masyarakat (SKM) after PermenPANRB 14/2017: codes, answers and the index.

Codes come from two places: a closed complaint's access code (registered when it is closed),
and the service itself: `issue_code("layanan", ref)` returns a fresh code to print on a delivery
receipt. Each code admits one answer. The index (IKM) is the mean of the nine element averages
times 25 (range 25-100), rounded half-up to two decimals, then graded:
A 88.31-100 (Sangat Baik), B 76.61-88.30 (Baik), C 65.00-76.60 (Kurang Baik), D 25.00-64.99
(Tidak Baik).
"""
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from naskah.audit import chain as audit
from naskah.complaints import accesscodes
from naskah.core.errors import Conflict, DomainError
from naskah.core.timeutil import MONTHS, to_wib, utcnow
from naskah.extensions import db
from naskah.models.complaint import Complaint
from naskah.models.survey import (
    AGE_GROUPS,
    AGE_MAX,
    AGE_MIN,
    EDUCATIONS,
    ELEMENT_KEYS,
    OCCUPATIONS,
    SEXES,
    SURVEY_KINDS,
    SurveyCode,
    SurveyResponse,
)

# (key, element, question, four answers from worst to best)
ELEMENTS = (
    ("u1", "Persyaratan", "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?",
     ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai")),
    ("u2", "Prosedur", "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?",
     ("Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah")),
    ("u3", "Waktu pelayanan", "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?",
     ("Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat")),
    ("u4", "Biaya/tarif", "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
     ("Sangat mahal", "Cukup mahal", "Murah", "Gratis")),
    ("u5", "Produk layanan", "Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang "
     "tercantum dalam standar pelayanan dengan hasil yang diberikan?",
     ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai")),
    ("u6", "Kompetensi pelaksana", "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?",
     ("Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten")),
    ("u7", "Perilaku pelaksana", "Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait "
     "kesopanan dan keramahan?",
     ("Tidak sopan dan ramah", "Kurang sopan dan ramah", "Sopan dan ramah", "Sangat sopan dan ramah")),
    ("u8", "Penanganan pengaduan", "Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?",
     ("Tidak ada", "Ada tetapi tidak berfungsi", "Berfungsi kurang maksimal", "Dikelola dengan baik")),
    ("u9", "Sarana dan prasarana", "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
     ("Buruk", "Cukup", "Baik", "Sangat baik")),
)
assert tuple(e[0] for e in ELEMENTS) == ELEMENT_KEYS


GRADES = (  # (lowest IKM, grade, quality of service)
    (Decimal("88.31"), "A", "Sangat Baik"),
    (Decimal("76.61"), "B", "Baik"),
    (Decimal("65.00"), "C", "Kurang Baik"),
    (Decimal("25.00"), "D", "Tidak Baik"),
)
SUGGESTION_MAX = 1000


# -- codes ----------------------------------------------------------------------------------
def issue_code(kind: str, ref: str | None = None) -> str:
    """A new survey code for `kind` ("layanan" for a delivered document, "pengaduan"), to print.

    Runs in the caller's transaction and appends no audit event of its own: the caller's event
    (e.g. the delivery) covers it, so "one state change, one audit event" still holds there.
    """
    if kind not in SURVEY_KINDS:
        raise ValueError(f"unknown survey kind {kind!r}")
    code = accesscodes.generate()
    db.session.add(SurveyCode(code_digest=accesscodes.digest(code), kind=kind,
                              ref=(str(ref)[:60] if ref else None)))
    db.session.flush()
    return code


def register_digest(digest: str, kind: str, ref: str | None) -> SurveyCode:
    """Make an existing code (a complaint's access code) valid for the survey; idempotent."""
    row = db.session.scalar(select(SurveyCode).where(SurveyCode.code_digest == digest))
    if row is None:
        row = SurveyCode(code_digest=digest, kind=kind, ref=ref)
        db.session.add(row)
        db.session.flush()
    return row


def replace_digest(old: str, new: str) -> None:
    """Follow a complaint's new access code, unless the survey was already answered."""
    row = db.session.scalar(select(SurveyCode).where(SurveyCode.code_digest == old))
    if row is not None and row.used_at is None:
        row.code_digest = new


def find(code: str | None) -> tuple[str, SurveyCode | None]:
    """("ok" | "used" | "pending" | "unknown", code row). "pending": complaint not yet closed."""
    digest = accesscodes.digest(code)
    if accesscodes.normalize(code) is None:
        return "unknown", None
    row = db.session.scalar(select(SurveyCode).where(SurveyCode.code_digest == digest))
    if row is not None:
        return ("used" if row.used_at else "ok"), row
    if db.session.scalar(select(Complaint.id).where(Complaint.access_code_digest == digest)):
        return "pending", None
    return "unknown", None


PROFILE_KEYS = ("age", "sex", "education", "occupation")


def check_profile(profile: dict | None) -> dict:
    """The respondent profile (age, sex, education, occupation), each required and from its list."""
    profile = profile or {}
    age = profile.get("age")
    if not isinstance(age, int) or isinstance(age, bool) or not AGE_MIN <= age <= AGE_MAX:
        raise DomainError(f"Umur antara {AGE_MIN} dan {AGE_MAX} tahun.", field="age")
    for key, allowed in (("sex", SEXES), ("education", EDUCATIONS), ("occupation", OCCUPATIONS)):
        if profile.get(key) not in allowed:
            raise DomainError("Pilih salah satu jawaban.", field=key)
    return {key: profile[key] for key in PROFILE_KEYS}


def submit(code: str, answers: dict, suggestion: str | None = None, profile: dict | None = None) -> SurveyResponse:
    """Record one answer (with the respondent profile) for a code; Conflict if the code was already used."""
    state, row = find(code)
    if state == "used":
        raise Conflict("Survei untuk kode ini sudah diisi. Terima kasih.")
    if state != "ok":
        raise DomainError("Kode survei tidak dikenal atau belum dapat dipakai.")
    scores = {}
    for key in ELEMENT_KEYS:
        value = answers.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 4:
            raise DomainError("Pilih salah satu jawaban (1 sampai 4).", field=key)
        scores[key] = value
    # The public form always asks the profile; profile=None (answers entered from paper forms
    # without it) records none, and such answers count as "tidak tercatat" in the profile table.
    respondent = check_profile(profile) if profile is not None else {}
    suggestion = (suggestion or "").strip()
    if len(suggestion) > SUGGESTION_MAX:
        raise DomainError(f"Saran paling banyak {SUGGESTION_MAX} karakter.", field="suggestion")
    now = utcnow()
    claimed = db.session.execute(update(SurveyCode).where(SurveyCode.id == row.id, SurveyCode.used_at.is_(None))
                                 .values(used_at=now)).rowcount
    if claimed != 1:
        raise Conflict("Survei untuk kode ini sudah diisi. Terima kasih.")
    response = SurveyResponse(code_id=row.id, kind=row.kind, submitted_at=now,
                              submitted_on=to_wib(now).date(), suggestion=suggestion or None, **scores,
                              **respondent)
    db.session.add(response)
    try:
        db.session.flush()
    except IntegrityError:
        raise Conflict("Survei untuk kode ini sudah diisi. Terima kasih.") from None
    audit.append("survey.submit", actor_name="publik", object_type="survey", object_id=response.id,
                 details={"kind": row.kind, "ip": None})
    return response


# -- the index --------------------------------------------------------------------------------
def ikm_of(element_averages) -> Decimal | None:
    """(mean of the element averages) x 25, half-up to two decimals."""
    values = [Decimal(str(v)) for v in element_averages]
    if not values:
        return None
    ikm = sum(values) / len(values) * 25
    return ikm.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def grade_of(ikm) -> tuple[str, str] | tuple[None, None]:
    if ikm is None:
        return None, None
    ikm = Decimal(str(ikm))
    for lowest, grade, label in GRADES:
        if ikm >= lowest:
            return grade, label
    return "D", "Tidak Baik"


def index(start_date: date, end_date: date, kind: str | None = None) -> dict:
    """IKM for answers submitted on WIB dates start_date..end_date (inclusive).

    Returns dict(ikm, grade, grade_label, responses, per_element={u1: average, ...}); ikm and
    grade are None when there is no answer in the period.
    """
    if start_date > end_date:
        start_date, end_date = end_date, start_date
    columns = [func.avg(getattr(SurveyResponse, key)) for key in ELEMENT_KEYS]
    stmt = select(func.count(SurveyResponse.id), *columns).where(
        SurveyResponse.submitted_on >= start_date, SurveyResponse.submitted_on <= end_date)
    if kind:
        stmt = stmt.where(SurveyResponse.kind == kind)
    count, *averages = db.session.execute(stmt).one()
    if not count:
        return {"ikm": None, "grade": None, "grade_label": None, "responses": 0,
                "per_element": {key: None for key in ELEMENT_KEYS}}
    per_element = {key: Decimal(str(avg)) for key, avg in zip(ELEMENT_KEYS, averages, strict=False)}
    ikm = ikm_of(per_element.values())
    grade, label = grade_of(ikm)
    return {"ikm": float(ikm), "grade": grade, "grade_label": label, "responses": int(count),
            "per_element": {k: float(v.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
                            for k, v in per_element.items()}}


def monthly(start_date: date, end_date: date) -> list[tuple[str, dict]]:
    """The index per calendar month of the period (at most 24 months), for the report."""
    out = []
    y, m = start_date.year, start_date.month
    while (y, m) <= (end_date.year, end_date.month) and len(out) < 24:
        first = date(y, m, 1)
        nxt = date(y + (m == 12), m % 12 + 1, 1)
        last = min(end_date, date.fromordinal(nxt.toordinal() - 1))
        out.append((f"{MONTHS[m - 1]} {y}", index(max(first, start_date), last)))
        y, m = nxt.year, nxt.month
    return out


def profile_counts(start_date: date, end_date: date) -> dict:
    """Respondents by age group, sex, education and occupation (the SKM report's profile table),
    from one query; answers without a profile are counted as "tidak tercatat"."""
    rows = db.session.execute(select(SurveyResponse.age, SurveyResponse.sex, SurveyResponse.education,
                                     SurveyResponse.occupation).where(
        SurveyResponse.submitted_on >= start_date, SurveyResponse.submitted_on <= end_date)).all()
    unknown = "tidak tercatat"

    def age_group(age):
        return next((label for lo, hi, label in AGE_GROUPS if age is not None and lo <= age <= hi), unknown)

    out = {"Umur": {label: 0 for _, _, label in AGE_GROUPS}, "Jenis kelamin": dict.fromkeys(SEXES.values(), 0),
           "Pendidikan": dict.fromkeys(EDUCATIONS.values(), 0), "Pekerjaan": dict.fromkeys(OCCUPATIONS.values(), 0)}
    for age, sex, education, occupation in rows:
        for title, label in (("Umur", age_group(age)), ("Jenis kelamin", SEXES.get(sex, unknown)),
                             ("Pendidikan", EDUCATIONS.get(education, unknown)),
                             ("Pekerjaan", OCCUPATIONS.get(occupation, unknown))):
            out[title][label] = out[title].get(label, 0) + 1
    return out


def suggestions(start_date: date, end_date: date, limit: int = 200) -> list[SurveyResponse]:
    return db.session.scalars(select(SurveyResponse).where(
        SurveyResponse.submitted_on >= start_date, SurveyResponse.submitted_on <= end_date,
        SurveyResponse.suggestion.is_not(None)).order_by(SurveyResponse.submitted_at.desc()).limit(limit)).all()
