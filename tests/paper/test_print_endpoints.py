"""Print endpoints: PDF text has the fields and marks, need-to-know, one audit event per print."""
import hashlib
import io

import pytest
from pypdf import PdfReader

from naskah.core import vault
from naskah.extensions import db
from tests import paperkit as kit
from tests.factories import login

DECRYPT = {"plaintext": kit.LONG_TEXT, "addressee": "Wali Kota Pekalongan", "subject": "Pengamanan kunjungan",
           "copy_index": 1, "copy_total": 2, "cover_item": "Salinan berita rahasia", "cover_quantity": "1 berkas"}


def _decrypted(app, make, sandiman, kasi, **over) -> int:
    doc_id = make.document(step=4, sandiman=sandiman, kasi=kasi, **over)
    kit.advance(app, doc_id, "decrypt", sandiman, DECRYPT)
    return doc_id


def _get_pdf(client, url) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    return response.data


def test_copy_letter_fields_and_mark_on_every_page(app, make, team, client):
    sandiman, kasi = team
    doc_id = _decrypted(app, make, sandiman, kasi, classification="SR", sender_agency="Badan Siber dan Sandi Negara")
    login(client, sandiman)
    before = kit.count_events(app)
    pdf = _get_pdf(client, f"/cetak/{doc_id}/salinan.pdf")
    pages = kit.texts(pdf)
    assert len(pages) >= 3
    for page in pages:
        assert page.count("SANGAT RAHASIA") >= 2, page[:200]  # top and bottom of every page
    text = kit.flat(pdf)
    for needle in ("SALINAN", "Salinan ke-1 dari 2", "Badan Siber dan Sandi Negara", "Pengamanan kunjungan",
                   "Wali Kota Pekalongan", "40. Sehubungan", kit.document(app, doc_id).agenda_label, kit.SANDIMAN_NAME,
                   f"Halaman 1 dari {len(pages)}"):
        assert needle in text, needle
    assert kit.count_events(app) == before + 1
    event = kit.events(app, doc_id)[-1]
    assert event.action == "content.read" and '"purpose": "print"' in event.details
    kit.keep_png(pdf, "copy_letter_draft")


@pytest.mark.parametrize("who", ["other_sandiman", "pejabat", "petugas", "admin"])
def test_copy_letter_need_to_know(app, make, team, client, who):
    sandiman, kasi = team
    doc_id = _decrypted(app, make, sandiman, kasi)
    login(client, make.user(who.replace("other_", "")))
    before = kit.count_events(app)
    for fmt in ("pdf", "html"):
        assert client.get(f"/cetak/{doc_id}/salinan.{fmt}").status_code == 403
    assert kit.count_events(app) == before


def test_kasi_may_print_the_copy(app, make, team, client):
    sandiman, kasi = team
    doc_id = _decrypted(app, make, sandiman, kasi)
    login(client, kasi)
    assert b"%PDF" in _get_pdf(client, f"/cetak/{doc_id}/salinan.pdf")[:8]


def test_cover_letter_versions_are_the_stored_bytes(app, make, team, client):
    sandiman, kasi = team
    kit.set_stamp(app)
    doc_id = kit.signed_document(app, make, sandiman, kasi, step=8)
    doc = kit.document(app, doc_id)
    login(client, sandiman)
    pdf = _get_pdf(client, f"/cetak/{doc_id}/pengantar.pdf")
    with app.app_context():
        assert pdf == vault.load_id(doc.stamped_cover_blob_id)
        signed = vault.load_id(doc.signed_pdf_blob_id)
        from naskah.paper import esign
        result = esign.verify(pdf)
    assert pdf.startswith(signed) and len(pdf) > len(signed)  # stamp added as an incremental update
    assert result.intact and result.valid and result.trusted and not result.covers_whole_document
    text = kit.flat(pdf)
    for needle in ("SURAT PENGANTAR", "RAHASIA", "Salinan berita rahasia", doc.cover_number, "Dicap",
                   kit.KASI_NAME, kit.KASI_NIP, "Diterima oleh"):
        assert needle in text, needle
    assert text.count(doc.cover_number) == 1 and "/....../" not in text  # numbered once, at signing
    kit.keep_png(pdf, "cover_letter_stamped")


def test_stamped_copy_and_receipt_after_delivery(app, make, team, client):
    sandiman, kasi = team
    kit.set_stamp(app)
    doc_id = kit.signed_document(app, make, sandiman, kasi, step=8)
    doc = kit.document(app, doc_id)
    login(client, sandiman)
    copy = _get_pdf(client, f"/cetak/{doc_id}/salinan.pdf")
    with app.app_context():
        assert hashlib.sha256(copy).hexdigest() == hashlib.sha256(vault.load_id(doc.stamped_copy_blob_id)).hexdigest()
    text = kit.flat(copy)
    assert "Nomor salinan: " + doc.letter_number in text and "Kode verifikasi" in text and "/verifikasi/" in text
    assert len(PdfReader(io.BytesIO(copy)).pages[-1].images) >= 2  # stamp + QR
    kit.keep_png(copy, "copy_letter_stamped")
    receipt = _get_pdf(client, f"/cetak/{doc_id}/tanda-terima.pdf")
    text = kit.flat(receipt)
    for needle in ("TANDA TERIMA", doc.letter_number, "RAHASIA", "1 dari 1", doc.agenda_label,
                   "Kode verifikasi", "Yang menerima", kit.SANDIMAN_NAME):
        assert needle in text, needle
    assert "Isi berita rahasia uji" not in text
    kit.keep_png(receipt, "receipt")


def test_receipt_not_before_numbering(app, make, team, client):
    """The receipt exists once the copy is numbered and stamped, before it is delivered."""
    sandiman, kasi = team
    doc_id = kit.signed_document(app, make, sandiman, kasi, step=7)
    login(client, sandiman)
    before = kit.count_events(app)
    response = client.get(f"/cetak/{doc_id}/tanda-terima.pdf")
    assert response.status_code == 409 and "setelah salinan dinomori" in response.get_data(as_text=True)
    assert kit.count_events(app) == before
    kit.advance(app, doc_id, "number_copy", sandiman)
    assert _get_pdf(client, f"/cetak/{doc_id}/tanda-terima.pdf").startswith(b"%PDF")
    assert kit.document(app, doc_id).step == 7 and kit.count_events(app) == before + 2


@pytest.mark.parametrize("size", ["C4", "C5", "DL", "folio"])
def test_double_envelope_for_secret(app, make, team, client, size):
    sandiman, kasi = team
    doc_id = kit.signed_document(app, make, sandiman, kasi, step=8, classification="R")
    letter_number = kit.document(app, doc_id).letter_number
    login(client, sandiman)
    inner = _get_pdf(client, f"/cetak/{doc_id}/amplop.pdf?jenis=dalam&ukuran={size}")
    outer = _get_pdf(client, f"/cetak/{doc_id}/amplop.pdf?jenis=luar&ukuran={size}")
    inner_text, outer_text = kit.flat(inner), kit.flat(outer)
    assert inner_text.count("RAHASIA") >= 2 and letter_number in inner_text and "Wali Kota" in inner_text
    assert "RAHASIA" not in outer_text and letter_number not in outer_text
    assert "DINAS KOMUNIKASI DAN INFORMATIKA" in outer_text
    width, height = (float(v) for v in PdfReader(io.BytesIO(inner)).pages[0].mediabox[2:])
    assert width > height
    if size == "C5":
        kit.keep_png(inner, "envelope_inner_C5")
        kit.keep_png(outer, "envelope_outer_C5")


def test_single_envelope_for_restricted(app, make, team, client):
    sandiman, kasi = team
    doc_id = _decrypted(app, make, sandiman, kasi, classification="T")
    login(client, sandiman)
    pdf = _get_pdf(client, f"/cetak/{doc_id}/amplop.pdf?jenis=tunggal&ukuran=DL")
    assert "TERBATAS" in kit.flat(pdf)
    kit.keep_png(pdf, "envelope_single_DL")
    response = client.get(f"/cetak/{doc_id}/amplop.pdf?jenis=dalam&ukuran=DL")
    assert response.status_code == 400 and "satu amplop" in response.get_data(as_text=True)
    assert client.get(f"/cetak/{doc_id}/amplop.pdf?jenis=tunggal&ukuran=A0").status_code == 400


def test_secret_refuses_single_envelope(app, make, team, client):
    sandiman, kasi = team
    doc_id = _decrypted(app, make, sandiman, kasi, classification="SR")
    login(client, sandiman)
    response = client.get(f"/cetak/{doc_id}/amplop.pdf?jenis=tunggal&ukuran=C5")
    assert response.status_code == 400 and "amplop ganda" in response.get_data(as_text=True)


def test_print_view_is_csp_safe(app, make, team, client):
    sandiman, kasi = team
    doc_id = kit.signed_document(app, make, sandiman, kasi, step=8)
    login(client, sandiman)
    before = kit.count_events(app)
    for paper in ("salinan", "pengantar", "tanda-terima", "amplop"):
        kit.assert_strict_print_view(client.get(f"/cetak/{doc_id}/{paper}.html"))
    assert kit.count_events(app) == before + 4
    assert "Kepala Seksi" in client.get(f"/cetak/{doc_id}/pengantar.html").get_data(as_text=True)


def test_agenda_book_month_and_year(app, make, team, client):
    sandiman, kasi = team
    ids = [make.document(step=2, sandiman=sandiman, kasi=kasi) for _ in range(3)]
    doc = kit.document(app, ids[0])
    login(client, kasi)
    year = doc.agenda_year
    with app.app_context():
        from naskah.models import AgendaEntry
        month = db.session.get(AgendaEntry, doc.agenda_entry_id).received_on.month
    before = kit.count_events(app)
    pdf = _get_pdf(client, f"/cetak/agenda.pdf?periode={year}-{month:02d}")
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape
    text = kit.flat(pdf)
    assert "BUKU AGENDA KRIPTOGRAM MASUK" in text and doc.agenda_label in text and "kriptogram" in text
    assert kit.count_events(app) == before + 1
    kit.keep_png(pdf, "agenda_book_month")
    assert doc.agenda_label in kit.flat(_get_pdf(client, f"/cetak/agenda.pdf?periode={year}"))
    assert doc.agenda_label not in kit.flat(_get_pdf(client, f"/cetak/agenda.pdf?periode={year - 1}"))
    # a bad period goes back to the agenda page, which shows it next to its field (issue 15)
    bad = client.get("/cetak/agenda.pdf?periode=2026-13", follow_redirects=True)
    assert bad.status_code == 400 and "Periode tidak valid" in bad.get_data(as_text=True)
    assert client.get(f"/cetak/agenda.html?periode={year}").status_code == 200


def test_document_page_offers_prints(app, make, team, client):
    sandiman, kasi = team
    doc_id = kit.signed_document(app, make, sandiman, kasi, step=8)
    login(client, sandiman)
    page = client.get(f"/dokumen/{doc_id}").get_data(as_text=True)
    for path in ("salinan.pdf", "pengantar.pdf", "amplop.pdf", "tanda-terima.pdf"):
        assert f"/cetak/{doc_id}/{path}" in page
    assert "/verifikasi/" in page and "Elektronik (PAdES)" in page
    pejabat = make.user("pejabat")
    client.post("/keluar")
    login(client, pejabat)
    page = client.get(f"/dokumen/{doc_id}").get_data(as_text=True)
    assert f"/cetak/{doc_id}/salinan.pdf" not in page
