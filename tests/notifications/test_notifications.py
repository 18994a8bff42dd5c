"""The waiting badge per role, and e-mail notices: content-free, optional, never blocking."""
import logging
import re
import time

import pytest
from sqlalchemy import event

from naskah.core import settings
from naskah.extensions import db
from naskah.models import AuditEvent, Document
from naskah.notifications import waiting as notify
from tests.factories import login
from tests.smtp_sink import SmtpSink


@pytest.fixture
def team(make):
    s1, s2, kasi = make.user("sandiman"), make.user("sandiman"), make.user("kasi")
    return s1, s2, kasi


def badge(client):
    html = client.get("/papan").get_data(as_text=True)
    m = re.search(r'<a class="waiting-badge[^"]*"[^>]*aria-label="([^"]*)"[^>]*>.*?class="waiting-count"[^>]*>(\d+)<',
                  html, re.S)
    return (int(m.group(2)), m.group(1)) if m else None


def test_badge_counts_per_role(app, client, make, team):
    s1, s2, kasi = team
    for step in (3, 3, 6, 4, 5, 7, 8):
        make.document(step=step, sandiman=s1, kasi=kasi)
    make.document(step=4, sandiman=s2, kasi=kasi)
    login(client, kasi)
    assert badge(client) == (3, "3 kriptogram menunggu tindakan Anda: 2 menunggu disposisi, 1 menunggu tanda tangan")
    client.post("/keluar")
    login(client, s1)
    assert badge(client) == (3, "3 kriptogram menunggu tindakan Anda: 1 menunggu dekripsi, 1 menunggu paraf, "
                                "1 menunggu penyampaian")
    client.post("/keluar")
    login(client, s2)
    assert badge(client)[0] == 1
    for role in ("pejabat",):
        client.post("/keluar")
        login(client, make.user(role))
        assert badge(client) is None
        assert "waiting-badge" not in client.get("/dasbor").get_data(as_text=True)


def test_badge_is_one_query(app, make, team):
    s1, _, kasi = team
    for step in (3, 4, 6, 7):
        make.document(step=step, sandiman=s1, kasi=kasi)
    for user, expected in ((kasi, 2), (s1, 2)):
        statements = []
        with app.app_context():
            def listener(*a, statements=statements):
                statements.append(a[2])
            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                assert notify.badge_for(user).count == expected
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
        assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1


def configure_mail(app, port, emails, enabled=True, **extra):
    app.config["MAIL_SEND_INLINE"] = True
    with app.app_context():
        values = {"smtp_enabled": enabled, "smtp_host": "127.0.0.1", "smtp_port": port,
                  "smtp_sender": "sandi@kominfo.example", "smtp_starttls": False,
                  "notification_emails": {str(u.id): addr for u, addr in emails.items()}, **extra}
        for key, value in values.items():
            settings.set_value(key, value)
        db.session.commit()


def act(client, make, doc_id, action, **data):
    return client.post(f"/dokumen/{doc_id}/aksi/{action}", data={"version": make.get(doc_id).version, **data})


def test_email_sent_with_no_content_after_commit(app, client, make, team):
    s1, _, kasi = team
    doc_id = make.document(step=2, sandiman=s1, kasi=kasi, sender_agency="Kodim 0710 Rahasia",
                           sender_ref_number="R/777/SANDI")
    with SmtpSink() as sink:
        configure_mail(app, sink.port, {kasi: "kasi@kominfo.example", s1: "budi@kominfo.example"})
        login(client, s1)
        assert act(client, make, doc_id, "report").status_code == 302
        assert make.get(doc_id).step == 3
        (mail,) = sink.messages
        assert mail["to"] == ["kasi@kominfo.example"] and mail["from"] == "sandi@kominfo.example"
        msg = mail["message"]
        assert msg["Subject"] == notify.SUBJECT
        body = msg.get_content()
        assert body.startswith("Ada kriptogram yang menunggu tindakan Anda.")
        assert f"http://localhost/dokumen/{doc_id}" in body
        raw = mail["raw"].decode()
        for secret in ("Kodim", "R/777", "Rahasia", "SANDI", "Isi berita"):
            assert secret not in raw
        # the kasi assigns: the assigned sandiman is told
        client.post("/keluar")
        login(client, kasi)
        assert act(client, make, doc_id, "assign", assignee_id=str(s1.id)).status_code == 302
        assert [m["to"] for m in sink.messages] == [["kasi@kominfo.example"], ["budi@kominfo.example"]]


def test_link_uses_the_configured_address(app, client, make, team):
    s1, _, kasi = team
    doc_id = make.document(step=2, sandiman=s1, kasi=kasi)
    with SmtpSink() as sink:
        configure_mail(app, sink.port, {kasi: "kasi@kominfo.example"}, public_base_url="https://naskah.kominfo.example/")
        login(client, s1)
        act(client, make, doc_id, "report")
        assert f"https://naskah.kominfo.example/dokumen/{doc_id}\r\n" in sink.messages[0]["message"].get_content()


def test_not_sent_when_disabled_or_not_awaiting(app, client, make, team):
    s1, _, kasi = team
    doc_id = make.document(step=1, sandiman=s1, kasi=kasi)
    with SmtpSink() as sink:
        configure_mail(app, sink.port, {kasi: "kasi@kominfo.example", s1: "s1@kominfo.example"})
        login(client, s1)
        assert act(client, make, doc_id, "register").status_code == 302     # step 2: nobody awaited
        assert sink.messages == []
        configure_mail(app, sink.port, {kasi: "kasi@kominfo.example"}, enabled=False)
        assert act(client, make, doc_id, "report").status_code == 302
        assert make.get(doc_id).step == 3
        assert sink.messages == []


def test_refused_transition_sends_nothing(app, client, make, team):
    s1, s2, kasi = team
    doc_id = make.document(step=3, sandiman=s1, kasi=kasi)
    with SmtpSink() as sink:
        configure_mail(app, sink.port, {s1: "s1@kominfo.example", s2: "s2@kominfo.example"})
        login(client, kasi)
        assert act(client, make, doc_id, "assign", assignee_id="999999").status_code == 400
        assert make.get(doc_id).step == 3
        assert sink.messages == []


def test_smtp_failure_does_not_break_the_transition(app, client, make, team, caplog):
    import socket
    s1, _, kasi = team
    doc_id = make.document(step=2, sandiman=s1, kasi=kasi)
    with socket.socket() as probe:            # a port with nobody listening
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    configure_mail(app, dead_port, {kasi: "kasi@kominfo.example"})
    login(client, s1)
    with caplog.at_level(logging.WARNING, logger="naskah.notify"):
        r = act(client, make, doc_id, "report")
    assert r.status_code == 302
    assert make.get(doc_id).step == 3
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(AuditEvent.id))
                                 .where(AuditEvent.action == "step.report", AuditEvent.document_id == doc_id)) == 1
    assert any("tidak dapat dipakai" in rec.getMessage() for rec in caplog.records)


def test_background_sending_by_default(app, client, make, team):
    s1, _, kasi = team
    doc_id = make.document(step=2, sandiman=s1, kasi=kasi)
    with SmtpSink() as sink:
        configure_mail(app, sink.port, {kasi: "kasi@kominfo.example"})
        app.config["MAIL_SEND_INLINE"] = False
        login(client, s1)
        assert act(client, make, doc_id, "report").status_code == 302
        deadline = time.time() + 5
        while not sink.messages and time.time() < deadline:
            time.sleep(0.05)
        assert len(sink.messages) == 1


def test_starttls_option(monkeypatch):
    calls = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            calls.append(("connect", host, port))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            calls.append(("quit",))

        def starttls(self, context):
            calls.append(("starttls",))

        def send_message(self, msg):
            calls.append(("send", msg["To"]))

    monkeypatch.setattr(notify.smtplib, "SMTP", FakeSMTP)
    msg = notify.build_message("a@b.example", "c@d.example", "https://x/dokumen/1")
    config = {"host": "mail", "port": 587, "starttls": True}
    assert notify.send(config, [msg]) == 1
    assert calls == [("connect", "mail", 587), ("starttls",), ("send", "c@d.example"), ("quit",)]
    calls.clear()
    notify.send({**config, "starttls": False}, [msg])
    assert ("starttls",) not in calls


def test_awaiting_rules():
    assert [s for s in range(1, 10) if notify.awaits(s, s - 1)] == [3, 4, 6, 7]
    assert notify.awaits(5, 6) and not notify.awaits(5, 4)


# -- the admin page -------------------------------------------------------------------------------
FORM = {"smtp_enabled": "1", "smtp_host": "mail.kominfo.example", "smtp_port": "587",
        "smtp_sender": "sandi@kominfo.example", "smtp_starttls": "1", "public_base_url": "https://naskah.example"}


def notification_events(app):
    with app.app_context():
        return db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "settings.notifications")).all()


@pytest.mark.parametrize("role", ["kasi", "sandiman", "pejabat", "petugas"])
def test_settings_page_no_permission(app, client, make, role):
    login(client, make.user(role))
    assert client.get("/admin/notifikasi/").status_code == 403
    assert client.post("/admin/notifikasi/", data=FORM).status_code == 403
    with app.app_context():
        assert settings.get("smtp_enabled") is False
    assert notification_events(app) == []


def test_settings_page_with_access(app, client, make, team):
    s1, _, kasi = team
    login(client, make.user("admin"))
    html = client.get("/admin/notifikasi/").get_data(as_text=True)
    assert f'name="email_{kasi.id}"' in html and f'name="email_{s1.id}"' in html
    r = client.post("/admin/notifikasi/", data={**FORM, f"email_{kasi.id}": "kasi@kominfo.example"})
    assert r.status_code == 302
    with app.app_context():
        assert notify.smtp_config() == {"enabled": True, "host": "mail.kominfo.example", "port": 587,
                                        "sender": "sandi@kominfo.example", "starttls": True, "timeout": 10}
        assert settings.get("notification_emails") == {str(kasi.id): "kasi@kominfo.example"}
    (ev,) = notification_events(app)
    assert '"recipients": 1' in ev.details


@pytest.mark.parametrize("change,message", [
    ({"smtp_port": "70000"}, "Port harus angka 1 sampai 65535."),
    ({"smtp_host": ""}, "Isi alamat server SMTP kantor"),
    ({"smtp_sender": "bukan-email"}, "Alamat pengirim tidak valid."),
    ({"public_base_url": "naskah.example"}, "harus diawali http://"),
    ({"email_KASI": "kasi@"}, "tidak valid"),
])
def test_settings_page_validation(app, client, make, team, change, message):
    kasi = team[2]
    change = {k.replace("KASI", str(kasi.id)): v for k, v in change.items()}
    login(client, make.user("admin"))
    r = client.post("/admin/notifikasi/", data={**FORM, **change})
    assert r.status_code == 400 and message in r.get_data(as_text=True)
    with app.app_context():
        assert settings.get("smtp_host") == ""
    assert notification_events(app) == []


def test_test_email(app, client, make):
    login(client, make.user("admin"))
    with SmtpSink() as sink:
        configure_mail(app, sink.port, {})
        r = client.post("/admin/notifikasi/uji", data={"test_to": "admin@kominfo.example"})
        assert r.status_code == 302
        assert sink.messages[0]["to"] == ["admin@kominfo.example"]
    r = client.post("/admin/notifikasi/uji", data={"test_to": "x"})
    assert r.status_code == 400 and "Alamat email uji tidak valid." in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Document.id))) == 0


def test_courier_told_after_signing_with_a_savepoint_inside(app, make, team):
    """Signing reserves the cover number in a SAVEPOINT (agenda.book.next_number). SQLAlchemy
    fires after_commit for that savepoint too; the notices must wait for the real commit, not
    try to read the settings on a second connection while this one holds the writer."""
    s1, _, kasi = team
    with SmtpSink() as sink:
        configure_mail(app, sink.port, {kasi: "kasi@kominfo.example", s1: "budi@kominfo.example"})
        make.document(step=7, sandiman=s1, kasi=kasi)   # report, assign, initial, sign: one commit
        assert [m["to"] for m in sink.messages] == [["kasi@kominfo.example"], ["budi@kominfo.example"],
                                                     ["kasi@kominfo.example"], ["budi@kominfo.example"]]
