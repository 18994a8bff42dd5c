"""Errors on public pages and print forms are shown in place, in the page's own layout (item 16)."""
import pytest

from tests.factories import login


@pytest.mark.parametrize("url", ["/verifikasi/?kode=AB/CD", "/verifikasi/?kode=%3Cx%3E", "/verifikasi/AB%2FCD"])
def test_invalid_verification_code_stays_on_the_verification_page(client, url):
    r = client.get(url, follow_redirects=True)
    body = r.get_data(as_text=True)
    assert r.status_code in (400, 404)
    assert "<h1>Verifikasi dokumen</h1>" in body and "Tidak ditemukan" not in body
    assert ">Masuk</a>" not in body.split("<main")[1]          # no sign-in button as the way out


def test_bad_agenda_print_period_is_shown_next_to_its_field(client, make):
    login(client, make.user("sandiman"))
    r = client.get("/cetak/agenda.pdf?periode=2026-13", follow_redirects=True)
    body = r.get_data(as_text=True)
    assert r.status_code == 400 and r.mimetype == "text/html"
    assert "Buku agenda kriptogram masuk" in body
    assert 'id="a-period-err"' in body and "Periode tidak valid" in body and 'value="2026-13"' in body


def test_a_missing_date_says_it_is_required(client, make):
    login(client, make.user("admin"))
    r = client.post("/admin/kalender/libur", data={"date": "", "label": "Libur", "kind": "libur"})
    body = r.get_data(as_text=True)
    assert "Tanggal wajib diisi." in body and "format" not in body.split("Tanggal wajib diisi.")[0][-200:]


def test_missing_received_time_is_required_not_invalid(client, make):
    login(client, make.user("sandiman"))
    r = client.post("/dokumen/baru", data={"sender_agency": "BSSN", "sender_ref_number": "R/1",
                                          "channel": "kurir", "classification": "R", "urgency": "biasa",
                                          "received_at": "", "cryptogram_text": "x"})
    body = r.get_data(as_text=True)
    err = body.split('name="received_at"')[1].split("</div>")[0]
    assert "Wajib diisi." in err and "tidak valid" not in err
