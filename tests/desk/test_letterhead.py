"""The office logo (PNG or SVG) on the letterhead of every paper; the public pages show the
government's name and logo (item 12)."""
import io

import pytest
from pypdf import PdfReader

from naskah.core import settings
from naskah.extensions import db
from naskah.paper import office as officesettings
from tests import paperkit as kit
from tests.factories import login
from tests.paper.test_office_settings_page import _form

SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="100" height="120" viewBox="0 0 100 120">'
       b'<path d="M50 5 L95 25 L90 80 Q50 118 10 80 L5 25 Z" fill="#1f5aa6"/><circle cx="50" cy="55" r="22" fill="#f0b400"/></svg>')


def test_svg_logo_is_accepted_and_shown(app, client, make):
    login(client, make.user("admin"))
    data = _form() | {"office_logo": (io.BytesIO(SVG), "logo.svg")}
    r = client.post("/admin/pengaturan", data=data, content_type="multipart/form-data")
    assert r.status_code == 302, r.get_data(as_text=True)[:400]
    with app.app_context():
        assert settings.get("office_logo")["svg"] and settings.get("office_logo")["width"] == 100
    assert "data:image/svg+xml;base64," in client.get("/admin/pengaturan").get_data(as_text=True)


@pytest.mark.parametrize("bad", [
    SVG.replace(b"<circle", b'<script>alert(1)</script><circle'),
    SVG.replace(b"<circle", b'<circle onload="alert(1)"'),
    SVG.replace(b"<circle", b'<image href="http://contoh.id/x.png" width="1" height="1"/><circle'),
    SVG.replace(b'fill="#f0b400"', b'fill="url(http://contoh.id/#a)"'),
    b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><text>&x;</text></svg>',
    SVG.replace(b"<circle", b'<foreignObject width="9" height="9"></foreignObject><circle'),
])
def test_unsafe_svg_is_refused(app, bad):
    from naskah.core.errors import DomainError
    with app.app_context(), pytest.raises(DomainError):
        officesettings.check_image(bad, "office_logo")


def _images(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize("url", ["/cetak/{doc}/disposisi.pdf", "/cetak/agenda.pdf?periode=2026",
                                 "/cetak/{doc}/pengantar.pdf"])
def test_every_paper_carries_the_logo(app, client, make, url):
    sandiman, kasi = make.user("sandiman"), make.user("kasi")
    doc = make.document(step=5, sandiman=sandiman, kasi=kasi)
    login(client, sandiman)
    target = url.format(doc=doc)
    without = _images(client.get(target).data)
    with app.app_context():
        settings.set_value("office_logo", officesettings.check_image(kit.png_bytes("logo"), "office_logo"))
        db.session.commit()
    assert _images(client.get(target).data) == without + 1


def test_complaint_papers_use_the_same_letterhead(app, client, make):
    from tests.complaint_helpers import make_complaint
    petugas, pejabat = make.user("petugas"), make.user("pejabat")
    with app.app_context():
        settings.set_value("office_logo", officesettings.check_image(kit.png_bytes("logo"), "office_logo"))
        db.session.commit()
    make_complaint(app, petugas, pejabat, "baru")
    login(client, make.user("kasi"))
    pdf = client.get("/laporan-pengaduan/register.pdf").data
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "PEMERINTAH KOTA PEKALONGAN" in text and "DINAS KOMUNIKASI DAN INFORMATIKA" in text
    assert _images(pdf) >= 1


def test_public_pages_show_the_government_and_its_logo(app, client):
    with app.app_context():
        settings.set_value("office_logo", officesettings.check_image(SVG, "office_logo"))
        db.session.commit()
    for path in ("/pengaduan", "/survei", "/verifikasi/", "/pengaduan/status"):
        body = client.get(path).get_data(as_text=True)
        assert "Pemerintah Kota Pekalongan" in body and 'alt="Logo Pemerintah Kota Pekalongan"' in body
