"""Sign-in, lockout, forced password change, session expiry, CSRF and security headers."""
from naskah.extensions import db
from naskah.models import AuditEvent, User
from tests.factories import PASSWORD, login


def test_login_and_logout(app, client, make):
    user = make.user("sandiman")
    r = login(client, user)
    assert r.headers["Location"].endswith("/papan")
    assert client.get("/papan").status_code == 200
    client.post("/keluar")
    assert client.get("/papan").status_code == 302


def test_wrong_password_is_generic_and_audited(app, client, make):
    user = make.user("sandiman")
    r = client.post("/masuk", data={"username": user.username, "password": "salah"})
    assert r.status_code == 401 and "Nama pengguna atau kata sandi salah." in r.get_data(as_text=True)
    r2 = client.post("/masuk", data={"username": "tidakada", "password": "salah"})
    assert r2.status_code == 401 and "Nama pengguna atau kata sandi salah." in r2.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(
            AuditEvent.action == "auth.login_failed")) == 2


def test_first_login_forces_password_change(app, client, make):
    user = make.user("admin", must_change=True)
    login(client, user)
    r = client.get("/admin/pengguna")
    assert r.status_code == 302 and "/akun/kata-sandi" in r.headers["Location"]
    r = client.post("/akun/kata-sandi", data={"current": PASSWORD, "new": "lemah", "confirm": "lemah"})
    assert r.status_code == 200 and "minimal 10 karakter" in r.get_data(as_text=True)
    r = client.post("/akun/kata-sandi", data={"current": PASSWORD, "new": "BaruSekali123", "confirm": "BaruSekali123"})
    assert r.status_code == 302
    assert client.get("/admin/pengguna").status_code == 200


def test_password_change_ends_other_sessions(app, make):
    user = make.user("sandiman")
    first, second = app.test_client(), app.test_client()
    login(first, user)
    login(second, user)
    first.post("/akun/kata-sandi", data={"current": PASSWORD, "new": "BaruSekali123", "confirm": "BaruSekali123"})
    assert first.get("/papan").status_code == 200
    assert second.get("/papan").status_code == 302  # the old session is no longer valid


def test_session_is_fresh_at_login(app, client, make):
    user = make.user("sandiman")
    client.get("/masuk")
    with client.session_transaction() as s:
        s["planted"] = "x"
    login(client, user)
    with client.session_transaction() as s:
        assert "planted" not in s


def test_idle_session_expires(app, client, make):
    user = make.user("sandiman")
    login(client, user)
    with client.session_transaction() as s:
        s["last_seen"] -= app.config["IDLE_TIMEOUT"].total_seconds() + 5
    r = client.get("/papan")
    assert r.status_code == 302 and "/masuk" in r.headers["Location"]


def test_absolute_lifetime(app, client, make):
    user = make.user("sandiman")
    login(client, user)
    with client.session_transaction() as s:
        s["login_at"] -= app.config["SESSION_ABSOLUTE_LIFETIME"].total_seconds() + 5
    assert client.get("/papan").status_code == 302


def test_deactivated_user_is_signed_out(app, client, make):
    user = make.user("sandiman")
    login(client, user)
    with app.app_context():
        db.session.get(User, user.id).active = False
        db.session.commit()
    assert client.get("/papan").status_code == 302


def test_open_redirect_is_refused(app, client, make):
    user = make.user("sandiman")
    r = client.post("/masuk?next=//evil.example/x", data={"username": user.username, "password": PASSWORD})
    assert r.headers["Location"].endswith("/papan")


def test_csrf_required_on_state_changes(csrf_app):
    from tests.factories import Factories
    client = csrf_app.test_client()
    user = Factories(csrf_app).user("sandiman")
    r = client.post("/masuk", data={"username": user.username, "password": PASSWORD})
    assert r.status_code == 400 and "Muat ulang" in r.get_data(as_text=True)
    page = client.get("/masuk").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    assert client.post("/masuk", data={"username": user.username, "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302
    doc_id = Factories(csrf_app).document(step=1, sandiman=user)
    assert client.post(f"/dokumen/{doc_id}/aksi/register", data={}).status_code == 400
    board = client.get("/papan").get_data(as_text=True)
    header_token = board.split('"X-CSRFToken": "')[1].split('"')[0]
    r = client.post(f"/dokumen/{doc_id}/aksi/register", data={},
                    headers={"HX-Request": "true", "X-CSRFToken": header_token})
    assert r.status_code == 200


def test_security_headers(app, client, make):
    r = client.get("/masuk")
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Cache-Control"] == "no-store"
    assert "HX-Request" in r.headers["Vary"]
    body = r.get_data(as_text=True)
    assert "<script>" not in body and " style=" not in body


def test_no_inline_scripts_or_styles_in_templates():
    import pathlib
    import re
    root = pathlib.Path(__file__).resolve().parents[2] / "templates"
    for path in root.rglob("*.html"):
        if "print" in path.parts:
            continue  # PDF templates are rendered by xhtml2pdf, never served as pages
        text = path.read_text()
        assert "<script>" not in text and "hx-on" not in text and ' style="' not in text, path
        assert not re.search(r'(src|href)="https?://', text), path  # no asset from outside the LAN


def test_healthz(app, client, tmp_path):
    assert client.get("/healthz").status_code == 200
    from naskah import create_app
    from tests.conftest import make_config
    broken = create_app(make_config(tmp_path, SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none"))
    r = broken.test_client().get("/healthz")
    assert r.status_code == 503


def test_login_page_needs_no_login_and_static_is_cached(app, client):
    assert client.get("/masuk").status_code == 200
    r = client.get("/static/css/app.css")
    assert r.status_code == 200 and "no-store" not in r.headers.get("Cache-Control", "")
