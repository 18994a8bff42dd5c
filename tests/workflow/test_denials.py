"""Every denial of classified content is an audit event (who, what, where from), and the dashboard
shows their count (issue 12 item 8)."""
import json

import pytest

from naskah.extensions import db
from naskah.models import AuditEvent
from tests.factories import login


def denials(app):
    with app.app_context():
        return db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "access.denied")).all()


@pytest.mark.parametrize("path, method", [
    ("/dokumen/{doc}/baca", "post"),          # another sandiman's decrypted text
    ("/cetak/{doc}/salinan.pdf", "get"),      # its copy letter (PDF)
    ("/audit/", "get"),                       # the audit page
    ("/dokumen/{doc}/lampiran/1", "get"),     # an attachment
])
def test_sandiman_refused_another_ones_content_leaves_an_event(app, make, path, method):
    owner, kasi = make.user("sandiman"), make.user("kasi")
    doc_id = make.document(step=5, sandiman=owner, kasi=kasi)
    nosy = make.user("sandiman")
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.7.7.7"
    login(client, nosy)
    r = getattr(client, method)(path.format(doc=doc_id))
    assert r.status_code == 403
    (event,) = denials(app)
    details = json.loads(event.details)
    assert event.actor_id == nosy.id and details["ip"] == "10.7.7.7"
    assert details["path"] == path.format(doc=doc_id)


def test_allowed_access_leaves_no_denial(app, make):
    owner, kasi = make.user("sandiman"), make.user("kasi")
    doc_id = make.document(step=5, sandiman=owner, kasi=kasi)
    client = app.test_client()
    login(client, owner)
    assert client.post(f"/dokumen/{doc_id}/baca").status_code == 200
    assert denials(app) == []


def test_dashboard_shows_the_count(app, make):
    nosy, kasi = make.user("sandiman"), make.user("kasi")
    doc_id = make.document(step=5, kasi=kasi)
    c = app.test_client()
    login(c, nosy)
    for _ in range(3):
        c.post(f"/dokumen/{doc_id}/baca")
    k = app.test_client()
    login(k, kasi)
    body = k.get("/dasbor").get_data(as_text=True)
    assert '<span class="kpi-value">3</span><span class="kpi-label">akses ditolak' in body


@pytest.mark.parametrize("role", ["petugas", "admin"])
def test_refused_guess_of_a_missing_document_is_a_403_with_its_event(app, make, role):
    """A role without the document pages asking for an id that names no document: refused (not
    a 500 from the event's foreign key), and the event keeps the id that was asked for."""
    client = app.test_client()
    user = make.user(role)
    login(client, user)
    r = client.get("/dokumen/999999")
    assert r.status_code == 403
    (event,) = denials(app)
    assert event.actor_id == user.id and event.document_id is None
    assert (event.object_type, event.object_id) == ("document", "999999")
