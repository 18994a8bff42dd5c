"""The citizen's printable slip with ticket and access code (item 13)."""
import re
import subprocess

from pypdf import PdfReader

FORM = {"name": "Rahmat Hidayat", "contact": "rahmat@contoh.id", "text": "Salinan belum sampai."}


def test_public_complaint_gives_a_printable_slip(client, tmp_path):
    page = client.get(client.post("/pengaduan", data=FORM).location).get_data(as_text=True)
    ticket = re.search(r'id="ticket-no">([^<]+)<', page).group(1)
    code = re.search(r'id="access-code">([^<]+)<', page).group(1)
    assert "data-print" in page and "/pengaduan/terkirim/bukti.pdf" in page and code not in "/pengaduan/terkirim/bukti.pdf"
    r = client.get("/pengaduan/terkirim/bukti.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    path = tmp_path / "bukti.pdf"
    path.write_bytes(r.data)
    text = "".join(p.extract_text() for p in PdfReader(str(path)).pages)
    assert ticket in text and code in text and "Rahmat" not in text    # the identity stays off the slip
    subprocess.run(["pdftoppm", "-png", "-r", "70", str(path), str(tmp_path / "bukti")], check=True)


def test_slip_needs_the_session_that_sent_the_complaint(app):
    stranger = app.test_client()
    r = stranger.get("/pengaduan/terkirim/bukti.pdf")
    assert r.status_code == 302 and r.location.endswith("/pengaduan/status")
