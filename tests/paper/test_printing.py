"""Print documents: content, classification marks on every page, colours, fonts, sizes.

Every document type is also rasterised with pdftoppm into the pytest tmp dir and
copied to $NASKAH_ARTIFACTS (default test-artifacts/print/) for a human to look at.
"""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from naskah.printing import formatting as fmt
from naskah.printing.qr import qr_data_uri, qr_png
from naskah.printing.render import (
    RenderError,
    envelope_size_mm,
    page_count,
    page_sizes_pt,
    render_html,
    render_pdf,
)

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("NASKAH_ARTIFACTS", ROOT / "test-artifacts" / "print"))
UTC = dt.timezone.utc


def _logo() -> bytes:
    img = Image.new("RGB", (120, 140), "white")
    d = ImageDraw.Draw(img)
    d.ellipse((5, 5, 115, 135), outline="navy", width=6)
    d.text((38, 62), "LOGO", fill="navy")
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


OFFICE = dict(
    name="PEMERINTAH KOTA PEKALONGAN / DINAS KOMUNIKASI DAN INFORMATIKA",
    address="Jl. Mataram No. 1, Pekalongan 51111",
    phone="(0285) 421093", email="dinkominfo@pekalongankota.go.id",
    website="dinkominfo.pekalongankota.go.id", city="Pekalongan", logo=_logo(),
)
PARA = ("Sehubungan dengan pelaksanaan kegiatan pengamanan informasi di lingkungan "
        "Pemerintah Kota Pekalongan, bersama ini kami sampaikan bahwa rapat koordinasi "
        "akan dilaksanakan pada hari Senin, tanggal 30 November 2026 pukul 09.00 WIB "
        "bertempat di Ruang Rapat Utama. Mohon kehadiran Saudara tepat waktu.")


def copy_ctx(paragraphs: int = 30, classification: str = "SR") -> dict:
    body = "\n\n".join(f"{i}. {PARA}" for i in range(1, paragraphs + 1))
    return dict(
        office=OFFICE, classification=classification, urgency="Segera",
        copy_number=1, copy_total=1, agenda_number="0042/KRIP/2026",
        letter_number="000.5.1/0123/Sandi/2026", letter_date=dt.date(2026, 11, 27),
        sender="Badan Siber dan Sandi Negara", date=dt.date(2026, 11, 28),
        addressee=dict(title="Wali Kota Pekalongan", address="Pekalongan"),
        subject="Rapat koordinasi pengamanan informasi",
        body=body + "\n\nTertanda\n    Kepala Badan <b>bukan tag</b>",
        attachments=["Daftar hadir", "Jadwal kegiatan"],
        copied_by=dict(name="Budi Santoso", nip="199001012015031001", title="Sandiman"),
        qr_text="https://naskah.pekalongankota.go.id/v/AB12CD",
        verification_code="AB12-CD34",
    )


def cover_ctx(rows: int = 2) -> dict:
    return dict(
        office=OFFICE, classification="R", number="000.5.1/0124/Sandi/2026",
        date=dt.date(2026, 11, 28),
        addressee=dict(title="Wali Kota Pekalongan", address="Pekalongan"),
        items=[dict(name=f"Surat salinan Nomor 000.5.1/0123/Sandi/2026 ({i})",
                    quantity="1 lembar", notes="Salinan ke-1 dari 1")
               for i in range(1, rows + 1)],
        paraf=dict(initials="BS", time=dt.datetime(2026, 11, 28, 2, 15, tzinfo=UTC)),
        signer=dict(title="Kepala Seksi Persandian dan Keamanan Informasi",
                    name="Dra. Siti Aminah, M.Si.", nip="197805122005012003"),
    )


def envelope_ctx(kind: str, classification: str = "R") -> dict:
    return dict(kind=kind, office=OFFICE, classification=classification,
                letter_number="000.5.1/0123/Sandi/2026", urgency="Segera",
                addressee=dict(title="Wali Kota Pekalongan", address="Pekalongan"))


def receipt_ctx() -> dict:
    return dict(
        office=OFFICE, number="TT-2026-0042", date=dt.date(2026, 11, 28),
        items=[dict(letter_number="000.5.1/0123/Sandi/2026", classification="R",
                    copy_number=1, copy_total=1, agenda_number="0042/KRIP/2026")],
        recipient=dict(title="Wali Kota Pekalongan", name="Sekretariat Pimpinan"),
        sender=dict(name="Budi Santoso", nip="199001012015031001", title="Sandiman"),
        qr_text="https://naskah.pekalongankota.go.id/r/TT42", verification_code="TT42-XY",
    )


def agenda_ctx(n: int = 300) -> dict:
    rows = [dict(
        received_at=dt.datetime(2026, 11, 1 + i % 28, 3, 0, tzinfo=UTC),
        agenda_number=f"{i:04d}/KRIP/2026", sender="Badan Siber dan Sandi Negara",
        letter_number=f"000.5.1/{i:04d}/Sandi/2026", letter_date=dt.date(2026, 11, 1 + i % 28),
        summary="kriptogram", attachments=i % 3, forwarded_to="Wali Kota Pekalongan",
        notes="selesai") for i in range(1, n + 1)]
    return dict(office=OFFICE, period="Tahun 2026", classification="T", rows=rows,
                printed_at=dt.datetime(2026, 12, 31, 9, 0, tzinfo=UTC))


def disposal_ctx() -> dict:
    recs = [dict(agenda_number=f"{i:04d}/KRIP/2016", date=dt.date(2016, 3, i),
                 classification="R" if i % 2 else "T", retention_until=dt.date(2026, 3, i))
            for i in range(1, 9)]
    return dict(office=OFFICE, number="BA-003/Sandi/2026", date=dt.date(2026, 11, 28),
                method="pencacahan kertas dan penghapusan berkas elektronik", records=recs,
                kasi=dict(name="Dra. Siti Aminah, M.Si.", nip="197805122005012003"),
                witness=dict(name="Agus Wibowo, S.Kom.", nip="198203152010011004",
                             title="Pranata Komputer"))


def complaint_ctx() -> dict:
    return dict(office=OFFICE, ticket="ADU-2026-0001", access_code="K7P-2QX",
                created_at=dt.datetime(2026, 11, 28, 2, 15, tzinfo=UTC),
                status_url="https://naskah.pekalongankota.go.id/aduan/ADU-2026-0001",
                survey_url="https://naskah.pekalongankota.go.id/survei", officer="Rina")


DOCS = {
    "copy_letter": ("copy_letter.html", copy_ctx, {}),
    "cover_letter": ("cover_letter.html", cover_ctx, {}),
    "envelope_inner_C5": ("envelope.html", lambda: envelope_ctx("inner"),
                          dict(page_size_mm=envelope_size_mm("C5"), orientation="landscape")),
    "envelope_outer_C4": ("envelope.html", lambda: envelope_ctx("outer"),
                          dict(page_size_mm=envelope_size_mm("C4"), orientation="landscape")),
    "envelope_single_DL": ("envelope.html", lambda: envelope_ctx("single", "T"),
                           dict(page_size_mm=envelope_size_mm("DL"), orientation="landscape")),
    "envelope_inner_folio": ("envelope.html", lambda: envelope_ctx("inner", "SR"),
                             dict(page_size_mm=envelope_size_mm("folio"), orientation="landscape")),
    "receipt": ("receipt.html", receipt_ctx, {}),
    "agenda_book": ("agenda_book.html", agenda_ctx, dict(paper="F4", orientation="landscape")),
    "disposal_report": ("disposal_report.html", disposal_ctx, {}),
    "complaint_slip": ("complaint_slip.html", complaint_ctx, dict(paper="A6")),
}


@pytest.fixture(scope="module")
def pdfs() -> dict[str, bytes]:
    return {k: render_pdf(t, f(), **kw) for k, (t, f, kw) in DOCS.items()}


def texts(pdf: bytes) -> list[str]:
    return [p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages]


def mark_positions(pdf: bytes, index: int, mark: str) -> list[float]:
    """y coordinates (points from the bottom) where `mark` is drawn on a page."""
    found: list[float] = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip() == mark:
            found.append(cm[5] + tm[5] * cm[3])
    PdfReader(io.BytesIO(pdf)).pages[index].extract_text(visitor_text=visit)
    return found


def squash(s: str) -> str:
    return re.sub(r"\s+", " ", s)


# --------------------------------------------------------------------------- content

def test_copy_letter_fields_and_marks_on_every_page(pdfs):
    pdf = pdfs["copy_letter"]
    pages = texts(pdf)
    assert len(pages) >= 3
    for i, t in enumerate(pages, 1):
        assert t.count("SANGAT RAHASIA") == 2, i
        assert f"Halaman {i} dari {len(pages)}" in t
        ys = mark_positions(pdf, i - 1, "SANGAT RAHASIA")
        height = page_sizes_pt(pdf)[i - 1][1]
        assert len(ys) == 2 and max(ys) > height - 60 and min(ys) < 60, (i, ys)
    full = squash(" ".join(pages))
    for needle in ("SALINAN", "Salinan ke-1 dari 1", "0042/KRIP/2026", "000.5.1/0123/Sandi/2026",
                   "Pekalongan, 28 November 2026", "27 November 2026", "Wali Kota Pekalongan",
                   "Rapat koordinasi pengamanan informasi", "Badan Siber dan Sandi Negara",
                   "DINAS KOMUNIKASI DAN INFORMATIKA", "Daftar hadir", "AB12-CD34",
                   "Disalin sesuai dengan aslinya", "Budi Santoso", "<b>bukan tag</b>"):
        assert needle in full, needle


def test_cover_letter_fields(pdfs):
    t = squash(" ".join(texts(pdfs["cover_letter"])))
    for needle in ("SURAT PENGANTAR", "000.5.1/0124/Sandi/2026", "Kepada", "Yth. Wali Kota Pekalongan",
                   "Naskah yang dikirim", "Banyaknya", "Keterangan", "1 lembar",
                   "Kepala Seksi Persandian dan", "Keamanan Informasi", "Dra. Siti Aminah, M.Si.",
                   "NIP. 197805122005012003", "Paraf", "BS", "09.15 WIB", "Diterima oleh:",
                   "Tanda tangan", "RAHASIA"):
        assert needle in t, needle
    assert page_count(pdfs["cover_letter"]) == 1


def test_cover_letter_many_rows_continue_without_repeating_signature():
    pdf = render_pdf("cover_letter.html", cover_ctx(rows=25))
    pages = texts(pdf)
    assert len(pages) >= 2
    assert "Dra. Siti Aminah" in pages[0]
    assert all("Dra. Siti Aminah" not in p for p in pages[1:])
    assert "(25)" in squash(" ".join(pages))


def test_envelopes():
    inner = squash(" ".join(texts(render_pdf("envelope.html", envelope_ctx("inner"),
                                             page_size_mm=envelope_size_mm("C5"), orientation="landscape"))))
    assert inner.count("RAHASIA") == 2 and "000.5.1/0123/Sandi/2026" in inner
    assert "Wali Kota Pekalongan" in inner
    outer = squash(" ".join(texts(render_pdf("envelope.html", envelope_ctx("outer"),
                                             page_size_mm=envelope_size_mm("C5"), orientation="landscape"))))
    assert "RAHASIA" not in outer and "000.5.1/0123" not in outer
    assert "DINAS KOMUNIKASI DAN INFORMATIKA" in outer and "Wali Kota Pekalongan" in outer
    single = squash(" ".join(texts(render_pdf("envelope.html", envelope_ctx("single", "T"),
                                              page_size_mm=envelope_size_mm("DL"), orientation="landscape"))))
    assert "TERBATAS" in single and "000.5.1/0123/Sandi/2026" in single
    with pytest.raises(ValueError):
        render_pdf("envelope.html", envelope_ctx("single", "SR"))
    with pytest.raises(ValueError):
        render_pdf("envelope.html", envelope_ctx("bogus"))


@pytest.mark.parametrize("name,size", [("C4", (229, 324)), ("C5", (162, 229)), ("DL", (110, 220)),
                                       ("folio", (250, 350))])
def test_envelope_sizes_landscape(pdfs, name, size):
    pdf = render_pdf("envelope.html", envelope_ctx("inner"), page_size_mm=envelope_size_mm(name),
                     orientation="landscape")
    (w, h), = page_sizes_pt(pdf)
    assert abs(w - size[1] * 72 / 25.4) < 1 and abs(h - size[0] * 72 / 25.4) < 1
    assert page_count(pdf) == 1


def test_receipt_fields(pdfs):
    t = squash(" ".join(texts(pdfs["receipt"])))
    for needle in ("TANDA TERIMA", "TT-2026-0042", "000.5.1/0123/Sandi/2026", "RAHASIA", "1 dari 1",
                   "0042/KRIP/2026", "Wali Kota Pekalongan", "Nama", "NIP/No. Identitas",
                   "Tanda tangan", "Jam", "Cap/stempel instansi penerima", "TT42-XY"):
        assert needle in t, needle


def test_agenda_book_multipage_with_repeated_header(pdfs):
    pages = texts(pdfs["agenda_book"])
    assert len(pages) >= 5
    for i, t in enumerate(pages, 1):
        flat = squash(t)
        assert "No. agenda" in flat and "Diteruskan kepada" in flat, i  # header repeated
        assert "Ringkasan" in flat and "Keterangan" in flat, i
        assert t.count("TERBATAS") == 2, i
    full = " ".join(pages)
    assert "0001/KRIP/2026" in full and "0300/KRIP/2026" in full
    assert "kriptogram" in full


def test_disposal_report(pdfs):
    t = squash(" ".join(texts(pdfs["disposal_report"])))
    for needle in ("BERITA ACARA PEMUSNAHAN ARSIP", "BA-003/Sandi/2026",
                   "Pada hari ini Sabtu tanggal dua puluh delapan bulan November tahun dua ribu dua puluh enam",
                   "0001/KRIP/2016", "0008/KRIP/2016", "RAHASIA", "TERBATAS", "01-03-2026",
                   "Saksi", "Agus Wibowo", "Dra. Siti Aminah", "198203152010011004"):
        assert needle in t, needle


def test_complaint_slip(pdfs):
    t = squash(" ".join(texts(pdfs["complaint_slip"])))
    for needle in ("BUKTI PENGADUAN", "ADU-2026-0001", "K7P-2QX", "28 November 2026 pukul 09.15 WIB",
                   "Survei kepuasan"):
        assert needle in t, needle
    # each address sits under its own QR, broken into lines that stay inside the margin
    assert "https://naskah.pekalongankota.go.id/survei" in t.replace(" ", "")
    assert page_count(pdfs["complaint_slip"]) == 1
    assert b"/Subtype /Image" in pdfs["complaint_slip"]  # the QR codes


# --------------------------------------------------------------------------- marks, fonts, sizes

def _content(pdf: bytes, page: int = 0) -> bytes:
    return PdfReader(io.BytesIO(pdf)).pages[page].get_contents().get_data()


@pytest.mark.parametrize("code,red", [("SR", True), ("R", True), ("T", False), ("B", False)])
def test_mark_colour(code, red):
    html = render_html("copy_letter.html", copy_ctx(2, code))
    label = fmt.classification_label(code)
    cls = "mark-red" if red else "mark-black"
    assert re.search(rf'class="mark mark-top {cls}">{label}<', html)
    assert re.search(rf'class="mark mark-bottom {cls}">{label}<', html)
    ops = _content(render_pdf("copy_letter.html", copy_ctx(2, code)))
    assert (b"1 0 0 rg" in ops) is red


def test_fonts_embedded(pdfs, tmp_path):
    for name, pdf in pdfs.items():
        f = tmp_path / f"{name}.pdf"
        f.write_bytes(pdf)
        out = subprocess.run(["pdffonts", str(f)], capture_output=True, text=True, check=True).stdout
        rows = out.splitlines()[2:]
        assert rows, name
        for row in rows:
            # columns: name type encoding emb sub uni ...; 'emb' is the 4th from the end
            assert row.split()[-5] == "yes", (name, row)
            assert "DejaVu" in row, (name, row)


def test_paper_sizes():
    f4 = render_pdf("receipt.html", receipt_ctx(), paper="F4")
    (w, h), = page_sizes_pt(f4)
    assert abs(w - 609.4) <= 1 and abs(h - 935.4) <= 1
    a4l = render_pdf("receipt.html", receipt_ctx(), paper="A4", orientation="landscape")
    (w, h), = page_sizes_pt(a4l)
    assert abs(w - 841.9) <= 1 and abs(h - 595.3) <= 1
    with pytest.raises(ValueError):
        render_pdf("receipt.html", receipt_ctx(), paper="B9")


def test_deterministic_output():
    a = render_pdf("receipt.html", receipt_ctx(), deterministic=True)
    b = render_pdf("receipt.html", receipt_ctx(), deterministic=True)
    assert a == b


def test_render_errors_and_escaping():
    with pytest.raises(RenderError):
        render_pdf("does_not_exist.html", {})
    html = render_html("copy_letter.html", copy_ctx(1))
    assert "&lt;b&gt;bukan tag&lt;/b&gt;" in html
    assert "@font-face" in html and "DejaVuSerif.ttf" in html
    browser = render_html("copy_letter.html", copy_ctx(1), font_base_url="/static/fonts")
    assert 'url("/static/fonts/print/DejaVuSerif.ttf")' in browser and "pdf:pagenumber" not in browser


def test_qr_helpers():
    png = qr_png("https://naskah.example/v/1")
    assert png.startswith(b"\x89PNG")
    assert qr_data_uri("x").startswith("data:image/png;base64,")
    with pytest.raises(ValueError):
        qr_png("")


def test_formatting_wib():
    t = dt.datetime(2026, 11, 27, 19, 30, tzinfo=UTC)  # 28 Nov 02.30 WIB
    assert fmt.tanggal_jam(t) == "28 November 2026 pukul 02.30 WIB"
    assert fmt.tanggal(dt.datetime(2026, 11, 27, 19, 30)) == "28 November 2026"  # naive = UTC
    assert fmt.tempat_tanggal("Pekalongan", dt.date(2026, 11, 28)) == "Pekalongan, 28 November 2026"
    assert fmt.hari_tanggal(dt.date(2026, 11, 28)) == "Sabtu, 28 November 2026"


# --------------------------------------------------------------------------- look at them

def test_rasterise_all_to_png(pdfs, tmp_path):
    assert shutil.which("pdftoppm"), "pdftoppm (poppler-utils) is required: make test installs it"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, pdf in pdfs.items():
        src = tmp_path / f"{name}.pdf"
        src.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(src), str(tmp_path / name)], check=True)
        pngs = sorted(tmp_path.glob(f"{name}-*.png"))
        assert len(pngs) == page_count(pdf), name
        for png in pngs:
            with Image.open(png) as im:
                assert im.size[0] > 100 and im.getbbox()
            shutil.copy(png, ARTIFACTS / png.name)
        shutil.copy(src, ARTIFACTS / src.name)
