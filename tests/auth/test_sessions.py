"""Server-side sessions (issue 12 item 1): a row per sign-in, the cookie carries the id alone,
and sign-out, password change, deactivation, second-factor reset and the admin end them."""
import hashlib

import pytest
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature

from naskah.extensions import db
from naskah.models import AuditEvent, User
from naskah.models.websession import WebSession
from tests.factories import PASSWORD, login


def _cookie(client):
    return client.get_cookie("naskah_session").value


def _copy(app, client):
    """A second browser holding a copy of `client`'s session cookie."""
    thief = app.test_client()
    thief.set_cookie("naskah_session", _cookie(client))
    return thief


def _rows(app, user_id=None):
    with app.app_context():
        q = db.select(WebSession)
        if user_id is not None:
            q = q.where(WebSession.user_id == user_id)
        return db.session.scalars(q).all()


def test_copied_cookie_is_dead_after_sign_out(app, client, make):
    user = make.user("sandiman")
    login(client, user)
    thief = _copy(app, client)
    assert thief.get("/papan").status_code == 200
    assert client.post("/keluar").status_code == 302
    r = thief.get("/papan")
    assert r.status_code == 302 and "/masuk" in r.location
    assert _rows(app, user.id) == []


def test_cookie_carries_only_an_id_and_the_database_only_its_hash(app, client, make):
    user = make.user("sandiman")
    login(client, user)
    with client.session_transaction() as s:
        s["public_complaint"] = {"ticket": "PGD-1", "code": "KODEAKSESRAHASIA"}
    token = _cookie(client)
    assert "KODEAKSESRAHASIA" not in token and "." not in token and len(token) < 60
    with pytest.raises(BadSignature):  # not a readable signed-cookie payload any more
        SecureCookieSessionInterface().get_signing_serializer(app).loads(token)
    (row,) = _rows(app, user.id)
    assert token not in row.token_hash and row.token_hash != hashlib.sha256(token.encode()).hexdigest()
    assert b"KODEAKSESRAHASIA" not in row.data and b"public_complaint" not in row.data


@pytest.mark.parametrize("how", ["password_change", "deactivate", "admin_reset_password",
                                 "admin_reset_2fa", "admin_end_sessions"])
def test_account_changes_end_sessions_on_the_server(app, make, how):
    admin = make.user("admin")
    victim = make.user("sandiman", totp=how == "admin_reset_2fa")
    browser = app.test_client()
    login(browser, victim)
    thief = _copy(app, browser)
    admin_client = app.test_client()
    login(admin_client, admin)
    if how == "password_change":
        r = browser.post("/akun/kata-sandi", data={"current": PASSWORD, "new": "Mangga-Harum-77",
                                                    "confirm": "Mangga-Harum-77"})
        assert r.status_code == 302
        thief = _copy(app, browser)  # even the fresh cookie's previous copy is gone
        old = app.test_client()
        login(old, victim, password="Mangga-Harum-77")
        assert len(_rows(app, victim.id)) == 2
        return
    url = {"deactivate": f"/admin/pengguna/{victim.id}/aktif",
           "admin_reset_password": f"/admin/pengguna/{victim.id}/reset",
           "admin_reset_2fa": f"/admin/pengguna/{victim.id}/reset-2fa",
           "admin_end_sessions": f"/admin/pengguna/{victim.id}/akhiri-sesi"}[how]
    assert admin_client.post(url).status_code in (200, 302)
    assert _rows(app, victim.id) == []
    r = thief.get("/akun/sesi")
    assert r.status_code == 302 and "/masuk" in r.location


def test_password_change_keeps_only_the_changing_session(app, make):
    user = make.user("sandiman")
    a, b = app.test_client(), app.test_client()
    login(a, user)
    login(b, user)
    assert len(_rows(app, user.id)) == 2
    a.post("/akun/kata-sandi", data={"current": PASSWORD, "new": "Mangga-Harum-77", "confirm": "Mangga-Harum-77"})
    assert len(_rows(app, user.id)) == 1
    assert a.get("/papan").status_code == 200


def test_user_sees_and_ends_own_sessions(app, make):
    user = make.user("sandiman")
    desk, phone = app.test_client(), app.test_client()
    login(desk, user)
    login(phone, user)
    page = desk.get("/akun/sesi").get_data(as_text=True)
    assert "sesi ini" in page and "Akhiri" in page
    other = next(r for r in _rows(app, user.id) if r.token_hash != hashlib.sha256(
        b"naskah-session-id/v1:" + _cookie(desk).encode()).hexdigest())
    stranger = make.user("sandiman")
    s = app.test_client()
    login(s, stranger)
    assert s.post(f"/akun/sesi/{other.id}/akhiri").status_code == 404  # not theirs: nothing ends
    assert len(_rows(app, user.id)) == 2
    assert desk.post(f"/akun/sesi/{other.id}/akhiri").status_code == 302
    assert "/masuk" in phone.get("/papan").location
    assert desk.get("/papan").status_code == 200
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(
            AuditEvent.action == "auth.session_ended")) == 1


def test_admin_end_sessions_is_admin_only(app, make):
    user = make.user("sandiman")
    victim = make.user("sandiman")
    c, v = app.test_client(), app.test_client()
    login(c, user)
    login(v, victim)
    assert c.post(f"/admin/pengguna/{victim.id}/akhiri-sesi").status_code == 403
    assert len(_rows(app, victim.id)) == 1
    with app.app_context():
        assert db.session.get(User, victim.id).active


@pytest.mark.parametrize("role", ["sandiman", "kasi"])  # kasi: a second factor is required and enrolled
def test_the_session_row_brings_its_user_and_second_factor(app, client, make, role):
    """One statement reads the session, its user and the second-factor enrolment: a signed-in
    page reads neither users nor totp_credentials by themselves (each was a query per request)."""
    from tests.workflow.test_query_counts import Counter
    login(client, make.user(role))
    client.get("/papan")
    with Counter(app) as c:
        assert client.get("/papan").status_code == 200
    alone = [s for s in c.seen if s.startswith("SELECT") and " JOIN " not in s
             and ("FROM users WHERE" in s or "FROM totp_credentials WHERE" in s)]
    assert alone == [], alone
    assert sum("FROM web_sessions LEFT OUTER JOIN users" in s for s in c.seen) == 1, c.seen


def test_a_user_changed_after_the_session_was_read_is_read_afresh(app, client, make):
    """The user read with the session row is used only for that request: the next request sees
    a deactivation or a new session epoch (a password change elsewhere)."""
    user = make.user("sandiman")
    login(client, user)
    assert client.get("/papan").status_code == 200
    with app.app_context():
        db.session.get(User, user.id).session_epoch = (user.session_epoch or 0) + 1
        db.session.commit()
    assert client.get("/papan").status_code == 302
