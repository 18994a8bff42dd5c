"""Office settings page: admin only, validated, images checked by content, each save audited."""
import io

import pytest

from naskah.core import settings
from naskah.extensions import db
from tests import paperkit as kit
from tests.factories import login


def _form(**over):
    data = {
        "office_government": "Pemerintah Kota Pekalongan", "office_name": "Dinas Komunikasi dan Informatika",
        "office_unit": "Seksi Persandian", "office_address": "Jl. Mataram No. 1", "office_phone": "(0285) 1",
        "office_email": "", "office_website": "diskominfo.example.go.id", "office_city": "Pekalongan",
        "kasi_user_id": "", "kasi_title": "Kepala Seksi Persandian dan Keamanan Informasi",
        "kasi_name": "Dra. Siti Aminah", "kasi_nip": "197805122005012003",
        "letter_number_format": "000.5.1/{nomor:04d}/Sandi/{tahun}", "paper": "F4",
        "verification_base_url": "http://192.168.1.10:5000",
        "retention_SR": "10", "retention_R": "10", "retention_T": "5", "retention_B": "2",
    }
    data.update(over)
    return data


def _get(app, key):
    with app.app_context():
        return settings.get(key)


@pytest.fixture
def admin_client(app, make, client):
    login(client, make.user("admin"))
    return client


@pytest.mark.parametrize("role", ["sandiman", "kasi", "petugas", "pejabat"])
def test_only_admin(app, make, client, role):
    login(client, make.user(role))
    before = kit.count_events(app)
    assert client.get("/admin/pengaturan").status_code == 403
    assert client.post("/admin/pengaturan", data=_form(office_city="Batang")).status_code == 403
    assert _get(app, "office_city") == "Pekalongan" and kit.count_events(app) == before


def test_save_with_images_is_one_audit_event(app, admin_client):
    page = admin_client.get("/admin/pengaturan")
    assert page.status_code == 200 and "Format nomor surat" in page.get_data(as_text=True)
    before = kit.count_events(app)
    data = _form(office_city="Batang", paper="F4")
    data["office_logo"] = (io.BytesIO(kit.png_bytes("logo", fmt="JPEG")), "logo.jpg")
    data["office_stamp"] = (io.BytesIO(kit.png_bytes("stamp")), "cap.png")
    response = admin_client.post("/admin/pengaturan", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert _get(app, "office_city") == "Batang" and _get(app, "paper") == "F4"
    assert _get(app, "office_stamp")["png"] and _get(app, "office_logo")["width"] == 240
    assert _get(app, "retention_years") == {"SR": 10, "R": 10, "T": 5, "B": 2}
    assert kit.count_events(app) == before + 1
    event = kit.events(app, action="settings.update")[-1]
    assert "office_city" in event.details and "office_stamp" in event.details
    assert "base64" not in event.details and len(event.details) < 2000
    page = admin_client.get("/admin/pengaturan").get_data(as_text=True)
    assert 'src="data:image/png;base64,' in page


def test_nothing_changed_is_not_audited(app, admin_client):
    admin_client.post("/admin/pengaturan", data=_form())
    before = kit.count_events(app)
    assert admin_client.post("/admin/pengaturan", data=_form()).status_code == 302
    assert kit.count_events(app) == before


@pytest.mark.parametrize("fmt,message", [
    ("000.5.1/Sandi/{tahun}", "harus memuat {nomor}"),
    ("{nomor:04d}/{bulan}", "Hanya {nomor} dan {tahun}"),
    ("{nomor:xyz}/{tahun}", "Format tidak sah"),
    ("{nomor", "Format tidak sah"),
])
def test_number_format_validated(app, admin_client, fmt, message):
    before = kit.count_events(app)
    response = admin_client.post("/admin/pengaturan", data=_form(letter_number_format=fmt, office_city="Batang"))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _get(app, "office_city") == "Pekalongan" and kit.count_events(app) == before


@pytest.mark.parametrize("payload,message", [
    (b"GIF89a" + b"\x00" * 50, "PNG atau JPEG"),
    (b"\x89PNG\r\n\x1a\n" + b"rusak" * 20, "rusak"),
    (b"%PDF-1.7 bukan gambar", "PNG atau JPEG"),
])
def test_images_checked_by_content(app, admin_client, payload, message):
    data = _form(office_city="Batang")
    data["office_stamp"] = (io.BytesIO(payload), "cap.png")
    response = admin_client.post("/admin/pengaturan", data=data, content_type="multipart/form-data")
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert _get(app, "office_stamp") is None and _get(app, "office_city") == "Pekalongan"


def test_image_size_limit(app, admin_client):
    data = _form()
    data["office_logo"] = (io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * (600 * 1024)), "besar.png")
    response = admin_client.post("/admin/pengaturan", data=data, content_type="multipart/form-data")
    assert response.status_code == 400 and "512 KB" in response.get_data(as_text=True)


@pytest.mark.parametrize("field,value,message", [
    ("retention_T", "0", "1 sampai 100"), ("retention_B", "abc", "1 sampai 100"),
    ("paper", "A3", None), ("verification_base_url", "ftp://x", "alamat lengkap"),
    ("office_city", "", "Wajib diisi"), ("kasi_user_id", "99999", None),
])
def test_bad_values(app, admin_client, field, value, message):
    response = admin_client.post("/admin/pengaturan", data=_form(**{field: value}))
    assert response.status_code == 400
    if message:
        assert message in response.get_data(as_text=True)
    assert _get(app, "paper") == "A4"


def test_kasi_taken_from_user_and_letter_number_format_used(app, make, admin_client):
    kasi = make.user("kasi", full_name="Ir. Kasi Terpilih", nip="198001012000011001")
    response = admin_client.post("/admin/pengaturan", data=_form(
        kasi_user_id=str(kasi.id), letter_number_format="B/{nomor:03d}/SANDI/{tahun}"))
    assert response.status_code == 302
    with app.app_context():
        from naskah.paper import letters
        assert letters.kasi_signer()["name"] == "Ir. Kasi Terpilih"
        assert settings.format_letter_number(7, 2026) == "B/007/SANDI/2026"
        assert letters.number_placeholder(2026) == "B/....../SANDI/2026"


def test_remove_image(app, admin_client):
    data = _form()
    data["office_logo"] = (io.BytesIO(kit.png_bytes("logo")), "logo.png")
    admin_client.post("/admin/pengaturan", data=data, content_type="multipart/form-data")
    assert _get(app, "office_logo") is not None
    admin_client.post("/admin/pengaturan", data=_form(remove_logo="y"))
    assert _get(app, "office_logo") is None


def test_settings_reach_the_letterhead(app, make, admin_client):
    data = _form(office_name="Dinas Uji Coba", paper="F4")
    data["office_logo"] = (io.BytesIO(kit.png_bytes("logo")), "logo.png")
    admin_client.post("/admin/pengaturan", data=data, content_type="multipart/form-data")
    sandiman, kasi = kit.people(make)
    doc_id = make.document(step=5, sandiman=sandiman, kasi=kasi)
    admin_client.post("/keluar")
    login(admin_client, sandiman)
    pdf = admin_client.get(f"/cetak/{doc_id}/pengantar.pdf").data
    text = kit.flat(pdf)
    assert "DINAS UJI COBA" in text and "000.5.1/....../Sandi/" in text
    from pypdf import PdfReader
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert round(float(page.mediabox.height) / 72 * 25.4) == 330  # F4
    assert len(page.images) >= 1  # the logo
    with app.app_context():
        db.session.remove()
