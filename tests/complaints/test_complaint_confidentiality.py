"""The complainant's identity never reaches a page other roles or the public can open.

Every GET route of the whole app is fetched as sandiman, kasi, admin and without login, with
real ids filled in, plain and as htmx; PDFs are read as text. Reports (for pejabat and kasi)
carry no identity and no complaint text.
"""
import io
from datetime import timedelta

import pytest
from pypdf import PdfReader

from naskah.core.timeutil import wib_today
from naskah.extensions import db
from naskah.models import User
from naskah.models.complaint import Complaint
from tests.complaint_helpers import SECRET_CONTACT, SECRET_NAME, make_complaint
from tests.factories import login

COMPLAINT_TEXT = "Kurir menyerahkan amplop tanpa tanda terima."
PERIOD = f"dari={wib_today() - timedelta(days=365)}&sampai={wib_today() + timedelta(days=1)}"
SECRETS = (SECRET_NAME, SECRET_CONTACT)


def _text(response) -> str:
    if response.mimetype == "application/pdf":
        return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    return response.get_data(as_text=True)


@pytest.fixture
def world(app, make):
    """Complaints in every status (one reopened), a document, and the access code of a closed one."""
    petugas, pejabat = make.user("petugas"), make.user("pejabat")
    ids = {}
    for state in ("baru", "ditanggapi", "dieskalasi", "selesai", "selesai_eskalasi"):
        ids[state], code = make_complaint(app, petugas, pejabat, state, text=COMPLAINT_TEXT)
    ids["reopened"], _ = make_complaint(app, petugas, pejabat, "selesai", text=COMPLAINT_TEXT)
    with app.app_context():
        from naskah.complaints import flow as complaints
        c = db.session.get(Complaint, ids["reopened"])
        complaints.apply(c, "reopen", db.session.get(User, petugas.id), {"reason": "Belum tuntas."})
        db.session.commit()
    doc_id = make.document(step=3, sandiman=make.user("sandiman"), kasi=make.user("kasi"))
    return {"ids": ids, "code": code, "doc_id": doc_id, "petugas": petugas, "pejabat": pejabat}


def _urls(app, world):
    """Every GET url of the app, once per complaint for complaint routes."""
    values = {"doc_id": [world["doc_id"]], "entry_id": [1], "user_id": [1], "action": ["respond", "register"],
              "code": [world["code"]], "complaint_id": list(world["ids"].values())}
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        combos = [{}]
        for arg in rule.arguments:
            combos = [{**c, arg: v} for c in combos for v in values.get(arg, [1])]  # other ids: any row
        with app.test_request_context():
            from flask import url_for
            for combo in combos:
                urls.append(url_for(rule.endpoint, **combo))
    reports = [f"/laporan-pengaduan/{fmt}?{PERIOD}" for fmt in ("", "register.csv", "register.pdf")]
    return urls + reports


@pytest.mark.parametrize("role", ["sandiman", "kasi", "admin", None])
def test_identity_is_on_no_page_other_roles_or_the_public_reach(app, make, world, role):
    client = app.test_client()
    if role:
        login(client, make.user(role))
    app.config["SURVEY_LIMIT"] = (10_000, 60)
    reached = 0
    for url in _urls(app, world):
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(url, headers=headers)
            body = _text(response)
            for secret in SECRETS:
                assert secret not in body, f"{role or 'publik'} sees {secret!r} on {url} ({response.status_code})"
            reached += response.status_code == 200
    assert reached > 4  # the test really opened pages, not only refusals


@pytest.mark.parametrize("role", ["pejabat", "kasi"])
def test_reports_carry_no_personal_data(app, make, world, role):
    client = app.test_client()
    login(client, world["pejabat"] if role == "pejabat" else make.user("kasi"))
    for fmt in ("", "register.csv", "register.pdf"):
        response = client.get(f"/laporan-pengaduan/{fmt}?{PERIOD}")
        assert response.status_code == 200
        body = _text(response)
        assert "ADU-" in body
        for secret in (*SECRETS, COMPLAINT_TEXT, "Tanggapan uji.", "Penyelesaian uji."):
            assert secret not in body, f"{secret!r} in {fmt or 'report page'}"


def test_the_desk_does_see_it(app, world):
    for user in (world["petugas"], world["pejabat"]):
        client = app.test_client()
        login(client, user)
        assert SECRET_NAME in client.get(f"/pengaduan-layanan/{world['ids']['dieskalasi']}").get_data(as_text=True)


def test_audit_log_carries_no_identity(app, make, world):
    client = app.test_client()
    login(client, make.user("kasi"))
    body = client.get("/audit/").get_data(as_text=True)
    assert "complaint.create" in body or "Pengaduan dicatat" in body
    for secret in (*SECRETS, COMPLAINT_TEXT):
        assert secret not in body


def test_every_complaint_route_is_guarded(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in ("complaints", "complaints_public", "complaint_reports"):
            view = app.view_functions[rule.endpoint]
            assert getattr(view, "public", False) or getattr(view, "roles", None), rule.endpoint
            if getattr(view, "roles", None):
                assert not view.roles & {"sandiman", "admin"}, rule.endpoint
