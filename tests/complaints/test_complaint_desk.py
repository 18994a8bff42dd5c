"""The front desk and the pejabat's pages: quick form, actions (plain and htmx), the slip."""
import io
import re

import pytest
from pypdf import PdfReader
from wtforms.validators import DataRequired

from naskah.complaints.forms import QuickComplaintForm
from naskah.extensions import db
from naskah.models import AuditEvent
from naskah.models.complaint import Complaint
from tests import paperkit as kit
from tests.complaint_helpers import SECRET_NAME, get, make_complaint
from tests.factories import login

QUICK = {"channel": "langsung", "name": "Siti Aminah", "contact": "0812-3333-4444",
         "text": "Amplop salinan sobek."}


def _events(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(
            AuditEvent.action != "access.denied"))  # refusals are audited as access.denied (tests/web/test_denials.py), not counted here


def _complaints(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(Complaint.id)))


@pytest.fixture
def desk(app, make, client):
    petugas, pejabat = make.user("petugas"), make.user("pejabat")
    login(client, petugas)
    return petugas, pejabat


def test_quick_form_has_at_most_four_required_fields(app):
    with app.test_request_context():
        form = QuickComplaintForm(meta={"csrf": False})
        required = [f.name for f in form if any(isinstance(v, DataRequired) for v in f.validators)]
    assert len(required) <= 4 and set(required) == {"channel", "name", "text"}


def test_shortcut_link_on_every_page_for_petugas(app, client, desk):
    for url in ("/pengaduan-layanan/", "/akun/kata-sandi"):
        body = client.get(url).get_data(as_text=True)
        assert re.search(r'href="/pengaduan-layanan/baru"[^>]*accesskey="p"[^>]*aria-keyshortcuts="Alt\+Shift\+P"', body)
    page = client.get("/pengaduan-layanan/baru").get_data(as_text=True)
    assert "autofocus" in page and "data-quick-save" in page


@pytest.mark.parametrize("role", ["sandiman", "kasi", "admin", "pejabat"])
def test_quick_form_refused_to_other_roles(app, make, client, role):
    login(client, make.user(role))
    before = _events(app)
    assert client.get("/pengaduan-layanan/baru").status_code == 403
    assert client.post("/pengaduan-layanan/baru", data=QUICK).status_code == 403
    assert _complaints(app) == 0 and _events(app) == before


def test_quick_form_saves_in_one_action_and_shows_ticket_and_code(app, client, desk):
    before = _events(app)
    response = client.post("/pengaduan-layanan/baru", data=QUICK)
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    ticket = re.search(r'id="ticket-no">([^<]+)<', page).group(1)
    code = re.search(r'id="access-code">([^<]+)<', page).group(1)
    assert re.fullmatch(r"ADU-\d{4}-0001", ticket) and re.fullmatch(r"[A-Z2-9]{5}-[A-Z2-9]{5}", code)
    assert _events(app) == before + 1


@pytest.mark.parametrize("data,message", [
    ({"text": ""}, "Wajib diisi."), ({"name": ""}, "Wajib diisi."),
    ({"contact": ""}, "Kontak wajib diisi"), ({"channel": "lapor"}, "SP4N-LAPOR! wajib diisi"),
    ({"channel": "fax"}, "Pilih saluran pengaduan."), ({"text": "x" * 4001}, "Paling banyak 4000 karakter.")])
def test_quick_form_errors_next_to_the_field(app, client, desk, data, message):
    before = _events(app)
    response = client.post("/pengaduan-layanan/baru", data={**QUICK, **data})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _complaints(app) == 0 and _events(app) == before


def _act(client, cid, action, data, htmx=False):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(f"/pengaduan-layanan/{cid}/aksi/{action}",
                       data={f"{action}-{k}": v for k, v in data.items()}, headers=headers)


@pytest.mark.parametrize("role", ["sandiman", "kasi", "admin"])
@pytest.mark.parametrize("action,state", [("respond", "baru"), ("escalate", "ditanggapi"), ("close", "ditanggapi"),
                                          ("reopen", "selesai")])
def test_actions_refused_without_permission(app, make, client, role, action, state):
    petugas, pejabat = make.user("petugas"), make.user("pejabat")
    cid, _ = make_complaint(app, petugas, pejabat, state)
    login(client, make.user(role))
    before = _events(app)
    response = _act(client, cid, action, {"text": "x", "reason": "x", "solution": "x", "pejabat_id": pejabat.id})
    assert response.status_code == 403
    assert get(app, cid).status == state and _events(app) == before


def test_pejabat_cannot_act_before_escalation(app, make, client):
    petugas, pejabat = make.user("petugas"), make.user("pejabat")
    cid, _ = make_complaint(app, petugas, pejabat, "ditanggapi")
    login(client, pejabat)
    before = _events(app)
    response = _act(client, cid, "close", {"solution": "x"})
    assert response.status_code == 403 and "Petugas Layanan" in response.get_data(as_text=True)
    assert get(app, cid).status == "ditanggapi" and _events(app) == before


@pytest.mark.parametrize("htmx", [False, True])
def test_full_flow_through_the_views(app, make, client, desk, htmx):
    petugas, pejabat = desk
    cid, _ = make_complaint(app, petugas, pejabat, "baru")
    steps = [("respond", {"text": "Sedang kami periksa.", "public": "y"}, "ditanggapi"),
             ("escalate", {"reason": "Butuh keputusan.", "pejabat_id": str(pejabat.id)}, "dieskalasi")]
    for action, data, status in steps:
        before = _events(app)
        version = get(app, cid).version
        response = _act(client, cid, action, {**data, "version": version}, htmx=htmx)
        assert response.status_code == (200 if htmx else 302), response.get_data(as_text=True)[:300]
        assert get(app, cid).status == status and _events(app) == before + 1
        if htmx:
            body = response.get_data(as_text=True)
            assert body.lstrip().startswith('<div id="complaint"') and "<html" not in body
    pejabat_client = app.test_client()
    login(pejabat_client, pejabat)
    before = _events(app)
    response = _act(pejabat_client, cid, "close", {"solution": "Sudah dikirim ulang.", "public": "y"}, htmx=htmx)
    assert response.status_code == (200 if htmx else 302)
    assert get(app, cid).status == "selesai" and _events(app) == before + 1


def test_invalid_action_form_changes_nothing(app, client, desk):
    petugas, pejabat = desk
    cid, _ = make_complaint(app, petugas, pejabat, "ditanggapi")
    before = _events(app)
    response = _act(client, cid, "escalate", {"reason": "", "pejabat_id": str(pejabat.id)}, htmx=True)
    assert response.status_code == 400 and "Wajib diisi." in response.get_data(as_text=True)
    assert get(app, cid).status == "ditanggapi" and _events(app) == before


def test_stale_form_is_refused(app, client, desk):
    petugas, pejabat = desk
    cid, _ = make_complaint(app, petugas, pejabat, "ditanggapi")
    version = get(app, cid).version
    assert _act(client, cid, "respond", {"text": "Pertama.", "version": version}).status_code == 302
    before = _events(app)
    response = _act(client, cid, "respond", {"text": "Kedua, dari formulir lama.", "version": version})
    assert response.status_code == 409 and _events(app) == before


def test_wrong_status_is_a_conflict_page(app, client, desk):
    petugas, pejabat = desk
    cid, _ = make_complaint(app, petugas, pejabat, "selesai")
    response = _act(client, cid, "respond", {"text": "x"})
    assert response.status_code == 409 and "berstatus Selesai" in response.get_data(as_text=True)


def test_detail_page_shows_identity_and_escaped_text(app, client, desk):
    petugas, pejabat = desk
    cid, _ = make_complaint(app, petugas, pejabat, "baru", text="<script>alert('x')</script>")
    body = client.get(f"/pengaduan-layanan/{cid}").get_data(as_text=True)
    assert SECRET_NAME in body
    assert "<script>alert" not in body and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in body


def test_list_for_the_desk(app, make, client, desk):
    petugas, pejabat = desk
    make_complaint(app, petugas, pejabat, "baru")
    body = client.get("/pengaduan-layanan/").get_data(as_text=True)
    assert "ADU-" in body and "Terbuka" in body
    partial = client.get("/pengaduan-layanan/?channel=telepon", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert partial.lstrip().startswith('<div id="complaint-list"') and "ADU-" not in partial


def _pdf_text(data):
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_slip_pdf_and_print_view(app, client, desk):
    response = client.post("/pengaduan-layanan/baru", data=QUICK)
    cid = int(response.location.split("/")[-2])
    page = client.get(response.location).get_data(as_text=True)
    code = re.search(r'id="access-code">([^<]+)<', page).group(1)
    pdf = client.get(f"/pengaduan-layanan/{cid}/bukti.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    text = _pdf_text(pdf.data)
    ticket = get(app, cid).ticket
    assert ticket in text and code in text and "/pengaduan/status" in text and "/survei" in text
    assert f"/survei/{code}" not in text  # the code is printed, never put in a URL
    assert "Siti Aminah" not in text and "0812-3333-4444" not in text
    view = kit.assert_strict_print_view(client.get(f"/pengaduan-layanan/{cid}/bukti"))
    assert code in view


def test_slip_needs_the_code_from_this_session(app, make, client, desk):
    petugas, pejabat = desk
    cid, _ = make_complaint(app, petugas, pejabat, "baru")
    assert client.get(f"/pengaduan-layanan/{cid}/bukti.pdf").status_code == 409
    before = _events(app)
    response = client.post(f"/pengaduan-layanan/{cid}/kode-baru")
    assert response.status_code == 302 and _events(app) == before + 1
    assert client.get(f"/pengaduan-layanan/{cid}/bukti.pdf").status_code == 200
    other = app.test_client()
    login(other, pejabat)
    before = _events(app)
    assert other.post(f"/pengaduan-layanan/{cid}/kode-baru").status_code == 403
    assert _events(app) == before


def test_csrf_is_required(csrf_app, make):
    from tests.factories import Factories
    petugas = Factories(csrf_app).user("petugas")
    client = csrf_app.test_client()
    page = client.get("/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/masuk", data={"username": petugas.username, "password": "Rahasia12345", "csrf_token": token})
    assert client.post("/pengaduan-layanan/baru", data=QUICK).status_code == 400
    with csrf_app.app_context():
        assert db.session.scalar(db.select(db.func.count(Complaint.id))) == 0


def test_all_problems_are_shown_at_once_and_the_first_is_focused(app, client, desk):
    response = client.post("/pengaduan-layanan/baru", data={"channel": "lapor", "name": "Budi", "contact": "",
                                                            "text": ""})
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    for message in ("Wajib diisi.", "Kontak wajib diisi", "SP4N-LAPOR! wajib diisi"):
        assert message in body
    assert re.search(r'<input[^>]*autofocus[^>]*id="contact"|<input[^>]*id="contact"[^>]*autofocus', body)
    assert not re.search(r'<select[^>]*autofocus[^>]*id="channel"|<select[^>]*id="channel"[^>]*autofocus', body)


def test_slip_addresses_sit_under_their_qr_codes_even_when_long(app, client, desk):
    """Each address is printed under its own QR code as origin and path lines (xhtml2pdf does not
    wrap a word without spaces), so a long office address stays inside its column."""
    from naskah.core import settings
    with app.app_context():
        settings.set_value("public_base_url", "https://layanan-sandi.diskominfo.pekalongankota.go.id")
        db.session.commit()
    response = client.post("/pengaduan-layanan/baru", data=QUICK)
    cid = int(response.location.split("/")[-2])
    pdf = client.get(f"/pengaduan-layanan/{cid}/bukti.pdf").data
    kit.keep_png(pdf, "complaint-slip-long-address")   # looked at: each address under its own code
    text = _pdf_text(pdf)
    assert "Cek status" in text and "/pengaduan/status" in text and "/survei" in text
    assert "tiket=" not in text   # the ticket is printed above; the QR code carries it
