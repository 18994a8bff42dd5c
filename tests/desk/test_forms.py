"""Form checks people expect (issue 15, items 4, 7 and 14)."""
import re
from datetime import timedelta

import pytest

from naskah.auth.formchecks import nip_problem
from naskah.core.timeutil import to_wib, utcnow
from naskah.extensions import db
from naskah.models import AuditEvent, Document
from naskah.workflow.desk.messages import RESULTS
from tests.factories import PASSWORD, login


def test_receive_form_preselects_no_classification_or_urgency(client, make):
    login(client, make.user("sandiman"))
    body = client.get("/dokumen/baru").get_data(as_text=True)
    for name in ("classification", "urgency"):
        select = body.split(f'name="{name}"')[1].split("</select>")[0]
        chosen = re.findall(r'<option[^>]*selected[^>]*value="([^"]*)"|<option[^>]*value="([^"]*)"[^>]*selected', select)
        assert [a or b for a, b in chosen] in ([], [""])


def test_receive_form_reports_every_problem_at_once_and_keeps_typed_input(app, client, make):
    login(client, make.user("sandiman"))
    r = client.post("/dokumen/baru", data={
        "sender_agency": "Badan Kesatuan Bangsa dan Politik", "sender_ref_number": "",
        "channel": "kurir", "classification": "", "urgency": "",
        "received_at": (to_wib(utcnow()) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "notes": "Diantar kurir pukul 08.10"})
    body = r.get_data(as_text=True)
    assert r.status_code == 400
    assert body.count('class="field-error"') == 4      # number, classification, urgency and the file
    assert "Unggah berkas kriptogram atau tempelkan teksnya." in body
    assert 'value="Badan Kesatuan Bangsa dan Politik"' in body and "Diantar kurir pukul 08.10" in body
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Document.id))) == 0


@pytest.mark.parametrize("nip, ok", [
    ("198811112012122001", True), ("19881111 201212 2 001", True),
    ("1988", False), ("198813112012122001", False),      # month 13
    ("198811112000122001", False),                       # appointed at 12
    ("198811112012123001", False),                       # sex 3
    ("198811112012122000", False), ("19881111201212200A", False),
])
def test_nip_structure(nip, ok):
    assert (nip_problem(nip) is None) == ok


def test_user_form_rejects_a_nip_that_is_not_one(client, make):
    login(client, make.user("admin"))
    r = client.post("/admin/pengguna", data={"username": "rina", "full_name": "Rina", "nip": "12345",
                                             "title": "", "role": "sandiman"})
    assert "NIP terdiri atas 18 angka" in r.get_data(as_text=True)


def test_wrong_current_password_reported_with_a_weak_new_one(app, client, make):
    user = make.user("sandiman")
    login(client, user)
    r = client.post("/akun/kata-sandi", data={"current": "salah-sekali", "new": "abc", "confirm": "abc"})
    body = r.get_data(as_text=True)
    assert "Kata sandi saat ini salah." in body and "Kata sandi minimal 10 karakter." in body
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(AuditEvent.id))
                                 .where(AuditEvent.action == "auth.password_changed")) == 0


def test_password_hint_states_every_rule(client, make):
    login(client, make.user("sandiman"))
    body = client.get("/akun/kata-sandi").get_data(as_text=True)
    for rule in ("Minimal 10 karakter", "huruf besar", "huruf kecil", "angka", "kata sandi umum", "nama pengguna"):
        assert rule in body
    assert PASSWORD  # the factories' password meets the rules it states


def test_result_messages_are_results_not_commands():
    assert RESULTS["return"] == "Dikembalikan untuk perbaikan"
    assert RESULTS["revise"] == "Salinan diperbaiki"
    assert all(not text.startswith(("Perbaiki", "Kembalikan", "Tandatangani", "Agendakan")) for text in RESULTS.values())


def test_return_flash_says_it_was_returned(app, client, make):
    kasi = make.user("kasi")
    doc_id = make.document(step=6, kasi=kasi, sender_agency="Badan Kesbangpol")
    login(client, kasi)
    with app.app_context():
        version = db.session.get(Document, doc_id).version
    r = client.post(f"/dokumen/{doc_id}/aksi/return", data={"version": version, "reason": "Perihal kurang."},
                    headers={"HX-Request": "true", "HX-Current-URL": "http://x/papan"})
    body = r.get_data(as_text=True)
    assert "Dikembalikan untuk perbaikan: Badan Kesbangpol" in body and "Didekripsi:" not in body


def test_survey_asks_the_respondent_profile_and_reports_it(app, client, make):
    from naskah.complaints import survey
    from naskah.models.survey import SurveyResponse
    with app.app_context():
        code = survey.issue_code("layanan", "0001/2026")
        db.session.commit()
    page = client.post("/survei", data={"kode": code}).get_data(as_text=True)  # codes travel in POST bodies
    for label in ("Umur (tahun)", "Jenis kelamin", "Pendidikan terakhir", "Pekerjaan utama"):
        assert label in page
    answers = {"kode": code, **{f"u{i}": "3" for i in range(1, 10)}}
    missing = client.post("/survei/isi", data=answers)
    body = missing.get_data(as_text=True)
    assert missing.status_code == 400 and body.count('class="field-error"') >= 4   # all four at once
    r = client.post("/survei/isi", data=answers | {"age": "41", "sex": "L", "education": "sma",
                                                     "occupation": "pns"})
    assert r.status_code == 200
    with app.app_context():
        row = db.session.scalar(db.select(SurveyResponse))
        assert (row.age, row.sex, row.education, row.occupation) == (41, "L", "sma", "pns")
        today = row.submitted_on
        counts = survey.profile_counts(today, today)
    assert counts["Umur"]["35\u201344 tahun"] == 1 and counts["Jenis kelamin"]["Laki-laki"] == 1
    assert counts["Pendidikan"]["SMA"] == 1 and counts["Pekerjaan"]["PNS"] == 1
    login(client, make.user("kasi"))
    report = client.get("/laporan-pengaduan/").get_data(as_text=True)
    assert "Profil responden" in report and "Indeks per unsur dan per bulan" in report


def test_survey_hint_says_where_the_code_really_is(client):
    body = client.get("/survei").get_data(as_text=True)
    assert "tanda terima naskah" not in body and "kode akses" in body and "bukti pengaduan" in body
