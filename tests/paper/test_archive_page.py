"""Archive (step 9): read-only search, retention dates, disposal with a signed berita acara."""
from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta

from naskah.audit import chain as audit
from naskah.core import settings
from naskah.core.timeutil import to_wib, utcnow, wib_today
from naskah.extensions import db
from naskah.models import AgendaEntry, Document, SecretBlob
from naskah.models.paper import Disposal
from naskah.paper import esign, issued
from tests import paperkit as kit
from tests.factories import login


def _expire(app, *doc_ids, days=1):
    """Let the retention period pass (as if the years had gone by)."""
    with app.app_context():
        for doc_id in doc_ids:
            db.session.get(Document, doc_id).retention_until = wib_today() - timedelta(days=days)
        db.session.commit()


def _fake_archived(app, make, sandiman, kasi, n, **over) -> list[int]:
    """Cheap archived rows for search and paging (the full flow is tested elsewhere)."""
    ids = [make.document(step=2, sandiman=sandiman, kasi=kasi, **over) for _ in range(n)]
    with app.app_context():
        for doc_id in ids:
            doc = db.session.get(Document, doc_id)
            doc.step, doc.archived_at, doc.retention_until = 9, utcnow(), wib_today() + timedelta(days=365)
        db.session.commit()
    return ids


def _dispose(client, ids, **over):
    data = {"doc_ids": [str(i) for i in ids], "witness_name": "Dewi Lestari", "witness_nip": "199208172019032001",
            "witness_title": "Pranata Komputer", "method": "", "passphrase": kit.PASSPHRASE, "confirm": "y"}
    data.update(over)
    return client.post("/arsip/musnahkan", data=data)


@pytest.mark.parametrize("role,status", [("sandiman", 200), ("kasi", 200), ("pejabat", 403), ("petugas", 403),
                                         ("admin", 403)])
def test_archive_page_roles(app, make, client, role, status):
    login(client, make.user(role))
    assert client.get("/arsip/").status_code == status


def test_retention_date_set_at_archive_from_settings(app, make, team):
    sandiman, kasi = team
    with app.app_context():
        settings.set_value("retention_years", {"SR": 25, "R": 10, "T": 5, "B": 2})
        db.session.commit()
    doc = kit.document(app, kit.signed_document(app, make, sandiman, kasi, step=9, classification="SR"))
    assert doc.retention_until == wib_today() + relativedelta(years=25)
    event = kit.events(app, doc.id, "step.archive")[-1]
    assert doc.retention_until.isoformat() in event.details


def test_search_filters_and_pages(app, make, team, client):
    sandiman, kasi = team
    received = utcnow() - timedelta(hours=1)  # the date filter is on the day received, in WIB
    ids = _fake_archived(app, make, sandiman, kasi, 26, sender_agency="Polres Pekalongan Kota", received_at=received)
    other = _fake_archived(app, make, sandiman, kasi, 1, sender_agency="Kodim 0710", classification="T",
                           received_at=received)[0]
    live = make.document(step=3, sandiman=sandiman, kasi=kasi, sender_agency="Kodim 0710")
    login(client, sandiman)
    page = client.get("/arsip/").get_data(as_text=True)
    assert "27 arsip" in page and "Halaman 1 dari 2" in page
    assert "27 arsip" in client.get("/arsip/?page=2").get_data(as_text=True)
    page = client.get("/arsip/?sender=kodim").get_data(as_text=True)
    assert "1 arsip" in page and kit.document(app, other).agenda_label in page and f"/dokumen/{live}\"" not in page
    assert "1 arsip" in client.get("/arsip/?classification=T").get_data(as_text=True)
    number = kit.document(app, ids[3]).agenda_number
    assert "1 arsip" in client.get(f"/arsip/?number={number}").get_data(as_text=True)
    day = to_wib(received).date().isoformat()  # not today's date: an hour ago is yesterday until 01.00 WIB
    assert "27 arsip" in client.get(f"/arsip/?date_from={day}&date_to={day}").get_data(as_text=True)
    page = client.get("/arsip/?date_from=2001-01-01&date_to=2001-01-31").get_data(as_text=True)
    assert "0 arsip" in page
    bad = client.get("/arsip/?date_from=kemarin").get_data(as_text=True)
    assert "Tanggal tidak valid" in bad
    assert 'name="doc_ids"' not in page  # sandiman: no disposal form


def test_disposal_refused_before_retention(app, make, team, client):
    sandiman, kasi = team
    doc_id = kit.signed_document(app, make, sandiman, kasi, step=9)
    login(client, kasi)
    before, blobs = kit.count_events(app), kit.count_blobs(app)
    response = _dispose(client, [doc_id])
    assert response.status_code == 409
    assert "belum habis masa retensinya" in response.get_data(as_text=True)
    doc = kit.document(app, doc_id)
    assert doc.disposed_at is None and doc.plaintext_blob_id is not None
    assert kit.count_events(app) == before and kit.count_blobs(app) == blobs
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Disposal.id))) == 0


def test_sandiman_cannot_dispose(app, make, team, client):
    sandiman, kasi = team
    doc_id = kit.signed_document(app, make, sandiman, kasi, step=9)
    _expire(app, doc_id)
    login(client, sandiman)
    before = kit.count_events(app)
    assert _dispose(client, [doc_id]).status_code == 403
    assert kit.document(app, doc_id).disposed_at is None and kit.count_events(app) == before


def test_disposal_wrong_passphrase_changes_nothing(app, make, team, client):
    sandiman, kasi = team
    doc_id = kit.signed_document(app, make, sandiman, kasi, step=9)
    _expire(app, doc_id)
    login(client, kasi)
    before = kit.count_events(app)
    response = _dispose(client, [doc_id], passphrase="bukan frasa sandi")
    assert response.status_code == 400 and 'id="passphrase-err"' in response.get_data(as_text=True)
    assert kit.document(app, doc_id).disposed_at is None and kit.count_events(app) == before


def test_disposal_erases_secrets_keeps_agenda_and_audit(app, make, team, client):
    sandiman, kasi = team
    doc_id = kit.signed_document(app, make, sandiman, kasi, step=9, classification="SR")
    keep_id = kit.signed_document(app, make, sandiman, kasi, step=9)
    _expire(app, doc_id)
    before_doc = kit.document(app, doc_id)
    blob_ids = [getattr(before_doc, c) for c in ("cryptogram_blob_id", "plaintext_blob_id", "letters_blob_id",
                                                "cover_pdf_blob_id", "signed_pdf_blob_id", "stamped_cover_blob_id",
                                                "stamped_copy_blob_id", "receipt_blob_id")]
    assert all(blob_ids)
    login(client, kasi)
    page = client.get("/arsip/?due=1").get_data(as_text=True)
    assert f'value="{doc_id}"' in page and f'value="{keep_id}"' not in page
    before = kit.count_events(app)
    response = _dispose(client, [doc_id])
    assert response.status_code == 302, response.get_data(as_text=True)[:600]
    assert kit.count_events(app) == before + 1
    doc = kit.document(app, doc_id)
    assert doc.disposed_at is not None and doc.step == 9
    assert not any(getattr(doc, c.name) for c in Document.__table__.columns if c.name.endswith("_blob_id"))
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(SecretBlob.id)).where(SecretBlob.id.in_(blob_ids))) == 0
        assert db.session.get(AgendaEntry, doc.agenda_entry_id) is not None
        assert db.session.get(AgendaEntry, doc.copy_entry_id) is not None
        ok, broken, checked = audit.verify()
        assert ok and broken is None and checked >= before + 1
        disposal = db.session.scalar(db.select(Disposal))
        from naskah.paper import archive
        pdf = archive.report_pdf(disposal)
        result = esign.verify(pdf)
        assert disposal.signed and result.valid and result.trusted and result.signer_name == kit.KASI_NAME
        cover_code = db.session.scalar(db.select(issued.IssuedPaper.code).where(
            issued.IssuedPaper.document_id == doc_id, issued.IssuedPaper.kind == "cover_letter"))
    assert kit.document(app, keep_id).plaintext_blob_id is not None
    text = kit.flat(pdf)
    for needle in ("BERITA ACARA PEMUSNAHAN ARSIP", doc.agenda_label, "SANGAT RAHASIA", "Dewi Lestari",
                   "199208172019032001", kit.KASI_NAME, "BA-001/Sandi/"):
        assert needle in text, needle
    kit.keep_png(pdf, "disposal_report")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "BA-001/Sandi/" in page and "Elektronik (PAdES)" in page
    assert client.get(f"/arsip/pemusnahan/{disposal.id}.pdf").data == pdf
    assert client.get(f"/cetak/{doc_id}/salinan.pdf").status_code == 409
    assert "Isi telah dimusnahkan" in client.get(f"/dokumen/{doc_id}").get_data(as_text=True)
    assert "dimusnahkan" in client.get(f"/verifikasi/{cover_code}").get_data(as_text=True)
    again = _dispose(client, [doc_id])
    assert again.status_code == 409


def test_disposal_asks_for_confirmation(app, make, team, client):
    sandiman, kasi = team
    doc_id = kit.signed_document(app, make, sandiman, kasi, step=9)
    _expire(app, doc_id)
    login(client, kasi)
    before = kit.count_events(app)
    response = _dispose(client, [doc_id], confirm="")
    assert response.status_code == 400
    assert "Centang konfirmasi sebelum memusnahkan." in response.get_data(as_text=True)
    assert kit.document(app, doc_id).disposed_at is None and kit.count_events(app) == before


def test_disposal_button_only_when_something_is_eligible(app, make, team, client):
    sandiman, kasi = team
    doc_id = kit.signed_document(app, make, sandiman, kasi, step=9)
    login(client, kasi)
    page = client.get("/arsip/").get_data(as_text=True)
    assert "Musnahkan dan buat berita acara" not in page and 'id="no-eligible"' in page
    _expire(app, doc_id)
    page = client.get("/arsip/").get_data(as_text=True)
    assert "Musnahkan dan buat berita acara" in page and 'name="confirm"' in page


def test_disposed_document_header_and_minutes_date_in_words(app, make, team, client):
    sandiman, kasi = team
    doc_id = kit.signed_document(app, make, sandiman, kasi, step=9)
    _expire(app, doc_id)
    login(client, kasi)
    assert _dispose(client, [doc_id]).status_code == 302
    with app.app_context():
        disposal = db.session.scalar(db.select(Disposal))
        number, pdf = disposal.number, archive_pdf(disposal)
    page = client.get(f"/dokumen/{doc_id}").get_data(as_text=True)
    assert f"Dimusnahkan · berita acara {number}" in page
    text = kit.pdftotext(pdf)
    from naskah.printing.formatting import hari_tanggal_terbilang
    words = hari_tanggal_terbilang(wib_today())
    assert "tahun dua ribu" in words and words in " ".join(text.split())
    kit.keep_png(pdf, "disposal_report")


def archive_pdf(disposal):
    from naskah.paper import archive
    return archive.report_pdf(disposal)
