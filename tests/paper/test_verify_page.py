"""The public verification page: known/unknown codes, uploads, timing floor, rate limit."""
import io
import time

import pytest

from naskah.core import vault
from naskah.extensions import db
from naskah.models import Document
from naskah.models.paper import IssuedPaper
from naskah.paper import issued
from tests import paperkit as kit


@pytest.fixture(scope="module")
def shared_app(tmp_path_factory):
    """One database for the module: these tests only read (uploads are not stored)."""
    from naskah import create_app
    from tests.conftest import make_config, reset_database
    app = create_app(make_config(tmp_path_factory.mktemp("verify")))
    reset_database(app)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def delivered_once(shared_app):
    """A signed, stamped, delivered SR document; returns (doc, {kind: paper code}, {name: pdf})."""
    from tests.factories import Factories
    app, make = shared_app, Factories(shared_app)
    sandiman, kasi = kit.people(make)
    kit.give_certificate(app, kasi)
    doc_id = kit.signed_document(app, make, sandiman, kasi, step=8, classification="SR")
    with app.app_context():
        doc = db.session.get(Document, doc_id)
        codes = {p.kind: p.code for p in db.session.scalars(
            db.select(IssuedPaper).where(IssuedPaper.document_id == doc_id, IssuedPaper.void_reason.is_(None)))}
        files = {"cover": vault.load_id(doc.stamped_cover_blob_id), "signed": vault.load_id(doc.signed_pdf_blob_id),
                 "copy": vault.load_id(doc.stamped_copy_blob_id), "receipt": vault.load_id(doc.receipt_blob_id)}
        db.session.expunge(doc)
    return doc, codes, files


@pytest.fixture
def app(shared_app):
    from naskah.core.ratelimit import limiter
    shared_app.config.update(VERIFY_MIN_SECONDS=0.2, VERIFY_RATE_LIMIT=1000)
    with shared_app.app_context():
        limiter().reset()
    return shared_app


@pytest.fixture
def delivered(app, delivered_once):
    return delivered_once


def test_codes_are_unguessable():
    codes = {issued.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == 16 and set(c) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for c in codes)
    assert issued.CODE_BYTES * 8 >= 80
    assert issued.display("ABCDEFGHIJKLMNOP") == "ABCD-EFGH-IJKL-MNOP"
    assert issued.normalise("abcd-efgh ijkl-mnop") == "ABCDEFGHIJKLMNOP"


@pytest.mark.parametrize("kind,label", [("cover_letter", "Surat Pengantar"), ("copy_letter", "Surat Salinan"),
                                        ("receipt", "Tanda Terima")])
def test_known_code_shows_only_public_facts(app, client, delivered, kind, label):
    doc, codes, _ = delivered
    response = client.get(f"/verifikasi/{codes[kind]}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # the cover letter has its own number, reserved when it was signed; the copy the agenda's
    number = {"cover_letter": doc.cover_number, "copy_letter": doc.letter_number, "receipt": "TT-"}[kind]
    for needle in (label, number, "Sangat Rahasia", "Telah disampaikan" if kind != "cover_letter"
                   else "Ditandatangani dan telah disampaikan", issued.display(codes[kind])):
        assert needle in page, needle
    assert (kit.KASI_NAME if kind == "cover_letter" else kit.SANDIMAN_NAME) in page
    for secret in ("Wali Kota", "Isi berita rahasia uji", "Uji</", "Rina Kartika"):
        assert secret not in page, secret
    assert "Keluar" not in page  # no session, no menu


def test_grouped_lowercase_code_works(app, client, delivered):
    _, codes, _ = delivered
    code = issued.display(codes["receipt"]).lower()
    assert client.get(f"/verifikasi/{code}").status_code == 200
    assert client.get(f"/verifikasi/?kode={code}").status_code == 302


@pytest.mark.parametrize("code", ["ZZZZ-ZZZZ-ZZZZ-ZZZZ", "bukan kode!" + "x" * 100])
def test_unknown_code_same_shape_and_timing_floor(app, client, delivered, code):
    _, codes, _ = delivered
    app.config["VERIFY_MIN_SECONDS"] = 0.6  # well above the page's own work, even on a busy machine
    client.get(f"/verifikasi/{codes['cover_letter']}")  # warm up templates
    started = time.monotonic()
    unknown = client.get(f"/verifikasi/{code}")
    unknown_time = time.monotonic() - started
    started = time.monotonic()
    known = client.get(f"/verifikasi/{codes['cover_letter']}")
    known_time = time.monotonic() - started
    assert unknown.status_code == 404 and known.status_code == 200
    assert unknown_time >= 0.6 and known_time >= 0.6
    assert abs(unknown_time - known_time) < 0.2
    page = unknown.get_data(as_text=True)
    assert "Verifikasi dokumen" in page and "tidak dikenal" in page
    assert "<form" not in page.split("tidak dikenal")[1]


def _upload(client, url, data, name="surat.pdf"):
    return client.post(url, data={"pdf": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def test_upload_genuine_signed_and_stamped_cover(app, client, delivered):
    _, codes, files = delivered
    for label in ("cover", "signed"):
        page = _upload(client, f"/verifikasi/{codes['cover_letter']}", files[label]).get_data(as_text=True)
        assert "Berkas sama persis dengan dokumen yang kami terbitkan" in page
        assert "Utuh" in page and "Tanda tangan elektronik sah" in page and kit.KASI_NAME in page
        assert "Status sertifikat saat ini: Aktif" in page


def test_upload_altered_pdf(app, client, delivered):
    _, codes, files = delivered
    altered = bytearray(files["signed"])
    altered[len(altered) // 3] ^= 0x20
    response = _upload(client, f"/verifikasi/{codes['cover_letter']}", bytes(altered))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "tidak sama dengan dokumen yang kami terbitkan" in page
    assert "Tanda tangan elektronik sah" not in page


def test_upload_stamped_copy_and_receipt(app, client, delivered):
    _, codes, files = delivered
    page = _upload(client, f"/verifikasi/{codes['copy_letter']}", files["copy"]).get_data(as_text=True)
    assert "sama persis" in page and "tidak memiliki tanda tangan elektronik" in page
    page = _upload(client, f"/verifikasi/{codes['copy_letter']}", files["receipt"]).get_data(as_text=True)
    assert "tidak sama dengan dokumen" in page


def test_upload_without_code_finds_the_paper(app, client, delivered):
    doc, _, files = delivered
    page = _upload(client, "/verifikasi/", files["receipt"]).get_data(as_text=True)
    assert "Tanda Terima" in page and "sama persis" in page and "TT-" in page
    page = _upload(client, "/verifikasi/", b"%PDF-1.4 bukan dokumen kami").get_data(as_text=True)
    assert "tidak ada dokumen terbitan kami" in page


@pytest.mark.parametrize("payload", [b"", b"GIF89a", b"%PDF-1.7\n" + b"\x00" * 100])
def test_bad_uploads_never_500(app, client, delivered, payload):
    _, codes, _ = delivered
    response = _upload(client, f"/verifikasi/{codes['cover_letter']}", payload)
    assert response.status_code in (200, 400)


def test_rate_limited(app, client, delivered):
    app.config["VERIFY_RATE_LIMIT"] = 3
    _, codes, _ = delivered
    for _ in range(3):
        assert client.get(f"/verifikasi/{codes['receipt']}").status_code == 200
    response = client.get(f"/verifikasi/{codes['receipt']}")
    assert response.status_code == 429
    assert "Terlalu banyak permintaan verifikasi" in response.get_data(as_text=True)
    assert _upload(client, "/verifikasi/", b"%PDF").status_code == 429


def test_upload_with_csrf_enabled(csrf_app, make):
    import re
    csrf_app.config.update(VERIFY_MIN_SECONDS=0)
    client = csrf_app.test_client()
    sandiman, kasi = kit.people(make.__class__(csrf_app))
    doc_id = make.__class__(csrf_app).document(step=8, sandiman=sandiman, kasi=kasi)
    with csrf_app.app_context():
        paper = issued.current(doc_id, "receipt")
        code, pdf = paper.code, vault.load_id(db.session.get(Document, doc_id).receipt_blob_id)
    page = client.get(f"/verifikasi/{code}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(f"/verifikasi/{code}", data={"csrf_token": token, "pdf": (io.BytesIO(pdf), "r.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 200 and "sama persis" in response.get_data(as_text=True)
    assert client.post(f"/verifikasi/{code}", data={"pdf": (io.BytesIO(pdf), "r.pdf")},
                       content_type="multipart/form-data").status_code == 400


def test_page_after_signing_by_hand_has_qr_on_cover(csrf_app):
    """An office without certificates still issues a verifiable cover letter (QR added at delivery)."""
    from tests.factories import Factories
    app, make = csrf_app, Factories(csrf_app)
    sandiman, kasi = make.user("sandiman"), make.user("kasi")
    kit.set_stamp(app)
    doc_id = make.document(step=8, sandiman=sandiman, kasi=kasi)
    with app.app_context():
        doc = db.session.get(Document, doc_id)
        pdf = vault.load_id(doc.stamped_cover_blob_id)
        assert doc.signature_kind == "basah"
    from pypdf import PdfReader
    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) >= 1
    kit.keep_png(pdf, "cover_letter_handsigned_stamped")
