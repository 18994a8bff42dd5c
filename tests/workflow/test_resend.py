"""Awaiting a resend: request (printable letter), attach the resent cryptogram to the same record."""
import io

import pytest
from pypdf import PdfReader

from naskah.core import vault
from naskah.extensions import db
from naskah.models import AuditEvent, Document
from naskah.models.decryption import ResendRequest
from tests import crypto_helpers as ch
from tests import paperkit as kit
from tests.factories import login


def events(app, doc_id, action=None):
    with app.app_context():
        q = db.select(AuditEvent.action).where(AuditEvent.document_id == doc_id,
                                               AuditEvent.action != "access.denied")  # refusals are audited as access.denied (tests/web/test_denials.py), not counted here
        if action:
            q = q.where(AuditEvent.action == action)
        return db.session.scalars(q.order_by(AuditEvent.seq)).all()


def requests_of(app, doc_id):
    with app.app_context():
        rows = db.session.scalars(db.select(ResendRequest).where(ResendRequest.document_id == doc_id)).all()
        for r in rows:
            db.session.expunge(r)
        return rows


@pytest.fixture
def setup(app, make):
    sandiman, kasi = make.user("sandiman"), make.user("kasi")
    cert = ch.office_identity(app)
    other_key, other_cert = ch.outsider()
    doc_id = make.document(step=4, sandiman=sandiman, kasi=kasi, cryptogram=ch.sealed(other_cert))
    return sandiman, kasi, cert, doc_id


def ask(client, make, doc_id, reason="Tidak ada kunci kantor yang cocok; mohon kirim ulang."):
    return client.post(f"/dokumen/{doc_id}/aksi/request_resend",
                       data={"version": make.get(doc_id).version, "reason": reason})


def test_request_resend_sets_the_record_aside(app, client, make, setup):
    sandiman, kasi, cert, doc_id = setup
    login(client, sandiman)
    before = events(app, doc_id)
    response = ask(client, make, doc_id)
    assert response.status_code == 302
    doc = make.get(doc_id)
    assert doc.step == 4 and doc.agenda_number is not None
    (req,) = requests_of(app, doc_id)
    assert req.resolved_at is None and req.requested_by_id == sandiman.id and "kunci" in req.reason
    assert events(app, doc_id) == before + ["step.request_resend"]
    card = client.get(f"/dokumen/{doc_id}/kartu").get_data(as_text=True)
    assert "Menunggu kirim ulang" in card and "Lampirkan kiriman ulang" in card and "Minta kirim ulang" not in card
    assert "Menunggu kirim ulang" in client.get("/papan").get_data(as_text=True)
    page = client.get(f"/dokumen/{doc_id}").get_data(as_text=True)
    assert "Cetak surat permintaan" in page and "Diminta kirim ulang" in page


def test_a_second_request_while_waiting_is_refused(app, client, make, setup):
    sandiman, kasi, cert, doc_id = setup
    login(client, sandiman)
    assert ask(client, make, doc_id).status_code == 302
    response = ask(client, make, doc_id)
    assert response.status_code == 409 and "masih menunggu" in response.get_data(as_text=True)
    assert len(requests_of(app, doc_id)) == 1


def test_reason_is_required(app, client, make, setup):
    sandiman, kasi, cert, doc_id = setup
    login(client, sandiman)
    response = ask(client, make, doc_id, reason="  ")
    assert response.status_code == 400 and "Wajib diisi." in response.get_data(as_text=True)
    assert requests_of(app, doc_id) == []


@pytest.mark.parametrize("role", ["other-sandiman", "kasi", "pejabat", "petugas"])
def test_request_resend_without_permission(app, client, make, setup, role):
    sandiman, kasi, cert, doc_id = setup
    login(client, {"kasi": kasi}.get(role) or make.user(role.replace("other-", "")))
    before = events(app, doc_id)
    assert ask(client, make, doc_id).status_code == 403
    assert requests_of(app, doc_id) == [] and events(app, doc_id) == before


def attach(client, make, doc_id, payload, name="ulang.p7m"):
    return client.post(f"/dokumen/{doc_id}/aksi/attach_resend", content_type="multipart/form-data",
                       data={"version": str(make.get(doc_id).version),
                             "cryptogram_file": (io.BytesIO(payload), name)})


def test_resent_cryptogram_replaces_the_old_one_on_the_same_record(app, client, make, setup):
    sandiman, kasi, cert, doc_id = setup
    old = make.get(doc_id)
    login(client, sandiman)
    assert ask(client, make, doc_id).status_code == 302
    resent = ch.sealed(cert)
    before = events(app, doc_id)
    response = attach(client, make, doc_id, resent)
    assert response.status_code == 302, response.get_data(as_text=True)[:600]
    assert events(app, doc_id) == before + ["step.attach_resend"]
    doc = make.get(doc_id)
    assert (doc.step, doc.agenda_number, doc.agenda_year) == (4, old.agenda_number, old.agenda_year)
    assert doc.cryptogram_filename == "ulang.p7m" and doc.cryptogram_size == len(resent)
    (req,) = requests_of(app, doc_id)
    assert req.resolution == "resent" and req.resolved_at is not None
    assert req.superseded_sha256 == old.cryptogram_sha256 and req.superseded_blob_id == old.cryptogram_blob_id
    with app.app_context():  # both cryptograms stay sealed in the vault
        assert vault.load_id(doc.cryptogram_blob_id) == resent
        superseded = vault.load_id(req.superseded_blob_id)
    assert len(superseded) == old.cryptogram_size and superseded != resent
    assert "Menunggu kirim ulang" not in client.get(f"/dokumen/{doc_id}/kartu").get_data(as_text=True)
    # ... and now it decrypts in the app
    data = {"version": make.get(doc_id).version, "method": "office", "addressee": "Wali Kota",
            "subject": "Uji", "copy_index": 1, "copy_total": 1}
    assert client.post(f"/dokumen/{doc_id}/aksi/decrypt", data=data).status_code == 302
    assert make.get(doc_id).step == 5


def test_attach_without_an_open_request_or_file_is_refused(app, client, make, setup):
    sandiman, kasi, cert, doc_id = setup
    login(client, sandiman)
    response = attach(client, make, doc_id, ch.sealed(cert))
    assert response.status_code == 409
    assert ask(client, make, doc_id).status_code == 302
    response = client.post(f"/dokumen/{doc_id}/aksi/attach_resend", data={"version": make.get(doc_id).version})
    assert response.status_code == 400 and "Unggah berkas kriptogram kiriman ulang" in response.get_data(as_text=True)
    same = attach(client, make, doc_id, _stored(app, doc_id))
    assert same.status_code == 400 and "sama persis" in same.get_data(as_text=True)
    assert requests_of(app, doc_id)[0].resolved_at is None


def _stored(app, doc_id):
    with app.app_context():
        return vault.load_id(db.session.get(Document, doc_id).cryptogram_blob_id)


def test_attach_resend_without_permission(app, client, make, setup):
    sandiman, kasi, cert, doc_id = setup
    login(client, sandiman)
    assert ask(client, make, doc_id).status_code == 302
    other = app.test_client()
    login(other, make.user("sandiman"))
    before = events(app, doc_id)
    assert attach(other, make, doc_id, ch.sealed(cert)).status_code == 403
    assert events(app, doc_id) == before and requests_of(app, doc_id)[0].resolved_at is None


def test_decrypting_while_waiting_closes_the_request(app, client, make, setup):
    sandiman, kasi, cert, doc_id = setup
    login(client, sandiman)
    assert ask(client, make, doc_id).status_code == 302
    data = {"version": make.get(doc_id).version, "method": "manual", "plaintext": "Dibacakan pengirim lewat telepon.",
            "addressee": "Wali Kota", "subject": "Uji", "copy_index": 1, "copy_total": 1}
    assert client.post(f"/dokumen/{doc_id}/aksi/decrypt", data=data).status_code == 302
    (req,) = requests_of(app, doc_id)
    assert req.resolution == "decrypted" and req.resolved_at is not None


def test_request_letter_prints_as_html_and_pdf(app, client, make, setup):
    sandiman, kasi, cert, doc_id = setup
    login(client, sandiman)
    assert ask(client, make, doc_id, reason="Kriptogram terpotong di tengah").status_code == 302
    (req,) = requests_of(app, doc_id)
    doc = make.get(doc_id)
    for user in (sandiman, kasi):
        c = app.test_client()
        login(c, user)
        text = kit.assert_strict_print_view(c.get(f"/dokumen/{doc_id}/kirim-ulang/{req.id}/cetak"))
        assert doc.sender_agency in text and doc.agenda_label in text and "Kriptogram terpotong di tengah" in text
        pdf = c.get(f"/dokumen/{doc_id}/kirim-ulang/{req.id}/surat.pdf")
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
        words = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
        assert "PERMINTAAN" in words.upper() and doc.agenda_label in words and "terpotong" in words
    for role in ("pejabat", "petugas"):
        c = app.test_client()
        login(c, make.user(role))
        assert c.get(f"/dokumen/{doc_id}/kirim-ulang/{req.id}/surat.pdf").status_code == 403
    assert client.get(f"/dokumen/{doc_id}/kirim-ulang/{req.id + 99}/cetak").status_code == 404
