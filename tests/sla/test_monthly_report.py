"""The monthly report: same numbers on the page, in the CSV and in the PDF (text via pypdf)."""
import io
from datetime import timezone

import pytest
from pypdf import PdfReader

from tests import sla_fixture as fx
from tests.factories import login

NOW_UTC = fx.NOW.astimezone(timezone.utc)


@pytest.fixture
def kasi_client(app, client, make, monkeypatch):
    monkeypatch.setattr("naskah.sla.metrics.utcnow", lambda: NOW_UTC)
    ids = fx.build(app, make.user("sandiman"))
    login(client, make.user("kasi", full_name="Agus Wibowo"))
    with fx.PauseSource(ids):
        yield client


def pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)


def test_pdf_report_text(kasi_client, tmp_path):
    r = kasi_client.get("/laporan/bulanan?bulan=2026-11&format=pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert 'filename="rekapitulasi-2026-11.pdf"' in r.headers["Content-Disposition"]
    text = pdf_text(r.data)
    flat = " ".join(text.split())
    for expected in ("REKAPITULASI BULANAN", "Bulan November 2026", "Kriptogram diterima 4",
                     "tepat waktu (paling lama 1 hari kerja) 2", "terlambat 1", "Kepatuhan SLA 66,7%",
                     "Dekripsi gagal 2", "1 / 6,50",
                     f"1 {fx.BSSN} 0 2 0 0 2", f"2 {fx.KODIM} 1 0 0 1 2", "Jumlah 1 2 0 1 4",
                     "5 Didekripsi 3 1,92 2,50", "8 Didistribusikan 3 2,00 4,00", "2 Diagendakan 4 0,44 0,50",
                     "Pengaduan Indeks survei kepuasan Jumlah: 0",
                     "oleh Agus Wibowo", "Kepala Seksi Persandian"):
        assert expected in flat, expected
    # chart text is drawn as text too (svglib vectors): axis labels and legend
    assert "Diterima" in flat and "Disampaikan" in flat and "SR R T B" in flat
    (tmp_path / "r.pdf").write_bytes(r.data)


def test_csv_report_has_the_same_numbers(kasi_client):
    from naskah.core import csvexport
    r = kasi_client.get("/laporan/bulanan?bulan=2026-11&format=csv")
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = csvexport.read_back(r.data)  # semicolons, BOM, decimal comma: as a spreadsheet reads it
    assert rows[0] == ["bagian", "butir", "rincian", "nilai"]
    table = {(a, b, c): d for a, b, c, d in rows[1:]}
    assert table[("penerimaan", "kriptogram diterima", "")] == "4"
    assert table[("penerimaan per instansi", fx.KODIM, "Sangat Rahasia")] == "1"
    assert table[("penyampaian", "kepatuhan SLA (%)", "")] == "66,7"
    assert table[("penyampaian", "terlambat", "")] == "1"
    assert table[("waktu per langkah (jam kerja)", "5 Didekripsi", "rata-rata")] == "1,92"
    assert table[("waktu per langkah (jam kerja)", "8 Didistribusikan", "persentil 90")] == "4"
    assert table[("menunggu kiriman ulang", "jam kerja", "")] == "6,5"
    assert table[("dekripsi gagal", "kejadian", "decrypt.failed")] == "2"
    assert table[("pengaduan", "Jumlah", "")] == "0"
    assert table[("indeks survei", "Jumlah responden", "")] == "0"
    assert table[("harian", "2026-11-30", "disampaikan")] == "1"


def test_page_shows_the_same_numbers_and_links(kasi_client):
    html = kasi_client.get("/laporan/bulanan?bulan=2026-11").get_data(as_text=True)
    assert "Rekapitulasi bulanan: November 2026" in html
    assert "66,7%" in html and "1,92" in html
    assert "bulan=2026-11&amp;format=pdf" in html and "bulan=2026-11&amp;format=csv" in html


def test_csv_cells_cannot_become_formulas(app, client, make):
    make.document(step=1, sandiman=make.user("sandiman"), kasi=make.user("kasi"),
                  sender_agency="=HYPERLINK(\"http://x\")")
    login(client, make.user("pejabat"))
    text = client.get("/laporan/bulanan?format=csv").data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert "\n=HYPERLINK" not in text and ";=HYPERLINK" not in text


def test_bad_month(client, make):
    login(client, make.user("kasi"))
    for bad in ("2026-00", "x", "2026-11-01"):
        r = client.get(f"/laporan/bulanan?bulan={bad}&format=pdf")
        assert r.status_code == 400 and r.mimetype == "text/html"
        assert "Bulan tidak valid" in r.get_data(as_text=True)


@pytest.mark.parametrize("role", ["sandiman", "petugas", "admin"])
def test_report_forbidden_for_other_roles(client, make, role):
    login(client, make.user(role))
    for fmt in ("", "pdf", "csv"):
        assert client.get(f"/laporan/bulanan?format={fmt}").status_code == 403


def test_pdf_page_breaks_leave_no_heading_or_signature_alone(kasi_client):
    """Item 7 of issue 14: no section heading is the last line of a page, and the signature is on
    the page of the last section (never alone on a page)."""
    import re
    pages = [p.extract_text() or "" for p in PdfReader(io.BytesIO(
        kasi_client.get("/laporan/bulanan?bulan=2026-11&format=pdf").data)).pages]
    assert len(pages) >= 2   # the fixture's report runs over pages, so breaks are exercised
    heading = re.compile(r"^[A-E]\. [A-Z]")
    for number, text in enumerate(pages[:-1], start=1):
        lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("Halaman")]
        assert lines and not heading.match(lines[-1]), f"halaman {number} berakhir dengan judul: {lines[-1]}"
    (signed,) = [t for t in pages if "Kepala Seksi Persandian" in t]
    assert "E. Pengaduan dan indeks survei" in signed
