"""One helper decides every redirect target (issue 12 item 2): a table of hostile `next` values."""
import pytest

from naskah.auth.redirects import safe_target
from tests.factories import login

HOSTILE = [
    "//evil.example", "///evil.example", "\\\\evil.example", "/\\evil.example", "\\/evil.example",
    "/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", " //evil.example", "\x00//evil.example",
    "/\x0b/evil.example", "\x1f/evil.example", "/%5Cevil.example", "/%5cevil.example", "/%2F/evil.example",
    "%2F%2Fevil.example", "/%252F/evil.example", "/%09/evil.example", "/%0a/evil.example",
    "https://evil.example", "http:evil.example", "javascript:alert(1)", "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)", "data:text/html,<script>alert(1)</script>", "evil.example", "papan",
    "/\u3000/evil.example", "/\u00a0/evil.example", "\u2028//evil.example", "/\u202e/evil.example",
    "/\uff0fevil.example", "\uff0f\uff0fevil.example", "/\ufe68evil.example", "/" + "a" * 3000, "", None,
]
SAFE = ["/papan", "/dokumen/3?tab=riwayat", "/papan?q=surat%20masuk", "/akun/sesi#bawah"]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_targets_are_refused(value):
    assert safe_target(value) is None


@pytest.mark.parametrize("value", SAFE)
def test_paths_on_this_site_pass(value):
    assert safe_target(value) == value


@pytest.mark.parametrize("value", ["/\t/evil.example", "/%5Cevil.example", "/\uff0fevil.example",
                                   "/\n/evil.example"])
def test_sign_in_and_second_step_never_leave_the_site(app, make, value):
    sandiman, kasi = make.user("sandiman"), make.user("kasi")
    client = app.test_client()
    r = client.post("/masuk", query_string={"next": value},
                    data={"username": sandiman.username, "password": "Rahasia12345"})
    assert r.status_code == 302 and r.location == "/papan"
    other = app.test_client()
    r = login(other, kasi)
    r = other.get("/masuk/verifikasi", query_string={"next": value})
    assert r.status_code == 302 and r.location == "/papan"
