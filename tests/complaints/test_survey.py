"""SKM: one answer per code, where codes come from, and the IKM/grade arithmetic."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.exc import IntegrityError

from naskah.complaints import flow as complaints
from naskah.complaints import survey
from naskah.core.errors import Conflict, DomainError
from naskah.core.timeutil import wib_today
from naskah.extensions import db
from naskah.models import AuditEvent, User
from naskah.models.complaint import Complaint
from naskah.models.survey import SurveyCode, SurveyResponse
from tests.complaint_helpers import make_complaint

ALL_FOUR = {f"u{i}": 4 for i in range(1, 10)}


def test_nine_elements_of_permenpanrb_14_2017():
    labels = [label.lower() for _, label, _, _ in survey.ELEMENTS]
    assert labels == ["persyaratan", "prosedur", "waktu pelayanan", "biaya/tarif", "produk layanan",
                      "kompetensi pelaksana", "perilaku pelaksana", "penanganan pengaduan", "sarana dan prasarana"]
    assert all(len(answers) == 4 for *_, answers in survey.ELEMENTS)


@pytest.mark.parametrize("ikm,grade", [
    ("100", "A"), ("88.31", "A"), ("88.30", "B"), ("76.61", "B"), ("76.60", "C"), ("65.00", "C"),
    ("64.99", "D"), ("25.00", "D")])
def test_grade_boundaries(ikm, grade):
    assert survey.grade_of(Decimal(ikm))[0] == grade


def test_ikm_rounds_half_up():
    # mean 3.5322 * 25 = 88.305 -> 88.31 (A), not 88.30 (B)
    assert survey.ikm_of([Decimal("3.5322")]) == Decimal("88.31")
    assert survey.ikm_of([1] * 9) == Decimal("25.00") and survey.ikm_of([4] * 9) == Decimal("100.00")
    assert survey.ikm_of([]) is None


def _answer(code, scores, when=None):
    response = survey.submit(code, scores)
    if when:
        response.submitted_on = when
    return response


def test_index_on_a_hand_built_fixture(app):
    """Three respondents. Element averages: u1 (4+3+2)/3 = 3, u2..u8 all 3, u9 (4+4+4)/3 = 4;
    mean of averages = (8*3 + 4)/9 = 28/9 = 3.1111; IKM = 77.78 -> B (Baik).
    A fourth answer outside the period must not count."""
    rows = [
        {**{f"u{i}": 3 for i in range(1, 10)}, "u1": 4, "u9": 4},
        {**{f"u{i}": 3 for i in range(1, 10)}, "u1": 3, "u9": 4},
        {**{f"u{i}": 3 for i in range(1, 10)}, "u1": 2, "u9": 4},
    ]
    with app.app_context():
        for scores in rows:
            _answer(survey.issue_code("layanan", "0001/2026"), scores, date(2026, 11, 10))
        _answer(survey.issue_code("layanan"), {f"u{i}": 1 for i in range(1, 10)}, date(2026, 12, 1))
        db.session.commit()
        result = survey.index(date(2026, 11, 1), date(2026, 11, 30))
        december = survey.index(date(2026, 12, 1), date(2026, 12, 31))
        empty = survey.index(date(2025, 1, 1), date(2025, 1, 31))
        months = survey.monthly(date(2026, 11, 1), date(2026, 12, 31))
    assert result["responses"] == 3
    assert result["per_element"]["u1"] == 3.0 and result["per_element"]["u9"] == 4.0
    assert result["ikm"] == 77.78 and result["grade"] == "B" and result["grade_label"] == "Baik"
    assert december["ikm"] == 25.0 and december["grade"] == "D"
    assert empty == {"ikm": None, "grade": None, "grade_label": None, "responses": 0,
                     "per_element": {f"u{i}": None for i in range(1, 10)}}
    assert [m[0] for m in months] == ["November 2026", "Desember 2026"]
    assert months[0][1]["ikm"] == 77.78


def test_one_answer_per_code(app):
    with app.app_context():
        code = survey.issue_code("layanan", "0002/2026")
        survey.submit(code, ALL_FOUR)
        db.session.commit()
        with pytest.raises(Conflict):
            survey.submit(code, ALL_FOUR)
        db.session.rollback()
        assert survey.find(code)[0] == "used"
        assert db.session.scalar(db.select(db.func.count(SurveyResponse.id))) == 1
        # The database itself refuses a second answer for the same code.
        row = db.session.scalar(db.select(SurveyCode))
        db.session.add(SurveyResponse(code_id=row.id, kind="layanan", submitted_on=date.today(), **ALL_FOUR))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_submit_appends_one_audit_event_without_the_client_address(app):
    with app.test_request_context("/survei/x", environ_base={"REMOTE_ADDR": "10.1.2.3"}):
        code = survey.issue_code("layanan")
        before = db.session.scalar(db.select(db.func.count(AuditEvent.id)))
        survey.submit(code, ALL_FOUR)
        db.session.commit()
        events = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.seq)).all()
        assert len(events) == before + 1 and events[-1].action == "survey.submit"
        assert "10.1.2.3" not in events[-1].details


@pytest.mark.parametrize("bad", [0, 5, "4", None, True])
def test_scores_must_be_1_to_4(app, bad):
    with app.app_context():
        code = survey.issue_code("layanan")
        with pytest.raises(DomainError) as err:
            survey.submit(code, {**ALL_FOUR, "u3": bad})
        assert err.value.field == "u3"


def test_codes_from_complaints_open_when_closed(app, make):
    petugas, pejabat = make.user("petugas"), make.user("pejabat")
    cid, code = make_complaint(app, petugas, pejabat, "ditanggapi")
    with app.app_context():
        assert survey.find(code)[0] == "pending"
        with pytest.raises(DomainError):
            survey.submit(code, ALL_FOUR)
        c = db.session.get(Complaint, cid)
        complaints.apply(c, "close", db.session.get(User, petugas.id), {"solution": "Beres.", "public": True})
        db.session.commit()
        state, row = survey.find(code)
        assert state == "ok" and row.kind == "pengaduan" and row.ref == c.ticket
        # Reopening and closing again does not create a second code.
        complaints.apply(c, "reopen", db.session.get(User, petugas.id), {"reason": "Belum."})
        complaints.apply(c, "close", db.session.get(User, petugas.id), {"solution": "Beres lagi."})
        db.session.commit()
        assert db.session.scalar(db.select(db.func.count(SurveyCode.id))) == 1


def test_new_access_code_moves_an_unused_survey_code(app, make):
    petugas, pejabat = make.user("petugas"), make.user("pejabat")
    cid, old = make_complaint(app, petugas, pejabat, "selesai")
    with app.app_context():
        c = db.session.get(Complaint, cid)
        new = complaints.new_code(c, db.session.get(User, petugas.id))
        db.session.commit()
        assert survey.find(old)[0] == "unknown" and survey.find(new)[0] == "ok"
        assert complaints.lookup(c.ticket, old) is None and complaints.lookup(c.ticket, new).id == cid


def test_issue_code_for_the_service(app):
    with app.app_context():
        with pytest.raises(ValueError):
            survey.issue_code("lainnya")
        code = survey.issue_code("layanan", "0003/2026")
        assert survey.find(code)[0] == "ok"
        assert survey.find("ZZZZZ-ZZZZZ")[0] == "unknown" and survey.find("rubbish")[0] == "unknown"


def test_suggestions_are_kept_for_the_period(app):
    with app.app_context():
        code = survey.issue_code("layanan")
        survey.submit(code, ALL_FOUR, "Ruang tunggu kurang kursi.")
        db.session.commit()
        today = wib_today()
        assert [s.suggestion for s in survey.suggestions(today - timedelta(days=2), today + timedelta(days=2))] == [
            "Ruang tunggu kurang kursi."]
