"""Decrypted text: only the assigned sandiman and the kasi read it, and every read is recorded."""
import pytest

from naskah.extensions import db
from naskah.models import AuditEvent
from tests.factories import login

SECRET = "Isi berita rahasia uji."


def reads(app, doc_id):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(
            AuditEvent.document_id == doc_id, AuditEvent.action == "content.read"))


@pytest.mark.parametrize("who,allowed", [("assigned", True), ("kasi", True), ("other_sandiman", False),
                                         ("pejabat", False)])
def test_plaintext_visibility(app, client, make, who, allowed):
    sandiman, kasi = make.user("sandiman"), make.user("kasi")
    doc_id = make.document(step=5, sandiman=sandiman, kasi=kasi)
    user = {"assigned": sandiman, "kasi": kasi, "other_sandiman": make.user("sandiman"),
            "pejabat": make.user("pejabat")}[who]
    login(client, user)
    page = client.get(f"/dokumen/{doc_id}").get_data(as_text=True)
    assert SECRET not in page  # never shown without an explicit, recorded read
    r = client.post(f"/dokumen/{doc_id}/baca")
    if allowed:
        assert r.status_code == 200 and SECRET in r.get_data(as_text=True)
        assert reads(app, doc_id) == 1
        assert r.headers["Cache-Control"] == "no-store"
    else:
        assert r.status_code == 403 and SECRET not in r.get_data(as_text=True)
        assert reads(app, doc_id) == 0


@pytest.mark.parametrize("role", ["petugas", "admin"])
def test_document_page_closed_to_roles_without_need(app, client, make, role):
    doc_id = make.document(step=5)
    login(client, make.user(role))
    assert client.get(f"/dokumen/{doc_id}").status_code == 403
    assert client.get("/papan").status_code == 403
