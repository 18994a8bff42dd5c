"""Issue 14 end to end: a cryptogram through all nine steps in a browser, checking the record as
the office files it, on the page and in the PDFs (pdftotext; the signed cover letter rendered
with pdftoppm into test-artifacts/print/ to be looked at)."""
import re
from datetime import timedelta

from naskah.core.timeutil import to_wib, utcnow, wib_today
from naskah.extensions import db
from naskah.models import Document
from tests import paperkit as kit
from tests.e2e.conftest import screenshot, sign_in
from tests.factories import PASSWORD, Factories

ADDRESS = "Jl. Mataram No. 1\nPekalongan 51100"


def _card(page, doc_id):
    return page.locator(f"#card-{doc_id}")


def _act(page, doc_id, label, fill=None, select=None, check=None, expect_error=False):
    card = _card(page, doc_id)
    card.get_by_role("link", name=label, exact=True).click()
    panel = page.locator(f"#card-{doc_id}.editing")
    panel.wait_for()
    for selector, value in (fill or {}).items():
        panel.locator(selector).fill(value)
    for selector, value in (select or {}).items():
        panel.locator(selector).select_option(value)
    for selector in (check or []):
        panel.locator(selector).check()
    panel.get_by_role("button", name=label).click()
    if expect_error:
        page.locator(f"#card-{doc_id}.editing .field-error").first.wait_for()
        return panel
    page.locator(f"#card-{doc_id}.editing").wait_for(state="detached")
    page.locator("#flash .flash-success").wait_for()
    return None


def _pdf(page, base, path) -> bytes:
    response = page.request.get(base + path)
    assert response.status == 200 and response.body().startswith(b"%PDF"), path
    return response.body()


def _wib(dt) -> str:
    return to_wib(dt).strftime("%Y-%m-%dT%H:%M")


def test_a_cryptogram_through_nine_steps_as_the_office_files_it(live_server, page_factory):
    app = live_server.app
    make = Factories(app)
    sandiman, kasi = kit.people(make)
    kit.give_certificate(app, kasi)
    kit.set_stamp(app)
    base = live_server.url

    s = page_factory()
    sign_in(s, base, sandiman.username, PASSWORD)
    # Step 1, with an impossible time first (item 3): the message sits next to the field.
    s.goto(f"{base}/dokumen/baru")
    s.fill("#sender_agency", "Badan Siber dan Sandi Negara")
    s.fill("#sender_ref_number", "R/77/BSSN/2026")
    s.select_option("#classification", "SR")
    s.select_option("#urgency", "kilat")
    s.fill("#cryptogram_text", "-----BEGIN CMS-----\nMIIB...\n-----END CMS-----")
    s.fill("#received_at", _wib(utcnow() + timedelta(days=2)))
    s.get_by_role("button", name="Simpan penerimaan").click()
    assert "tidak boleh di masa depan" in s.locator("#received_at-err").inner_text()
    s.fill("#received_at", _wib(utcnow() - timedelta(minutes=30)))
    s.get_by_role("button", name="Simpan penerimaan").click()
    s.wait_for_url(f"{base}/papan")
    with app.app_context():
        doc_id = db.session.scalar(db.select(Document.id))

    _act(s, doc_id, "Agendakan", fill={"[name=attachments]": "1 (satu) berkas"})
    _act(s, doc_id, "Laporkan ke Kasi")
    k = page_factory()
    sign_in(k, base, kasi.username, PASSWORD)
    _act(k, doc_id, "Tugaskan dekripsi", select={"[name=assignee_id]": str(sandiman.id)})
    s.locator(f"#col-4 #card-{doc_id}").wait_for(timeout=15_000)
    _act(s, doc_id, "Dekripsi & ketik salinan", fill={
        "[name=plaintext]": "Mohon kesiapan pengamanan kunjungan kerja.",
        "[name=addressee]": "Wali Kota Pekalongan", "[name=addressee_address]": ADDRESS,
        "[name=subject]": "Pengamanan kunjungan"})
    _act(s, doc_id, "Paraf & ajukan ke Kasi", check=["[name=confirm]"])
    k.locator(f"#col-6 #card-{doc_id}").wait_for(timeout=15_000)
    _act(k, doc_id, "Tandatangani", select={"[name=courier_id]": str(sandiman.id)},
         fill={"[name=passphrase]": kit.PASSPHRASE})

    # Item 1: the signed cover letter carries its number in the Nomor field, once.
    with app.app_context():
        cover_number = db.session.get(Document, doc_id).cover_number
    assert re.fullmatch(r"000\.5\.1/0001/Sandi/\d{4}", cover_number)
    signed = _pdf(k, base, f"/cetak/{doc_id}/pengantar.pdf")
    text = kit.pdftotext(signed)
    assert re.search(rf"Nomor\s+:\s+{re.escape(cover_number)}", text), text[:800]
    assert text.count(cover_number) == 1 and "/....../" not in text and "SURAT PENGANTAR Nomor" not in text
    assert kit.keep_png(signed, "e2e-cover-letter-signed")  # looked at: the number is in the Nomor field

    # Item 2: step 8 in paper order; the card says what is done.
    s.goto(f"{base}/papan")
    card = _card(s, doc_id)
    card.wait_for()
    assert card.get_by_role("link", name="Catat penerimaan", exact=True).count() == 0
    assert "todo" in card.locator("[data-item=number]").get_attribute("class")
    _act(s, doc_id, "Nomori & cap salinan")
    with app.app_context():
        copy_number = db.session.get(Document, doc_id).letter_number
    copy_pdf = _pdf(s, base, f"/cetak/{doc_id}/salinan.pdf")
    kit.keep_png(copy_pdf, "e2e-copy-letter-stamped")
    copy = kit.pdftotext(copy_pdf)
    assert copy_number in copy and "1 (satu) berkas" in copy
    assert not re.search(r"Tanggal\s+:\s*\n", copy)  # item 10: no empty sender's date
    for kind in ("dalam", "luar"):
        envelope_pdf = _pdf(s, base, f"/cetak/{doc_id}/amplop.pdf?jenis={kind}&ukuran=C5")
        kit.keep_png(envelope_pdf, f"e2e-envelope-{kind}")
        envelope = kit.pdftotext(envelope_pdf)
        assert "Jl. Mataram No. 1" in envelope and "Tempat" in envelope
        assert ("RAHASIA" in envelope) == (kind == "dalam")
    receipt_pdf = _pdf(s, base, f"/cetak/{doc_id}/tanda-terima.pdf")
    kit.keep_png(receipt_pdf, "e2e-receipt")
    receipt = kit.pdftotext(receipt_pdf)
    assert copy_number in receipt
    s.goto(f"{base}/papan")
    for item in ("number", "copy", "envelope-dalam", "envelope-luar", "receipt"):
        assert "done" in _card(s, doc_id).locator(f"[data-item={item}]").get_attribute("class"), item
    assert "todo" in _card(s, doc_id).locator("[data-item=delivered]").get_attribute("class")
    screenshot(s, "issue14-step8-checklist")

    # Item 3: a delivery time before the numbering is refused next to the field.
    panel = _act(s, doc_id, "Catat penerimaan", fill={"[name=recipient_name]": "Rina Kartika",
                                                      "[name=delivered_at]": "2026-11-01T10:00"},
                 expect_error=True)
    assert "tidak boleh sebelum salinan dinomori dan dicap" in panel.locator("#delivered_at-err").inner_text()
    screenshot(s, "issue14-delivery-time-refused")
    s.locator(f"#card-{doc_id}.editing [name=delivered_at]").fill(_wib(utcnow()))
    s.locator(f"#card-{doc_id}.editing").get_by_role("button", name="Catat penerimaan").click()
    s.locator(f"#col-8 #card-{doc_id}").wait_for()

    # Item 5: archive location on the document page; borrowing log, printable.
    _act(s, doc_id, "Arsipkan", fill={"[name=archive_cabinet]": "L-01", "[name=archive_shelf]": "R-2",
                                       "[name=archive_box]": "B-2026-03", "[name=archive_folder]": "M-12",
                                       "[name=note]": "Asli kriptogram dalam map merah"})
    s.goto(f"{base}/dokumen/{doc_id}")
    assert s.locator("#archive-location").inner_text().startswith("Lemari L-01, Rak R-2, Boks B-2026-03, Map M-12")
    assert "map merah" in s.locator("#archive-note").inner_text()
    s.get_by_role("link", name="Peminjaman berkas").click()
    s.fill("#borrower_name", "Inspektorat Kota")
    s.fill("#purpose", "Pemeriksaan reguler")
    s.get_by_role("button", name="Catat peminjaman").click()
    s.locator(".loan-open").first.wait_for()
    s.fill("#returned_at", _wib(utcnow() - timedelta(days=1)))
    s.get_by_role("button", name="Catat pengembalian").click()
    assert "tidak boleh sebelum waktu peminjaman" in s.locator(".field-error").inner_text()
    s.fill("#returned_at", _wib(utcnow()))
    s.get_by_role("button", name="Catat pengembalian").click()
    s.locator("#flash .flash-success").wait_for()
    loans_pdf = _pdf(s, base, f"/arsip/{doc_id}/peminjaman.pdf")
    loans = " ".join(kit.pdftotext(loans_pdf, layout=False).split())
    kit.keep_png(loans_pdf, "e2e-archive-loans")
    assert "Inspektorat Kota" in loans and "Pemeriksaan reguler" in loans and "S.Kom.." not in loans

    # Items 4 and 7: the dashboard and the monthly report agree; the PDF is filled from the user record.
    bulan = wib_today().strftime("%Y-%m")
    k.goto(f"{base}/dasbor?bulan={bulan}")
    dash = k.locator("#waiting-now").inner_text()
    k.goto(f"{base}/laporan/bulanan?bulan={bulan}")
    assert k.locator("#waiting-now").inner_text() == dash == "0 naskah"
    report_pdf = _pdf(k, base, f"/laporan/bulanan?bulan={bulan}&format=pdf")
    kit.keep_png(report_pdf, "e2e-monthly-report")
    report = " ".join(kit.pdftotext(report_pdf, layout=False).split())
    assert kit.KASI_NAME in report and kit.KASI_NIP in report and "S.Kom.." not in report
    csv = k.request.get(f"{base}/laporan/bulanan?bulan={bulan}&format=csv")
    assert csv.headers["content-type"] == "text/csv; charset=utf-8"
    from naskah.core import csvexport
    rows = csvexport.read_back(csv.body())
    assert ["penyampaian", "disampaikan", "", "1"] in rows and ["penyampaian", "kepatuhan SLA (%)", "", "100"] in rows

    # Item 9: the audit trail in Indonesian, filtered by document.
    k.goto(f"{base}/audit/?naskah={doc_id}")
    table = k.locator("table.audit").inner_text()
    for label in ("Salinan dinomori dan dicap", "Penerimaan dicatat", "Berkas arsip dipinjam",
                  "Berkas arsip dikembalikan", "Ditandatangani Kasi"):
        assert label in table, label
    assert not re.search(r"\b(step|archive|print)\.[a-z_]+", table)
    screenshot(k, "issue14-audit-filtered")

    # Item 6: disposal with confirmation; the document says "Dimusnahkan" with the berita acara.
    with app.app_context():
        db.session.get(Document, doc_id).retention_until = wib_today() - timedelta(days=1)
        db.session.commit()
    k.goto(f"{base}/arsip/")
    k.locator(f"input[name=doc_ids][value='{doc_id}']").check()
    k.fill("#witness_name", "Dewi Lestari")
    k.fill("#witness_nip", "199208172019032001")
    k.fill("#passphrase", kit.PASSPHRASE)
    k.get_by_role("button", name="Musnahkan dan buat berita acara").click()
    assert "Centang konfirmasi" in k.locator(".field-error").first.inner_text()
    k.locator(f"input[name=doc_ids][value='{doc_id}']").check()
    k.fill("#passphrase", kit.PASSPHRASE)
    k.locator("#confirm").check()
    k.get_by_role("button", name="Musnahkan dan buat berita acara").click()
    k.wait_for_url(re.compile(r".*/arsip/pemusnahan/\d+$"))
    k.goto(f"{base}/dokumen/{doc_id}")
    assert re.search(r"Dimusnahkan · berita acara BA-001/Sandi/\d{4}", k.locator("#disposed-mark").inner_text())
    screenshot(k, "issue14-disposed")
    assert s.js_errors == [] and k.js_errors == []
