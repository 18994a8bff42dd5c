"""The public verification page never praises a voided or unsigned cover letter (issue 12 item 15)."""
from naskah.extensions import db
from naskah.models.paper import IssuedPaper
from tests import paperkit as kit


def _papers(app, doc_id):
    with app.app_context():
        return [(p.code, bool(p.void_reason)) for p in db.session.scalars(
            db.select(IssuedPaper).where(IssuedPaper.document_id == doc_id, IssuedPaper.kind == "cover_letter")
            .order_by(IssuedPaper.id))]


def test_voided_version_says_so_in_red_first(app, make, client):
    sandiman, kasi = kit.people(make)
    kit.give_certificate(app, kasi)
    doc_id = make.document(step=6, sandiman=sandiman, kasi=kasi)
    kit.advance(app, doc_id, "return", kasi, {"reason": "Perbaiki perihal"})
    ((code, voided),) = _papers(app, doc_id)
    assert voided
    body = client.get(f"/verifikasi/{code}").get_data(as_text=True)
    main = body[body.index("<h1>Verifikasi dokumen</h1>"):]
    assert main.index('class="bad"') < main.index("<dl")  # the warning comes first
    assert "DIBATALKAN" in main and "tidak berlaku" in main
    assert "diterbitkan oleh kantor kami" not in main and "Ditandatangani oleh" not in main


def test_unsigned_current_version_is_not_shown_as_valid(app, make, client):
    sandiman, kasi = kit.people(make)
    kit.give_certificate(app, kasi)
    doc_id = make.document(step=6, sandiman=sandiman, kasi=kasi)
    ((code, voided),) = _papers(app, doc_id)
    body = client.get(f"/verifikasi/{code}").get_data(as_text=True)
    assert not voided and "diterbitkan oleh kantor kami" not in body and "belum sah" in body
    assert "Ditandatangani oleh" not in body


def test_signed_current_version_is_valid(app, make, client):
    sandiman, kasi = kit.people(make)
    doc_id = make.document(step=7, sandiman=sandiman, kasi=kasi)
    ((code, voided),) = _papers(app, doc_id)
    body = client.get(f"/verifikasi/{code}").get_data(as_text=True)
    assert "diterbitkan oleh kantor kami" in body and 'class="bad"' not in body
