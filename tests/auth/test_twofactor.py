"""Two-factor sign-in: required for kasi/admin, optional for others, no route around it."""
import re
from urllib.parse import urlsplit

import pyotp
import pytest

from naskah.extensions import db
from naskah.models import AuditEvent, Document, SecretBlob, User
from naskah.models.twofactor import RecoveryCode, TotpCredential
from tests.factories import PASSWORD, login, second_factor_code

VERIFY = "/masuk/verifikasi"
SETUP = "/akun/dua-langkah"


def password_only(client, user):
    response = client.post("/masuk", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def actions(app):
    with app.app_context():
        return [e.action for e in db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.seq))]


def sample_url(rule):
    values = {arg: (1 if rule._converters[arg].__class__.__name__ == "IntegerConverter" else "x")
              for arg in rule.arguments}
    return rule.build(values, append_unknown=False)[1]


def test_password_alone_reaches_no_page(app, client, make):
    """Every route x method answers a half-signed-in kasi with a redirect to the 2FA page."""
    kasi = make.user("kasi")
    doc_id = make.document(step=3)
    response = password_only(client, kasi)
    assert urlsplit(response.location).path == VERIFY
    before = make.get(doc_id).version
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("static", "healthz", "twofactor.verify", "auth.logout"):
            continue
        url = sample_url(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            r = client.open(url, method=method, data={"assignee_id": "1", "version": "1"})
            assert r.status_code == 302, (rule.endpoint, method, r.status_code)
            assert urlsplit(r.location).path == VERIFY, (rule.endpoint, r.location)
            checked += 1
    assert checked >= 15
    r = client.post(f"/dokumen/{doc_id}/aksi/assign", data={"assignee_id": "1"})
    assert urlsplit(r.location).path == VERIFY
    assert make.get(doc_id).version == before  # nothing moved


def test_htmx_request_is_redirected_with_hx_redirect(client, make):
    kasi = make.user("kasi")
    password_only(client, kasi)
    r = client.get("/papan", headers={"HX-Request": "true"})
    assert r.status_code == 302 and r.headers["HX-Redirect"].startswith(VERIFY)


def test_correct_code_opens_the_app(app, client, make):
    kasi = make.user("kasi")
    password_only(client, kasi)
    r = client.post(VERIFY + "?next=/agenda/", data={"code": second_factor_code(kasi.username)})
    assert r.status_code == 302 and r.location.endswith("/agenda/")
    assert client.get("/papan").status_code == 200
    assert actions(app)[-2:] == ["auth.login", "auth.2fa_ok"]


def test_wrong_codes_are_counted_and_lock(app, client, make):
    kasi = make.user("kasi")
    password_only(client, kasi)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        r = client.post(VERIFY, data={"code": "000000"})
        assert r.status_code == 401
        assert "Kode salah" in r.get_data(as_text=True)
    good = second_factor_code(kasi.username)
    r = client.post(VERIFY, data={"code": good})
    assert r.status_code == 429  # locked even with the right code
    assert client.get("/papan").status_code == 302
    assert actions(app).count("auth.2fa_failed") == app.config["LOGIN_MAX_FAILURES"]


def test_code_cannot_be_replayed(app, make):
    kasi = make.user("kasi")
    code = second_factor_code(kasi.username)
    first, second = app.test_client(), app.test_client()
    password_only(first, kasi)
    assert first.post(VERIFY, data={"code": code}).status_code == 302
    password_only(second, kasi)
    r = second.post(VERIFY, data={"code": code})
    assert r.status_code == 401
    assert second.get("/papan").status_code == 302


def test_per_address_throttle_on_codes(app, make):
    app.config["LOGIN_IP_MAX_FAILURES"] = 3
    app.config["LOGIN_MAX_FAILURES"] = 100
    users = [make.user("kasi") for _ in range(2)]
    client = app.test_client()
    password_only(client, users[0])
    for _ in range(3):
        assert client.post(VERIFY, data={"code": "123456"}).status_code == 401
    other = app.test_client()
    password_only(other, users[1])
    r = other.post(VERIFY, data={"code": second_factor_code(users[1].username)})
    assert r.status_code == 429


def _enrol(app, client):
    """Run the enrolment pages; returns (secret, recovery codes)."""
    assert client.post(SETUP + "/mulai").status_code == 302
    page = client.get(SETUP).get_data(as_text=True)
    assert 'src="data:image/png;base64,' in page
    secret = re.search(r'<code class="otp">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    r = client.post(SETUP + "/konfirmasi", data={"code": "000000"})
    assert r.status_code == 302  # wrong code: back to the page, nothing enabled
    r = client.post(SETUP + "/konfirmasi", data={"code": pyotp.TOTP(secret).now()})
    assert r.status_code == 200
    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", r.get_data(as_text=True))
    return secret, codes


def test_required_role_must_enrol_then_recovery_codes_work_once(app, client, make):
    kasi = make.user("kasi", totp=False)
    r = password_only(client, kasi)
    assert urlsplit(r.location).path == SETUP
    for path in ("/papan", "/agenda/", "/akun/kata-sandi", "/audit/"):
        assert urlsplit(client.get(path).location).path == SETUP, path
    secret, codes = _enrol(app, client)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/papan").status_code == 200
    with app.app_context():
        stored = db.session.scalars(db.select(RecoveryCode.code_hash)).all()
        assert len(stored) == 10 and not any(c.replace("-", "") in h for c in codes for h in stored)
        cred = db.session.get(TotpCredential, kasi.id)
        blob = db.session.get(SecretBlob, cred.secret_blob_id)
        assert secret.encode() not in blob.ciphertext and cred.confirmed_at is not None
    assert "auth.2fa_enabled" in actions(app)

    fresh = app.test_client()
    password_only(fresh, kasi)
    assert fresh.post(VERIFY, data={"code": codes[0].upper()}).status_code == 302
    assert fresh.get("/papan").status_code == 200
    again = app.test_client()
    password_only(again, kasi)
    assert again.post(VERIFY, data={"code": codes[0]}).status_code == 401
    assert again.post(VERIFY, data={"code": codes[1]}).status_code == 302


def test_enrolment_ends_other_sessions(app, make):
    user = make.user("sandiman")
    a, b = app.test_client(), app.test_client()
    login(a, user)
    login(b, user)
    _enrol(app, a)
    assert b.get("/papan").status_code == 302
    assert a.get("/papan").status_code == 200


def test_optional_for_other_roles_and_can_be_switched_off(app, client, make):
    user = make.user("sandiman")
    login(client, user)
    assert client.get("/papan").status_code == 200  # not forced
    secret, _ = _enrol(app, client)
    with app.app_context():
        db.session.execute(db.update(TotpCredential).values(last_step=None))
        db.session.commit()
    r = client.post(SETUP + "/matikan", data={"code": pyotp.TOTP(secret).now()})
    assert r.status_code == 302
    with app.app_context():
        assert db.session.get(TotpCredential, user.id) is None
        assert db.session.scalar(db.select(db.func.count(RecoveryCode.id))) == 0
    assert client.get("/papan").status_code == 200


def test_required_role_cannot_switch_it_off(app, client, make):
    kasi = make.user("kasi")
    login(client, kasi)
    r = client.post(SETUP + "/matikan", data={"code": second_factor_code(kasi.username)})
    assert r.status_code == 302
    with app.app_context():
        assert db.session.get(TotpCredential, kasi.id) is not None
    assert "auth.2fa_disabled" not in actions(app)


def test_admin_reset_makes_the_user_enrol_again(app, make):
    admin, kasi = make.user("admin"), make.user("kasi")
    kasi_client, admin_client = app.test_client(), app.test_client()
    login(kasi_client, kasi)
    assert kasi_client.get("/papan").status_code == 200
    login(admin_client, admin)
    r = admin_client.post(f"/admin/pengguna/{kasi.id}/reset-2fa", data={"reason": "Ponsel Kasi hilang"})
    assert r.status_code == 302
    assert kasi_client.get("/papan").status_code == 200  # a Kasi's reset waits for the Pejabat
    pejabat = app.test_client()
    login(pejabat, make.user("pejabat"))
    from naskah.models.approval import KasiApproval
    with app.app_context():
        approval_id = db.session.scalar(db.select(KasiApproval.id))
    assert pejabat.post(f"/persetujuan/{approval_id}", data={"keputusan": "setujui"}).status_code == 302
    assert kasi_client.get("/papan").status_code == 302  # its session ended
    r = password_only(kasi_client, kasi)
    assert urlsplit(r.location).path == SETUP
    assert "auth.2fa_reset" in actions(app)


def test_reset_needs_admin(app, make):
    kasi = make.user("kasi")
    other = make.user("kasi")
    client = app.test_client()
    login(client, kasi)
    assert client.post(f"/admin/pengguna/{other.id}/reset-2fa").status_code == 403
    with app.app_context():
        assert db.session.get(TotpCredential, other.id) is not None


@pytest.mark.parametrize("role", ["kasi", "admin"])
def test_factory_login_completes_the_second_factor(app, client, make, role):
    user = make.user(role)
    r = login(client, user)
    assert urlsplit(r.location).path in ("/papan", "/admin/pengguna")
    assert client.get(urlsplit(r.location).path).status_code == 200
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Document.id))) == 0
        assert db.session.get(User, user.id).role == role
