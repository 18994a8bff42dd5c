"""Issue 14 over HTTP: borrowing log, receipt scan, audit trail page, monthly report PDF details."""
import io
import pathlib
import re

import pytest

from naskah.audit import trail as auditview
from naskah.core.timeutil import to_wib, utcnow
from naskah.extensions import db
from naskah.models import AuditEvent, Document
from naskah.models.archive import ArchiveLoan
from naskah.workflow import engine as workflow
from tests import paperkit as kit
from tests.factories import login

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _wib(minutes=0) -> str:
    from datetime import timedelta
    return (to_wib(utcnow()) + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M")


def _events(app, doc_id=None):
    with app.app_context():
        q = db.select(db.func.count(AuditEvent.id)).where(AuditEvent.action != "access.denied")
        if doc_id:
            q = q.where(AuditEvent.document_id == doc_id)
        return db.session.scalar(q)


@pytest.fixture
def archived(app, make):
    sandiman, kasi = kit.people(make)
    doc_id = make.document(step=9, sandiman=sandiman, kasi=kasi)
    return sandiman, kasi, doc_id


@pytest.mark.parametrize("role", ["pejabat", "petugas", "admin"])
def test_borrowing_needs_a_worker_role(app, make, client, archived, role):
    _, _, doc_id = archived
    login(client, make.user(role))
    before = _events(app)
    data = {"borrower_name": "X", "purpose": "Y", "borrowed_at": _wib()}
    assert client.post(f"/arsip/{doc_id}/peminjaman", data=data).status_code == 403
    assert client.get(f"/arsip/{doc_id}/peminjaman").status_code == 403
    assert _events(app) == before


def test_borrow_and_return_one_event_each_with_time_checks(app, client, archived):
    sandiman, _, doc_id = archived
    login(client, sandiman)
    before = _events(app, doc_id)
    bad = client.post(f"/arsip/{doc_id}/peminjaman",
                      data={"borrower_name": "Inspektorat", "purpose": "Audit", "borrowed_at": "2020-01-01T10:00"})
    assert bad.status_code == 400 and "tidak boleh sebelum naskah diarsipkan" in bad.get_data(as_text=True)
    missing = client.post(f"/arsip/{doc_id}/peminjaman", data={"borrowed_at": _wib()}).get_data(as_text=True)
    assert missing.count("Wajib diisi.") == 2  # every problem at once
    assert _events(app, doc_id) == before
    r = client.post(f"/arsip/{doc_id}/peminjaman",
                    data={"borrower_name": "Inspektorat", "purpose": "Audit", "borrowed_at": _wib()})
    assert r.status_code == 302 and _events(app, doc_id) == before + 1
    with app.app_context():
        loan_id = db.session.scalar(db.select(ArchiveLoan.id))
    again = client.post(f"/arsip/{doc_id}/peminjaman",
                        data={"borrower_name": "Lain", "purpose": "Audit", "borrowed_at": _wib()})
    assert again.status_code == 409 and "masih dipinjam" in again.get_data(as_text=True)
    future = client.post(f"/arsip/peminjaman/{loan_id}/kembali", data={"returned_at": _wib(60 * 24)})
    assert future.status_code == 400 and "tidak boleh di masa depan" in future.get_data(as_text=True)
    assert client.post(f"/arsip/peminjaman/{loan_id}/kembali", data={"returned_at": _wib()}).status_code == 302
    assert _events(app, doc_id) == before + 2
    page = client.get(f"/dokumen/{doc_id}").get_data(as_text=True)
    assert 'id="archive-location"' in page and "Peminjaman berkas" in page
    pdf = client.get(f"/arsip/{doc_id}/peminjaman.pdf")
    assert pdf.status_code == 200 and _events(app, doc_id) == before + 3
    assert "Inspektorat" in " ".join(kit.pdftotext(pdf.data, layout=False).split())
    kit.keep_png(pdf.data, "archive_loans")


def test_receipt_scan_is_checked_by_content_and_kept(app, client, make):
    sandiman, kasi = kit.people(make)
    doc_id = make.document(step=7, sandiman=sandiman, kasi=kasi)
    kit.advance(app, doc_id, "number_copy", sandiman)
    login(client, sandiman)
    before = _events(app, doc_id)
    with app.app_context():
        version = db.session.get(Document, doc_id).version
    data = {"recipient_name": "Rina", "delivered_at": _wib(), "version": str(version)}
    bad = client.post(f"/dokumen/{doc_id}/aksi/deliver", content_type="multipart/form-data",
                      data={**data, "receipt_scan": (io.BytesIO(b"MZ not a scan"), "scan.pdf")})
    assert bad.status_code == 400 and "harus berupa PDF, JPEG atau PNG" in bad.get_data(as_text=True)
    assert _events(app, doc_id) == before and factory_step(app, doc_id) == 7
    ok = client.post(f"/dokumen/{doc_id}/aksi/deliver", content_type="multipart/form-data",
                     data={**data, "receipt_scan": (io.BytesIO(b"%PDF-1.4 scan"), "scan.pdf")})
    assert ok.status_code == 302 and _events(app, doc_id) == before + 1 and factory_step(app, doc_id) == 8
    scan = client.get(f"/dokumen/{doc_id}/pindaian-tanda-terima")
    assert scan.status_code == 200 and scan.data == b"%PDF-1.4 scan" and scan.mimetype == "application/pdf"


def factory_step(app, doc_id) -> int:
    with app.app_context():
        return db.session.get(Document, doc_id).step


def _audit_actions_in_code() -> set[str]:
    """Every action name the code appends, f-strings expanded from their tables."""
    from naskah.complaints import flow as complaints
    found = set()
    for path in (ROOT / "naskah").rglob("*.py"):
        for m in re.finditer(r'(?:audit\.)?append\(\s*f?"([a-z0-9_]+\.[a-z0-9_{}.\-]+)"', path.read_text()):
            found.add(m.group(1))
    expanded = {a for a in found if "{" not in a}
    expanded |= {f"step.{t.action}" for t in workflow.TRANSITIONS}
    expanded |= {f"complaint.{t.action}" for t in complaints.TRANSITIONS}
    expanded |= {f"print.{p}" for p in ("salinan", "pengantar", "amplop", "tanda-terima")} | {"pki.issue", "pki.import"}
    return expanded


def test_every_audit_action_has_an_indonesian_label(app):
    with app.app_context():
        missing = sorted(a for a in _audit_actions_in_code() if auditview.action_label(a) == a)
    assert missing == []


def test_audit_page_filters_labels_and_pages(app, client, make):
    sandiman, kasi = kit.people(make)
    doc_id = make.document(step=3, sandiman=sandiman, kasi=kasi)
    other = make.document(step=2, sandiman=sandiman, kasi=kasi)
    login(client, kasi)
    with app.app_context():
        agenda = db.session.get(Document, doc_id).agenda_label
    page = _table(client.get(f"/audit/?naskah={agenda}"))
    assert "Dilaporkan ke Kasi" in page and f"#{other}" not in page
    assert not re.search(r"\b(step|auth|document|print)\.[a-z_]+", page)  # labels, never raw names
    by_action = _table(client.get("/audit/?tindakan=auth.login"))
    assert "Masuk" in by_action and "Diagendakan" not in by_action
    by_actor = _table(client.get(f"/audit/?pelaku={sandiman.username}"))
    assert "Kriptogram diterima" in by_actor and "Masuk" not in by_actor
    bad = client.get("/audit/?dari=kemarin&naskah=abc")
    assert bad.status_code == 400 and "Tanggal tidak valid" in bad.get_data(as_text=True)
    assert "Isi nomor agenda" in bad.get_data(as_text=True)
    today = to_wib(utcnow()).date().isoformat()
    assert "Kriptogram diterima" in _table(client.get(f"/audit/?dari={today}&sampai={today}"))
    assert "0 kejadian" in client.get("/audit/?dari=2001-01-01&sampai=2001-01-31").get_data(as_text=True)
    details = client.get(f"/audit/?naskah={agenda}&tindakan=step.register").get_data(as_text=True)
    assert "<b>agenda</b>: " + agenda in details and "<b>ke langkah</b>: 2" in details
    for _ in range(51):  # pages keep the filters
        with app.app_context():
            from naskah.audit import chain as audit
            audit.append("integrity.check", actor_name="cli", details={})
            db.session.commit()
    first = client.get("/audit/?tindakan=integrity.check").get_data(as_text=True)
    assert "Halaman 1 dari 2" in first and "tindakan=integrity.check" in first.split('rel="next"')[0][-200:]


def _table(response) -> str:
    html = response.get_data(as_text=True)
    return re.sub(r"<[^>]+>", " ", html.split('<table class="list audit">')[1].split("</table>")[0])


def test_audit_page_no_permission(app, client, make):
    login(client, make.user("sandiman"))
    before = _events(app)
    assert client.get("/audit/").status_code == 403
    assert _events(app) - before in (0, 1)  # no change; a denial may itself be audited (issue 12)


def test_monthly_report_pdf_details(app, client, make):
    sandiman, kasi = kit.people(make)
    login(client, kasi)
    r = client.get("/laporan/bulanan?format=pdf")
    text = " ".join(kit.pdftotext(r.data, layout=False).split())
    assert kit.KASI_NAME in text and kit.KASI_NIP in text
    assert "S.Kom.." not in text and "\u2014" in text  # nothing delivered: dashes, not blanks
    kit.keep_png(r.data, "monthly_report_empty")
