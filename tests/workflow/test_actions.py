"""Every step action through HTTP: permissions, audit events, htmx partials, stale submits."""
import pytest

from naskah.extensions import db
from naskah.models import AuditEvent, Document
from naskah.workflow.engine import TRANSITIONS
from tests.factories import login, prepare_condition

FORM_DATA = {
    "register": {"attachments": "1 berkas"},
    "report": {"note": "Mohon disposisi"},
    "assign": lambda s: {"assignee_id": str(s.id), "note": "Segera"},
    "decrypt": {"plaintext": "Isi berita", "addressee": "Wali Kota", "subject": "Uji",
                "copy_index": "1", "copy_total": "1"},
    "revise": {"plaintext": "Isi baru", "addressee": "Wali Kota", "subject": "Uji 2",
               "copy_index": "1", "copy_total": "1"},
    "initial": {"confirm": "y"},
    "sign": lambda s: {"courier_id": str(s.id)},
    "return": {"reason": "Perihal kurang jelas"},
    "number_copy": {},
    "deliver": lambda s: {"recipient_name": "Rina", "recipient_nip": "198811112012122001", "delivered_at": _wib_now()},
    "archive": {"archive_cabinet": "L-01", "archive_shelf": "R-2", "archive_box": "B-2026-03", "archive_folder": "M-12",
                "note": ""},
    "request_resend": {"reason": "Kriptogram terpotong"},
    "attach_resend": {"cryptogram_text": "-----BEGIN CMS-----\nULANG\n-----END CMS-----"},
}


def _wib_now(delta_minutes: int = 0) -> str:
    from datetime import timedelta

    from naskah.core.timeutil import to_wib, utcnow
    return (to_wib(utcnow()) + timedelta(minutes=delta_minutes)).strftime("%Y-%m-%dT%H:%M")


def prepare(app, t, sandiman, doc_id):
    prepare_condition(app, t.action, sandiman, doc_id)


def form_for(action, sandiman, version):
    data = FORM_DATA[action]
    data = dict(data(sandiman) if callable(data) else data)
    data["version"] = str(version)
    return data


def state(app, doc_id):
    with app.app_context():
        doc = db.session.get(Document, doc_id)
        events = db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(
            AuditEvent.document_id == doc_id, AuditEvent.action != "access.denied"))  # refusals: test_denials.py
        return doc.step, doc.version, events


@pytest.mark.parametrize("t", TRANSITIONS, ids=lambda t: t.action)
def test_with_access_changes_state_and_adds_one_event(app, client, make, t):
    sandiman, kasi = make.user("sandiman"), make.user("kasi")
    doc_id = make.document(step=int(t.source), sandiman=sandiman, kasi=kasi)
    prepare(app, t, sandiman, doc_id)
    step, version, events = state(app, doc_id)
    login(client, kasi if t.role.value == "kasi" else sandiman)
    r = client.post(f"/dokumen/{doc_id}/aksi/{t.action}", data=form_for(t.action, sandiman, version))
    assert r.status_code == 302, r.get_data(as_text=True)[:800]
    new_step, _, new_events = state(app, doc_id)
    assert new_step == int(t.target)
    assert new_events == events + 1


def _forbidden_cases():
    """Every role that may not take each transition; 'stranger' is an unassigned sandiman."""
    for t in TRANSITIONS:
        for role in ["sandiman", "kasi", "petugas", "pejabat", "admin"]:
            if role != t.role.value:
                yield pytest.param(t, role, id=f"{t.action}-{role}")
        if t.guard:
            yield pytest.param(t, "stranger", id=f"{t.action}-stranger")


@pytest.mark.parametrize("t,role", list(_forbidden_cases()))
def test_without_permission_nothing_changes(app, client, make, t, role):
    sandiman, kasi = make.user("sandiman"), make.user("kasi")
    doc_id = make.document(step=int(t.source), sandiman=sandiman, kasi=kasi)
    prepare(app, t, sandiman, doc_id)
    actor = make.user("sandiman") if role == "stranger" else make.user(role)
    before = state(app, doc_id)
    login(client, actor)
    r = client.post(f"/dokumen/{doc_id}/aksi/{t.action}", data=form_for(t.action, sandiman, before[1]))
    assert r.status_code == 403
    assert state(app, doc_id) == before


def test_anonymous_is_sent_to_login(app, client, make):
    doc_id = make.document(step=1)
    r = client.post(f"/dokumen/{doc_id}/aksi/register", data={})
    assert r.status_code == 302 and "/masuk" in r.headers["Location"]


def test_htmx_action_answers_with_what_moved(app, client, make):
    """The card leaves column 1 and enters column 2, both counts and the flash, out of band;
    not whole columns."""
    sandiman = make.user("sandiman")
    doc_id = make.document(step=1, sandiman=sandiman)
    _, version, _ = state(app, doc_id)
    login(client, sandiman)
    r = client.post(f"/dokumen/{doc_id}/aksi/register", data={"version": str(version)},
                    headers={"HX-Request": "true", "HX-Current-URL": "http://x/papan"})
    body = r.get_data(as_text=True)
    assert r.status_code == 200
    assert r.headers["HX-Reswap"] == "none"
    assert 'id="col-' not in body and "<html" not in body
    assert f'<article id="card-{doc_id}" hx-swap-oob="delete">' in body
    assert 'hx-swap-oob="afterbegin:#cards-2"' in body and body.count(f'id="card-{doc_id}"') == 2
    # the counts come marked stale (data-sig=""), so the next poll re-renders both columns
    assert 'id="count-1" data-sig="" aria-label="0 naskah" hx-swap-oob="true">0<' in body
    assert 'id="count-2" data-sig="" aria-label="1 naskah" hx-swap-oob="true">1<' in body
    # the emptied column shows "Kosong" again, the column it entered hides it
    assert '<p class="empty" id="empty-1" hx-swap-oob="true">Kosong</p>' in body
    assert '<p class="empty" id="empty-2" hidden hx-swap-oob="true">Kosong</p>' in body
    assert 'id="flash"' in body and "Diagendakan" in body
    assert 'id="waiting-badge"' in body  # the badge refreshes with every board update


def test_htmx_action_places_the_card_after_its_predecessor(app, client, make):
    from datetime import timedelta

    from naskah.core.timeutil import utcnow
    sandiman = make.user("sandiman")
    older = make.document(step=2, sandiman=sandiman, received_at=utcnow() - timedelta(days=3), urgency="kilat")
    doc_id = make.document(step=1, sandiman=sandiman, urgency="biasa")
    _, version, _ = state(app, doc_id)
    login(client, sandiman)
    body = client.post(f"/dokumen/{doc_id}/aksi/register", data={"version": str(version)},
                       headers={"HX-Request": "true", "HX-Current-URL": "http://x/papan"}).get_data(as_text=True)
    assert f'hx-swap-oob="afterend:#card-{older}"' in body


def test_htmx_form_opens_in_the_card(app, client, make):
    sandiman = make.user("sandiman")
    doc_id = make.document(step=1, sandiman=sandiman)
    login(client, sandiman)
    r = client.get(f"/dokumen/{doc_id}/aksi/register", headers={"HX-Request": "true"})
    body = r.get_data(as_text=True)
    assert r.status_code == 200 and "<html" not in body
    assert 'class="card' in body and "editing" in body and 'name="version"' in body
    full = client.get(f"/dokumen/{doc_id}/aksi/register")
    assert "<html" in full.get_data(as_text=True)
    assert "HX-Request" in full.headers.get("Vary", "")


def test_second_submit_is_a_conflict_and_changes_nothing(app, client, make):
    sandiman = make.user("sandiman")
    doc_id = make.document(step=1, sandiman=sandiman)
    _, version, _ = state(app, doc_id)
    login(client, sandiman)
    assert client.post(f"/dokumen/{doc_id}/aksi/register", data={"version": str(version)}).status_code == 302
    before = state(app, doc_id)
    r = client.post(f"/dokumen/{doc_id}/aksi/register", data={"version": str(version)})
    assert r.status_code == 409
    assert "sudah pada langkah 2" in r.get_data(as_text=True)
    assert state(app, doc_id) == before
    r = client.post(f"/dokumen/{doc_id}/aksi/register", data={"version": str(version)},
                    headers={"HX-Request": "true"})
    assert r.status_code == 409 and "card-error" in r.get_data(as_text=True)


def test_stale_version_is_refused(app, client, make):
    sandiman = make.user("sandiman")
    doc_id = make.document(step=2, sandiman=sandiman)
    _, version, _ = state(app, doc_id)
    login(client, sandiman)
    r = client.post(f"/dokumen/{doc_id}/aksi/report", data={"version": str(version - 1)})
    assert r.status_code == 409 and "diubah oleh pengguna lain" in r.get_data(as_text=True)
    assert state(app, doc_id)[0] == 2


@pytest.mark.parametrize("action,step,data,field_msg", [
    ("return", 6, {"reason": ""}, "Wajib diisi."),
    ("decrypt", 4, {"plaintext": "", "addressee": "W", "subject": "S", "copy_index": "1", "copy_total": "1"}, "Wajib diisi."),
    ("decrypt", 4, {"plaintext": "x", "addressee": "W", "subject": "S", "copy_index": "3", "copy_total": "1"},
     "Nomor salinan tidak boleh melebihi jumlah salinan."),
    ("decrypt", 4, {"plaintext": "x", "addressee": "W" * 201, "subject": "S", "copy_index": "1", "copy_total": "1"},
     "Paling banyak 200 karakter."),
    ("assign", 3, {"assignee_id": "999999"}, "Pilihan tidak valid."),
    ("initial", 5, {}, "Centang konfirmasi"),
    ("deliver", 7, {"recipient_name": "R", "delivered_at": "2999-01-01T10:00"}, "masa depan"),
    ("deliver", 7, {"recipient_name": "R", "delivered_at": "2026-11-01T10:00"},
     "tidak boleh sebelum salinan dinomori dan dicap"),
    ("deliver", 7, {"recipient_name": "R", "delivered_at": ""}, "Wajib diisi."),
    ("archive", 8, {"archive_cabinet": "", "archive_shelf": "R", "archive_box": "B", "archive_folder": "M"},
     "Wajib diisi."),
])
def test_bad_input_gets_a_message_and_saves_nothing(app, client, make, action, step, data, field_msg):
    sandiman, kasi = make.user("sandiman"), make.user("kasi")
    doc_id = make.document(step=step, sandiman=sandiman, kasi=kasi)
    prepare_condition(app, action, sandiman, doc_id)
    before = state(app, doc_id)
    login(client, kasi if action in ("return", "assign", "sign") else sandiman)
    r = client.post(f"/dokumen/{doc_id}/aksi/{action}", data={**data, "version": str(before[1])})
    body = r.get_data(as_text=True)
    assert r.status_code == 400
    assert field_msg in body
    assert state(app, doc_id) == before


def test_unknown_action_and_document(app, client, make):
    sandiman = make.user("sandiman")
    doc_id = make.document(step=1, sandiman=sandiman)
    login(client, sandiman)
    assert client.post(f"/dokumen/{doc_id}/aksi/terbang", data={}).status_code == 400
    assert client.get("/dokumen/999999").status_code == 404
    assert client.post("/dokumen/999999/aksi/register", data={}).status_code == 404
