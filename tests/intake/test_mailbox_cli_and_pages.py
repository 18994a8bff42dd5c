"""`flask mailbox ...` and the /admin/surel page: permissions, one audit event per change, all
problems at once, the password sealed and never shown."""
import pytest

from naskah.extensions import db
from naskah.models import AuditEvent, SecretBlob
from naskah.models.intake import Mailbox
from tests.factories import login
from tests.intake.conftest import plain_mail, smime_mail
from tests.intake.dovecot import free_port


def events(app, prefix="mailbox."):
    with app.app_context():
        return db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.action.like(prefix + "%"))
                                  .order_by(AuditEvent.seq)).all()


def count(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Mailbox))


def add_cli(runner, server, name="persandian", password=None, *extra):
    return runner.invoke(args=["mailbox", "add", name, "--host", server.host, "--port", str(server.tls_port),
                               "--user", server.user, "--tls", *extra], input=(password or server.password) + "\n")


def test_cli_add_list_test_poll(app, make, runner, imap_server, office_cert, tmp_path):
    make.user("admin")
    app.config["INTAKE_CA_FILE"] = imap_server.ca_file
    r = add_cli(runner, imap_server)
    assert r.exit_code == 0, r.output
    assert "ditambahkan" in r.output and imap_server.password not in r.output
    with app.app_context():
        mb = db.session.scalar(db.select(Mailbox))
        blob = db.session.get(SecretBlob, mb.password_blob_id)
        assert blob.purpose == "mailbox_password" and imap_server.password.encode() not in blob.ciphertext
    assert events(app) == ["mailbox.add"]
    r = runner.invoke(args=["mailbox", "list"])
    assert r.exit_code == 0 and "persandian" in r.output and "belum pernah" in r.output
    r = runner.invoke(args=["mailbox", "test", "persandian"])
    assert r.exit_code == 0 and "Sambungan berhasil" in r.output, r.output
    imap_server.append(smime_mail(office_cert, tmp_path))
    imap_server.append(plain_mail())
    r = runner.invoke(args=["mailbox", "poll", "persandian"])
    assert r.exit_code == 0, r.output
    assert "1 kartu baru, 1 ditolak" in r.output and "kartu:" in r.output and "ditolak:" in r.output


def test_cli_add_reports_every_problem(app, runner):
    r = runner.invoke(args=["mailbox", "add", "nama salah!", "--host", "", "--port", "99999", "--user", "u",
                            "--folder", "INBOX", "--processed", "INBOX"], input="\n")
    assert r.exit_code == 1
    for text in ("Nama 1-60", "server IMAP", "Port 1-65535", "sudah dipakai", "kata sandi"):
        assert text in r.output
    assert count(app) == 0 and events(app) == []


def test_cli_unreadable_mailbox_is_nonzero_with_a_message(app, runner, imap_server):
    app.config["INTAKE_CA_FILE"] = imap_server.ca_file
    assert add_cli(runner, imap_server, "salah", "Kata-Sandi-Keliru-55").exit_code == 0
    r = runner.invoke(args=["mailbox", "test", "salah"])
    assert r.exit_code == 1 and "Login ditolak" in r.output and "Kata-Sandi-Keliru-55" not in r.output
    r = runner.invoke(args=["mailbox", "poll", "salah"])
    assert r.exit_code == 1 and "tidak dapat dibaca" in r.output
    closed = free_port()
    r = runner.invoke(args=["mailbox", "add", "mati", "--host", "127.0.0.1", "--port", str(closed), "--user", "u"],
                      input="x\n")
    assert r.exit_code == 0
    r = runner.invoke(args=["mailbox", "poll", "mati"])
    assert r.exit_code == 1 and "Tidak dapat tersambung" in r.output
    assert runner.invoke(args=["mailbox", "poll", "tidak-ada"]).exit_code == 1


FORM = {"name": "persandian", "host": "mail.kota.go.id", "port": "993", "security": "tls", "username": "sandi",
        "password": "Rahasia-Kotak-1", "folder": "INBOX", "processed_folder": "Naskah/Diproses",
        "refused_folder": "Naskah/Ditolak", "default_classification": "R", "default_urgency": "segera",
        "active": "y"}


@pytest.mark.parametrize("role", ["sandiman", "kasi", "petugas", "pejabat"])
def test_page_is_for_the_admin_only(app, make, role):
    client = app.test_client()
    login(client, make.user(role))
    assert client.get("/admin/surel/").status_code == 403
    assert client.post("/admin/surel/", data=FORM).status_code == 403
    assert count(app) == 0 and events(app) == []


def test_admin_adds_edits_and_never_sees_the_password(app, make):
    client = app.test_client()
    login(client, make.user("admin"))
    r = client.post("/admin/surel/", data=FORM)
    assert r.status_code == 302 and events(app) == ["mailbox.add"]
    page = client.get("/admin/surel/").get_data(as_text=True)
    assert "sandi@mail.kota.go.id:993" in page and "Rahasia-Kotak-1" not in page
    with app.app_context():
        mb_id = db.session.scalar(db.select(Mailbox.id))
    edit = client.get(f"/admin/surel/{mb_id}").get_data(as_text=True)
    assert "Rahasia-Kotak-1" not in edit and 'value="mail.kota.go.id"' in edit
    r = client.post(f"/admin/surel/{mb_id}", data={**FORM, "password": "", "folder": "Kriptogram"})
    assert r.status_code == 302 and events(app) == ["mailbox.add", "mailbox.update"]
    with app.app_context():
        assert db.session.get(Mailbox, mb_id).folder == "Kriptogram"


def test_page_shows_every_problem_and_saves_nothing(app, make):
    client = app.test_client()
    login(client, make.user("admin"))
    r = client.post("/admin/surel/", data={**FORM, "name": "", "host": "", "port": "0", "password": "",
                                           "refused_folder": "INBOX"})
    page = r.get_data(as_text=True)
    assert r.status_code == 400
    for text in ("Nama 1-60", "server IMAP", "Port 1-65535", "sudah dipakai", "Isi kata sandi"):
        assert text in page
    assert count(app) == 0 and events(app) == []


def test_test_and_poll_buttons(app, make, imap_server, mailbox, office_cert, tmp_path):
    imap_server.append(smime_mail(office_cert, tmp_path))
    other = app.test_client()
    login(other, make.user("kasi"))
    assert other.post(f"/admin/surel/{mailbox}/uji").status_code == 403
    assert other.post(f"/admin/surel/{mailbox}/periksa").status_code == 403
    assert events(app) == ["mailbox.add"] and len(imap_server.folder("INBOX")) == 1
    admin = app.test_client()
    login(admin, make.user("admin"))
    page = admin.post(f"/admin/surel/{mailbox}/uji", follow_redirects=True).get_data(as_text=True)
    assert "berisi 1 surel" in page and events(app) == ["mailbox.add", "mailbox.test"]
    page = admin.post(f"/admin/surel/{mailbox}/periksa", follow_redirects=True).get_data(as_text=True)
    assert "1 kartu baru, 0 ditolak" in page
    assert events(app) == ["mailbox.add", "mailbox.test", "mailbox.poll"]
    assert imap_server.folder("INBOX") == []
