"""Password policy, throttling, lockout, session rotation and expiry, logout of all sessions."""
import pytest

from naskah.auth.passwords import problems
from naskah.extensions import db
from naskah.models import AuditEvent, User
from tests.factories import PASSWORD, login


def count_events(app, action):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(AuditEvent.action == action))


@pytest.mark.parametrize("password, reason", [
    ("Pendek1", "minimal"),
    ("semuahurufkecil1", "huruf besar"),
    ("Password123", "terlalu umum"),
    ("P@ssw0rd2026!", "terlalu umum"),
    ("Rahasia2026", "terlalu umum"),
    ("Qwertyuiop1", "terlalu umum"),
    ("Aaaaaaaaaa1", "terlalu umum"),
])
def test_policy_refuses_weak_passwords(password, reason):
    assert any(reason in p for p in problems(password, "budi"))


def test_policy_refuses_the_username_and_accepts_a_good_one():
    assert any("nama pengguna" in p for p in problems("XsandimanBudi9", "sandimanbudi"))
    assert problems("Kelapa-Muda-Tegal7", "budi") == []


def test_change_password_applies_the_policy_with_the_username(app, client, make):
    user = make.user("sandiman", username="budisantoso")
    login(client, user)
    r = client.post("/akun/kata-sandi", data={"current": PASSWORD, "new": "Budisantoso2026x",
                                              "confirm": "Budisantoso2026x"})
    assert r.status_code == 200 and "nama pengguna" in r.get_data(as_text=True)
    r = client.post("/akun/kata-sandi", data={"current": PASSWORD, "new": "Password2026",
                                              "confirm": "Password2026"})
    assert "terlalu umum" in r.get_data(as_text=True)
    assert count_events(app, "auth.password_changed") == 0


def test_repeated_failures_throttle_this_account_from_this_address(app, client, make):
    user = make.user("sandiman")
    for _ in range(app.config["LOGIN_PAIR_FREE_FAILURES"]):
        assert client.post("/masuk", data={"username": user.username, "password": "salah"}).status_code == 401
    r = client.post("/masuk", data={"username": user.username, "password": PASSWORD})
    assert r.status_code == 401  # throttled: the same answer as a wrong password
    assert count_events(app, "auth.login") == 0


def test_per_address_throttle_across_accounts(app, client, make):
    """Guessing one password against many accounts from one address is stopped too."""
    app.config["LOGIN_IP_MAX_FAILURES"] = 4
    victims = [make.user("sandiman") for _ in range(4)]
    for v in victims:
        assert client.post("/masuk", data={"username": v.username, "password": "Tebakan123"}).status_code == 401
    fresh = make.user("sandiman")
    r = client.post("/masuk", data={"username": fresh.username, "password": PASSWORD})
    assert r.status_code == 429 and "alamat ini" in r.get_data(as_text=True)
    with app.app_context():  # nobody got locked individually by this
        assert all(db.session.get(User, v.id).locked_until is None for v in victims)
    other_address = app.test_client()
    r = other_address.post("/masuk", data={"username": fresh.username, "password": PASSWORD},
                           environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert r.status_code == 302


def test_session_is_rotated_at_login(app, client, make):
    """Nothing an attacker planted in a pre-login session survives the sign-in."""
    user = make.user("sandiman")
    with client.session_transaction() as s:
        s["planted"] = "x"
        s["mfa_ok"] = f"{user.id}:1"
    before = client.get_cookie("naskah_session").value
    login(client, user)
    after = client.get_cookie("naskah_session").value
    assert before != after
    with client.session_transaction() as s:
        assert "planted" not in s and "login_at" in s


def test_password_change_ends_every_other_session(app, make):
    user = make.user("kasi")
    a, b = app.test_client(), app.test_client()
    login(a, user)
    login(b, user)
    assert b.get("/papan").status_code == 200
    r = a.post("/akun/kata-sandi", data={"current": PASSWORD, "new": "Mangga-Harum-77", "confirm": "Mangga-Harum-77"})
    assert r.status_code == 302
    r = b.get("/papan")
    assert r.status_code == 302 and "/masuk" in r.location
    assert a.get("/papan").status_code == 200  # the changing session stays, second factor kept


def test_idle_and_absolute_lifetime(app, client, make):
    user = make.user("sandiman")
    login(client, user)
    with client.session_transaction() as s:
        s["last_seen"] -= app.config["IDLE_TIMEOUT"].total_seconds() + 5
    assert "/masuk" in client.get("/papan").location
    login(client, user)
    with client.session_transaction() as s:
        s["login_at"] -= app.config["SESSION_ABSOLUTE_LIFETIME"].total_seconds() + 5
    assert "/masuk" in client.get("/papan").location


def test_secure_cookies_and_hsts_behind_https(tmp_path, monkeypatch, make):
    from naskah import create_app
    from tests.conftest import make_config, reset_database
    monkeypatch.setenv("NASKAH_SECURE_COOKIES", "1")
    monkeypatch.setenv("NASKAH_PROXY_COUNT", "1")
    app = create_app(make_config(tmp_path))
    reset_database(app)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    client = app.test_client()
    r = client.get("/masuk", headers={"X-Forwarded-For": "10.1.2.3", "X-Forwarded-Proto": "https"})
    assert r.headers["Strict-Transport-Security"].startswith("max-age=")
    from naskah.models import AuditEvent as AE
    from tests import factories
    user = factories.Factories(app).user("sandiman")
    r = client.post("/masuk", data={"username": user.username, "password": PASSWORD},
                    headers={"X-Forwarded-For": "10.1.2.3", "X-Forwarded-Proto": "https"})
    assert r.status_code == 302 and r.location.startswith(("https://", "/"))
    assert "; Secure" in r.headers["Set-Cookie"] and "HttpOnly" in r.headers["Set-Cookie"]
    with app.app_context():
        event = db.session.scalars(db.select(AE).where(AE.action == "auth.login")).one()
        assert '"ip": "10.1.2.3"' in event.details
        db.engine.dispose()
