"""Revealing decrypted text is a POST with CSRF; audited downloads answer only same-origin requests
(issue 12 item 7)."""
import pytest

from naskah.extensions import db
from naskah.models import AuditEvent
from tests.factories import login

SECRET = "Isi berita rahasia uji."


def events(app, action=None):
    with app.app_context():
        q = db.select(db.func.count(AuditEvent.id))
        if action:
            q = q.where(AuditEvent.action == action)
        return db.session.scalar(q)


@pytest.fixture
def reader(app, make):
    sandiman, kasi = make.user("sandiman"), make.user("kasi")
    doc_id = make.document(step=5, sandiman=sandiman, kasi=kasi)
    client = app.test_client()
    login(client, sandiman)
    return client, doc_id


def test_get_with_the_old_reveal_link_reveals_nothing(app, reader):
    client, doc_id = reader
    r = client.get(f"/dokumen/{doc_id}?baca=1")
    assert r.status_code == 200 and SECRET not in r.get_data(as_text=True)
    assert events(app, "content.read") == 0
    r = client.post(f"/dokumen/{doc_id}/baca")
    assert SECRET in r.get_data(as_text=True) and events(app, "content.read") == 1


def test_revise_form_get_reveals_nothing(app, reader):
    client, doc_id = reader
    r = client.get(f"/dokumen/{doc_id}/aksi/revise")
    assert r.status_code == 200 and SECRET not in r.get_data(as_text=True)
    assert events(app, "content.read") == 0
    r = client.post(f"/dokumen/{doc_id}/aksi/revise/buka")
    assert SECRET in r.get_data(as_text=True) and events(app, "content.read") == 1


def test_reveal_post_needs_the_csrf_token(csrf_app, make):
    sandiman, kasi = make.user("sandiman"), make.user("kasi")
    doc_id = make.document(step=5, sandiman=sandiman, kasi=kasi)
    client = csrf_app.test_client()
    r = client.post("/masuk", data={"username": sandiman.username, "password": "Rahasia12345"})
    r = client.post(f"/dokumen/{doc_id}/baca")
    assert r.status_code == 400 and SECRET not in r.get_data(as_text=True)
    assert events(csrf_app, "content.read") == 0


@pytest.mark.parametrize("headers", [{"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"},
                                     {"Origin": "http://evil.example"}])
def test_cross_site_download_is_refused_and_audited(app, reader, headers):
    client, doc_id = reader
    before = events(app)
    r = client.get(f"/cetak/{doc_id}/salinan.pdf", headers=headers)
    assert r.status_code == 403 and not r.data.startswith(b"%PDF")
    assert events(app, "content.read") == 0
    assert events(app) == before + 1 and events(app, "access.denied") == 1


@pytest.mark.parametrize("headers", [{"Sec-Fetch-Site": "same-origin"}, {"Sec-Fetch-Site": "none"},
                                     {"Origin": "http://localhost"}, {}])
def test_same_origin_download_is_served(app, reader, headers):
    client, doc_id = reader
    r = client.get(f"/cetak/{doc_id}/salinan.pdf", headers=headers)
    assert r.status_code == 200 and r.data.startswith(b"%PDF")
    assert events(app, "content.read") == 1
