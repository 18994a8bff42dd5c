"""Step panels show what the work needs (issue 15, items 1-4)."""
import re

import pytest

from naskah.extensions import db
from naskah.models import AuditEvent
from tests import crypto_helpers as ch
from tests.factories import login


def _events(app, action):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(AuditEvent.action == action))


def _hx(client, url, data=None):
    headers = {"HX-Request": "true"}
    return client.post(url, data=data or {}, headers=headers) if data is not None else client.get(url, headers=headers)


def _row(body, name):
    row = body.split(f"{name}</th>")[1].split("</tr>")[0]
    return re.findall(r"<td class=\"num\">(?:<strong>)?(\d+)", row)


def test_assign_panel_shows_each_sandimans_workload(app, client, make):
    budi = make.user("sandiman", full_name="Budi Santoso")
    siti = make.user("sandiman", full_name="Siti Rahmawati")
    kasi = make.user("kasi")
    make.document(step=4, sandiman=budi, kasi=kasi)
    make.document(step=5, sandiman=budi, kasi=kasi)
    make.document(step=8, sandiman=siti, kasi=kasi)
    doc_id = make.document(step=3, sandiman=siti, kasi=kasi)
    login(client, kasi)
    body = _hx(client, f"/dokumen/{doc_id}/aksi/assign").get_data(as_text=True)
    assert "Beban kerja Sandiman" in body
    assert _row(body, "Budi Santoso") == ["1", "1", "0", "0", "0", "2"]   # steps 4..8, total
    assert _row(body, "Siti Rahmawati") == ["0", "0", "0", "0", "1", "1"]


def test_decrypt_panel_shows_disposition_and_reveals_the_text_on_post(app, client, make):
    sandiman = make.user("sandiman")
    kasi = make.user("kasi", full_name="Agus Wibowo")
    cert = ch.office_identity(app, name="kantor-2026")
    doc_id = make.document(step=3, sandiman=sandiman, kasi=kasi, cryptogram=ch.sealed(cert))
    with app.app_context():
        from naskah.models import Document, User
        from naskah.workflow import engine as workflow
        workflow.apply(db.session.get(Document, doc_id), "assign", db.session.get(User, kasi.id),
                       {"assignee_id": sandiman.id, "note": "Segera, untuk rapat pukul 10."})
        db.session.commit()
    login(client, sandiman)
    body = _hx(client, f"/dokumen/{doc_id}/aksi/decrypt").get_data(as_text=True)
    assert "Segera, untuk rapat pukul 10." in body and "Agus Wibowo" in body
    assert "Buka dengan kunci kantor" in body and ch.TEXT not in body   # GET reveals nothing
    before = _events(app, "content.read")
    r = _hx(client, f"/dokumen/{doc_id}/aksi/decrypt/isi", data={})
    assert r.status_code == 200 and ch.TEXT in r.get_data(as_text=True)
    assert _events(app, "content.read") == before + 1


def test_reveal_refused_to_another_sandiman_without_an_event(app, client, make):
    owner, other = make.user("sandiman"), make.user("sandiman")
    cert = ch.office_identity(app, name="kantor-2026")
    doc_id = make.document(step=4, sandiman=owner, cryptogram=ch.sealed(cert))
    login(client, other)
    before = _events(app, "content.read")
    r = _hx(client, f"/dokumen/{doc_id}/aksi/decrypt/isi", data={})
    assert r.status_code == 403 and ch.TEXT not in r.get_data(as_text=True)
    assert _events(app, "content.read") == before


def test_step5_panel_reveals_the_copy_and_links_both_drafts(app, client, make):
    sandiman = make.user("sandiman")
    doc_id = make.document(step=5, sandiman=sandiman)
    login(client, sandiman)
    body = _hx(client, f"/dokumen/{doc_id}/aksi/initial").get_data(as_text=True)
    assert "Isi berita rahasia uji." not in body
    for url in (f"/cetak/{doc_id}/salinan.html", f"/cetak/{doc_id}/salinan.pdf",
                f"/cetak/{doc_id}/pengantar.html", f"/cetak/{doc_id}/pengantar.pdf"):
        assert url in body
    r = _hx(client, f"/dokumen/{doc_id}/aksi/initial/isi", data={})
    text = r.get_data(as_text=True)
    assert "Isi berita rahasia uji." in text and "Wali Kota" in text


def test_step6_panel_for_the_kasi_links_both_drafts(app, client, make):
    kasi = make.user("kasi")
    doc_id = make.document(step=6, kasi=kasi)
    login(client, kasi)
    body = _hx(client, f"/dokumen/{doc_id}/aksi/sign").get_data(as_text=True)
    assert f"/cetak/{doc_id}/salinan.html" in body and f"/cetak/{doc_id}/pengantar.pdf" in body


@pytest.mark.parametrize("fmt", ["pdf", "html"])
def test_disposition_sheet_prints_with_one_event(app, client, make, fmt):
    sandiman = make.user("sandiman", full_name="Budi Santoso")
    doc_id = make.document(step=4, sandiman=sandiman)
    login(client, sandiman)
    r = client.get(f"/cetak/{doc_id}/disposisi.{fmt}")
    assert r.status_code == 200
    if fmt == "pdf":
        assert r.data.startswith(b"%PDF")
    else:
        assert "LEMBAR DISPOSISI" in r.get_data(as_text=True) and "Budi Santoso" in r.get_data(as_text=True)
    assert _events(app, "print.disposisi") == 1


def test_disposition_sheet_refused_to_petugas(app, client, make):
    doc_id = make.document(step=4)
    login(client, make.user("petugas"))
    assert client.get(f"/cetak/{doc_id}/disposisi.pdf").status_code == 403
    assert _events(app, "print.disposisi") == 0
