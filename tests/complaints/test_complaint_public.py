"""The public complaint form, the status page and the survey page (no login)."""
import re

import pytest

from naskah.complaints import accesscodes, survey
from naskah.complaints import flow as complaints
from naskah.extensions import db
from naskah.models import AuditEvent, User
from naskah.models.complaint import Complaint
from naskah.models.survey import SurveyResponse
from tests.complaint_helpers import SECRET_CONTACT, SECRET_NAME, make_complaint
from tests.factories import without_csrf

FORM = {"name": "Rahmat Hidayat", "contact": "rahmat@contoh.id", "text": "Salinan belum sampai."}


def _count(app, model):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(model.id)))


def test_public_complaint_gets_ticket_and_code_once(app, client):
    response = client.post("/pengaduan", data=FORM)
    assert response.status_code == 302 and response.location.endswith("/pengaduan/terkirim")
    page = client.get(response.location).get_data(as_text=True)
    ticket = re.search(r'id="ticket-no">([^<]+)<', page).group(1)
    code = re.search(r'id="access-code">([^<]+)<', page).group(1)
    again = client.get("/pengaduan/terkirim")
    assert again.status_code == 302 and code not in client.get(again.location).get_data(as_text=True)
    with app.app_context():
        c = db.session.scalar(db.select(Complaint))
        assert c.ticket == ticket and c.channel == "website" and c.created_by_id is None
        assert complaints.lookup(ticket, code).id == c.id
        event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "complaint.create")).one()
        assert event.actor_name == "publik" and '"ip": null' in event.details


def test_anonymous_public_complaint(app, client):
    assert client.post("/pengaduan", data={"text": "Tanpa nama."}).status_code == 302
    with app.app_context():
        c = db.session.scalar(db.select(Complaint))
        assert c.anonymous and c.identity_blob_id is None


@pytest.mark.parametrize("data,message", [
    ({"text": ""}, "Wajib diisi."),
    ({"text": "x" * 4001}, "Paling banyak 4000 karakter."),
    ({"name": "Budi", "contact": ""}, "Kontak wajib diisi"),
    ({"contact": "bukan-kontak"}, "nomor telepon atau alamat email"),
    ({"name": "n" * 121}, "Paling banyak 120 karakter.")])
def test_public_form_refuses_bad_input(app, client, data, message):
    response = client.post("/pengaduan", data={**FORM, **data})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert _count(app, Complaint) == 0 and _count(app, AuditEvent) == 0


def test_oversized_request_is_refused(app, client):
    response = client.post("/pengaduan", data={**FORM, "text": "x" * 40_000})
    assert response.status_code == 413 and "terlalu besar" in response.get_data(as_text=True)
    assert _count(app, Complaint) == 0


def test_honeypot_stops_bots(app, client):
    page = client.get("/pengaduan").get_data(as_text=True)
    assert re.search(r'<div class="hp" aria-hidden="true">.*name="website"[^>]*tabindex="-1"', page, re.S)
    response = client.post("/pengaduan", data={**FORM, "website": "http://spam.example"})
    assert response.status_code == 400 and "tidak dapat diproses" in response.get_data(as_text=True)
    assert _count(app, Complaint) == 0 and _count(app, AuditEvent) == 0


def test_script_is_stored_as_typed_and_shown_escaped(app, make, client):
    attack = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    client.post("/pengaduan", data={**FORM, "text": attack, "name": attack[:100]})
    page = client.get("/pengaduan/terkirim").get_data(as_text=True)
    ticket = re.search(r'id="ticket-no">([^<]+)<', page).group(1)
    code = re.search(r'id="access-code">([^<]+)<', page).group(1)
    with app.app_context():
        c = db.session.scalar(db.select(Complaint))
        assert c.text == attack
    desk = app.test_client()
    from tests.factories import login
    login(desk, make.user("petugas"))
    for body in (desk.get(f"/pengaduan-layanan/{c.id}").get_data(as_text=True),
                 desk.get("/pengaduan-layanan/").get_data(as_text=True),
                 client.post("/pengaduan/status", data={"ticket": ticket, "code": code}).get_data(as_text=True)):
        assert "<script>alert(1)" not in body and "<img src=x" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in desk.get(f"/pengaduan-layanan/{c.id}").get_data(as_text=True)


def test_public_form_is_rate_limited(app, client):
    app.config["COMPLAINT_FORM_LIMIT"] = (2, 3600)
    assert client.post("/pengaduan", data=FORM).status_code == 302
    assert client.post("/pengaduan", data={"text": ""}).status_code == 400
    response = client.post("/pengaduan", data=FORM)
    assert response.status_code == 429 and "Terlalu banyak percobaan" in response.get_data(as_text=True)
    assert _count(app, Complaint) == 1
    other = app.test_client()
    response = other.post("/pengaduan", data=FORM, environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert response.status_code == 302  # per client, not global


@pytest.fixture
def closed(app, make):
    petugas, pejabat = make.user("petugas"), make.user("pejabat")
    cid, code = make_complaint(app, petugas, pejabat, "ditanggapi")
    with app.app_context():
        c = db.session.get(Complaint, cid)
        p = db.session.get(User, petugas.id)
        complaints.apply(c, "respond", p, {"text": "Catatan internal petugas.", "public": False})
        complaints.apply(c, "close", p, {"solution": "Salinan dikirim ulang hari ini.", "public": True})
        db.session.commit()
        return c.ticket, code


def test_status_shows_public_responses_only(app, client, closed):
    ticket, code = closed
    response = client.post("/pengaduan/status", data={"ticket": ticket.lower(), "code": code.lower()})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "Selesai" in body
    assert "Tanggapan uji." in body and "Salinan dikirim ulang hari ini." in body
    assert "Catatan internal petugas." not in body
    assert SECRET_NAME not in body and SECRET_CONTACT not in body
    assert f"/survei/{accesscodes.display(code)}" not in body and 'name="kode"' in body


def test_status_prefills_the_ticket_from_the_slip_link(client):
    body = client.get("/pengaduan/status?tiket=adu-2026-7").get_data(as_text=True)
    assert 'value="ADU-2026-0007"' in body


def test_wrong_pairs_get_one_uniform_answer(app, client, closed, monkeypatch):
    ticket, code = closed
    other = "ZZZZZ-ZZZZZ" if accesscodes.normalize(code) != "ZZZZZZZZZZ" else "YYYYY-YYYYY"
    calls = []
    real = accesscodes.digest
    monkeypatch.setattr(accesscodes, "digest", lambda c: calls.append(c) or real(c))
    answers = []
    for pair in ({"ticket": ticket, "code": other}, {"ticket": "ADU-2099-0001", "code": code},
                 {"ticket": "tidak-ada", "code": "kode-salah"}, {"ticket": ticket, "code": "12345"}):
        calls.clear()
        response = client.post("/pengaduan/status", data=pair)
        answers.append((response.status_code, without_csrf(response.get_data(as_text=True))))
        assert len(calls) == 1  # one HMAC whatever is wrong: similar time
    assert len(set(answers)) == 1
    assert answers[0][0] == 404 and "tidak cocok" in answers[0][1]
    assert f'value="{ticket}"' not in answers[0][1]  # nothing typed is echoed back


def test_status_lookups_are_rate_limited(app, client, closed):
    ticket, code = closed
    app.config["COMPLAINT_STATUS_LIMIT"] = (3, 600)
    for _ in range(3):
        assert client.post("/pengaduan/status", data={"ticket": ticket, "code": "AAAAA-AAAAA"}).status_code == 404
    response = client.post("/pengaduan/status", data={"ticket": ticket, "code": code})
    assert response.status_code == 429 and "Terlalu banyak percobaan" in response.get_data(as_text=True)
    assert "Salinan dikirim ulang" not in response.get_data(as_text=True)


def test_survey_page_one_answer_per_code(app, client, closed):
    _, code = closed
    page = client.post("/survei", data={"kode": code})
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    # nine elements x four answers, plus the respondent's sex (L/P)
    assert body.count('type="radio"') == 38 and "Sarana dan prasarana" in body
    answers = {"kode": code, **{f"u{i}": "4" for i in range(1, 10)}, "age": "34", "sex": "P", "education": "s1",
               "occupation": "swasta"}
    incomplete = client.post("/survei/isi", data={k: v for k, v in answers.items() if k != "u5"})
    assert incomplete.status_code == 400 and "Pilih salah satu jawaban." in incomplete.get_data(as_text=True)
    assert client.post("/survei/isi", data={**answers, "u2": "7"}).status_code == 400
    assert client.post("/survei/isi", data=answers).status_code == 200
    again = client.post("/survei/isi", data=answers)
    assert again.status_code == 404 and "tidak dapat dipakai" in again.get_data(as_text=True)
    assert _count(app, SurveyResponse) == 1


def test_survey_states(app, make, client):
    """Unknown, not yet eligible and used codes answer alike (issue 12 item 12)."""
    petugas, pejabat = make.user("petugas"), make.user("pejabat")
    _, open_code = make_complaint(app, petugas, pejabat, "baru")
    answers = [client.post("/survei", data={"kode": c}) for c in (open_code, "ZZZZZ-ZZZZZ", "salah")]
    assert {r.status_code for r in answers} == {404}
    # The CSRF token carries its signing second, so requests either side of one differ there.
    assert len({without_csrf(r.get_data(as_text=True)).replace(open_code, "") for r in answers}) == 1
    with app.app_context():
        code = survey.issue_code("layanan", "0009/2026")
        db.session.commit()
    start = client.post("/survei", data={"kode": code.lower().replace("-", " ")})
    assert start.status_code == 200 and 'type="radio"' in start.get_data(as_text=True)


def test_survey_lookups_are_rate_limited(app, client):
    app.config["SURVEY_LIMIT"] = (2, 600)
    client.post("/survei", data={"kode": "ZZZZZ-ZZZZZ"})
    client.post("/survei", data={"kode": "YYYYY-YYYYY"})
    assert client.post("/survei", data={"kode": "XXXXX-XXXXX"}).status_code == 429


def test_access_codes_never_reach_a_url_or_the_request_log(app, client, closed, caplog):
    """Issue 12 item 12: the survey works with the code in POST bodies only."""
    import logging
    caplog.set_level(logging.INFO, logger="naskah.access")
    ticket, code = closed
    result = client.post("/pengaduan/status", data={"ticket": ticket, "code": code}).get_data(as_text=True)
    assert f"/survei/{code}" not in result
    client.get("/survei")
    client.post("/survei", data={"kode": code})
    client.post("/survei/isi", data={"kode": code, **{f"u{i}": "3" for i in range(1, 10)}, "age": "34",
                                     "sex": "P", "education": "s1", "occupation": "swasta"})
    lines = " ".join(r.getMessage() for r in caplog.records)
    assert code not in lines and accesscodes.normalize(code) not in lines
    assert client.get(f"/survei/{code}").status_code in (404, 405)  # the old URL form is gone
    assert _count(app, SurveyResponse) == 1
