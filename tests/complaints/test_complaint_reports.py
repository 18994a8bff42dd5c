"""The complaint register (page, CSV, PDF) and the satisfaction index on the report page."""
import io
from datetime import timedelta

import pytest
from pypdf import PdfReader

from naskah.complaints import survey
from naskah.core.timeutil import wib_today
from naskah.extensions import db
from naskah.models import AuditEvent
from tests.complaint_helpers import make_complaint
from tests.factories import login

TODAY = wib_today()
PERIOD = f"dari={TODAY - timedelta(days=30)}&sampai={TODAY}"


@pytest.fixture
def filed(app, make):
    petugas, pejabat = make.user("petugas"), make.user("pejabat")
    tickets = []
    for state, channel in (("baru", "telepon"), ("ditanggapi", "email"), ("selesai_eskalasi", "langsung")):
        cid, _ = make_complaint(app, petugas, pejabat, state, channel=channel)
        with app.app_context():
            from naskah.models.complaint import Complaint
            tickets.append(db.session.get(Complaint, cid).ticket)
    with app.app_context():
        survey.submit(survey.issue_code("layanan"), {f"u{i}": 3 for i in range(1, 10)})
        db.session.commit()
    return tickets, pejabat


def _exports(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(
            AuditEvent.action == "complaint.report_export"))


@pytest.mark.parametrize("role,status", [("pejabat", 200), ("kasi", 200), ("petugas", 403), ("sandiman", 403),
                                         ("admin", 403)])
def test_who_reads_reports(app, make, client, role, status):
    login(client, make.user(role))
    for fmt in ("", "register.csv", "register.pdf"):
        assert client.get(f"/laporan-pengaduan/{fmt}?{PERIOD}").status_code == status
    assert _exports(app) == (2 if status == 200 else 0)


def test_reports_need_login(client):
    assert client.get("/laporan-pengaduan/").status_code == 302


def test_report_page(app, client, filed):
    tickets, pejabat = filed
    login(client, pejabat)
    body = client.get(f"/laporan-pengaduan/?{PERIOD}").get_data(as_text=True)
    assert all(t in body for t in tickets)
    assert "75,00" in body and "Kurang Baik" in body  # all answers 3: IKM 75.00, grade C
    assert "Menurut saluran" in body and "Menurut status" in body


def test_register_csv(app, client, filed):
    tickets, pejabat = filed
    login(client, pejabat)
    response = client.get(f"/laporan-pengaduan/register.csv?{PERIOD}")
    from naskah.core import csvexport
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = csvexport.read_back(response.data)
    assert rows[1][0] == "Nomor tiket"
    assert [r[0] for r in rows[2:5]] == tickets
    assert [r[3] for r in rows[2:5]] == ["Baru", "Ditanggapi", "Selesai"]
    assert rows[4][4] == "ya"  # escalated
    totals = {r[0]: r[1] for r in rows if len(r) == 2}
    assert totals["Jumlah"] == "3" and totals["Saluran: Telepon"] == "1" and totals["Status: Selesai"] == "1"
    assert "Lewat target (masih terbuka)" in totals
    assert _exports(app) == 1


def test_register_pdf(app, client, filed):
    tickets, pejabat = filed
    login(client, pejabat)
    response = client.get(f"/laporan-pengaduan/register.pdf?{PERIOD}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "REGISTER PENGADUAN LAYANAN" in text
    assert all(t in text for t in tickets)
    assert "Jumlah pengaduan" in text and "Lewat target" in text and "75,00" in text
    assert _exports(app) == 1


def test_bad_period_is_explained(app, client, filed):
    _, pejabat = filed
    login(client, pejabat)
    response = client.get("/laporan-pengaduan/?dari=kemarin&sampai=2026-13-45")
    assert response.status_code == 200 and "Tanggal tidak valid" in response.get_data(as_text=True)
