"""E-mail intake against a real dovecot: mails become exactly one step-1 card each, or are
refused with a reason; nothing is lost or duplicated by retries, races or crashes."""
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import serialization

from naskah.core import vault
from naskah.core.timeutil import to_wib
from naskah.correspondents import directory
from naskah.decryption import identities as keystore
from naskah.extensions import db
from naskah.intake import mailboxes
from naskah.intake.imap import MailboxError
from naskah.models import AuditEvent, Document, User
from naskah.models.intake import Mailbox, MailMessage
from naskah.workflow import documents
from naskah.workflow import engine as workflow
from tests import crypto_helpers as ch
from tests.factories import login
from tests.intake.conftest import attachment_mail, flask_env, headers, plain_mail, smime_mail

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BSSN = "Badan Siber dan Sandi Negara"


def poll(app, mb_id):
    with app.app_context():
        return mailboxes.poll(db.session.get(Mailbox, mb_id))


def docs(app):
    with app.app_context():
        return db.session.scalars(db.select(Document).order_by(Document.id)).all()


def rows(app, status=None):
    with app.app_context():
        stmt = db.select(MailMessage).order_by(MailMessage.id)
        if status:
            stmt = stmt.where(MailMessage.status == status)
        return db.session.scalars(stmt).all()


def seed_bssn(app, **extra):
    with app.app_context():
        entry = directory.create({"name": BSSN, "short_name": "BSSN", "emails": "sandi@bssn.go.id", **extra})
        db.session.commit()
        return entry.id


def decrypt_as_sandiman(app, make, doc_id):
    """Register, report, assign, decrypt with the office key: the plaintext of the copy letter."""
    sandiman, kasi = make.user("sandiman"), make.user("kasi")
    with app.app_context():
        doc = db.session.get(Document, doc_id)
        s, k = db.session.get(User, sandiman.id), db.session.get(User, kasi.id)
        workflow.apply(doc, "register", s, {})
        workflow.apply(doc, "report", s, {})
        workflow.apply(doc, "assign", k, {"assignee_id": s.id})
        workflow.apply(doc, "decrypt", s, {"method": "office", "addressee": "Wali Kota", "subject": "Uji",
                                           "copy_index": 1, "copy_total": 1, "plaintext": ""})
        db.session.commit()
        return documents.read_content(doc, s)["plaintext"]


def test_smime_mail_becomes_one_card_that_decrypts(app, make, imap_server, mailbox, office_cert, tmp_path):
    entry_id = seed_bssn(app)
    raw = smime_mail(office_cert, tmp_path, date="Mon, 30 Nov 2026 20:15:00 +0000", message_id="<r17@bssn.go.id>")
    imap_server.append(raw)
    result = poll(app, mailbox)
    assert (len(result.cards), result.refused) == (1, [])
    [doc] = docs(app)
    assert (doc.step, doc.channel, doc.sender_email, doc.correspondent_id) == (1, "email", "sandi@bssn.go.id", entry_id)
    assert doc.sender_agency == BSSN and doc.created_by_id is not None
    assert doc.sender_ref_date.isoformat() == "2026-12-01"          # 20.15 UTC is 1 December in WIB
    assert doc.sender_ref_number == "Kriptogram R/17/2026"
    with app.app_context():
        row = db.session.scalar(db.select(MailMessage))
        assert (row.status, row.message_id, row.document_id, row.signature) == ("card", "<r17@bssn.go.id>", doc.id, "none")
        assert vault.load_id(row.evidence_blob_id) == raw                   # the original, sealed
        event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "document.receive"))
        assert '"mailbox": "persandian"' in event.details and "r17@bssn.go.id" in event.details
        assert to_wib(row.message_date).day == 1
    assert imap_server.folder("INBOX") == []
    assert imap_server.folder("Naskah/Diproses") == [raw]
    assert decrypt_as_sandiman(app, make, doc.id).replace("\r\n", "\n") == "Isi berita rahasia lewat surel.\n"  # smime makes CRLF


def test_card_shows_it_came_by_email(app, make, imap_server, mailbox, office_cert, tmp_path):
    seed_bssn(app)
    imap_server.append(smime_mail(office_cert, tmp_path))
    poll(app, mailbox)
    [doc] = docs(app)
    client = app.test_client()
    login(client, make.user("sandiman"))
    board = client.get("/papan").get_data(as_text=True)
    assert "Surel · sandi@bssn.go.id" in board
    page = client.get(f"/dokumen/{doc.id}").get_data(as_text=True)
    assert "Diterima lewat surel" in page and "persandian" in page and "tidak bertanda tangan" in page


def test_polled_twice_and_the_same_message_again_give_one_card(app, imap_server, mailbox, office_cert, tmp_path):
    raw = smime_mail(office_cert, tmp_path, message_id="<sekali@bssn.go.id>")
    imap_server.append(raw)
    assert len(poll(app, mailbox).cards) == 1
    second = poll(app, mailbox)
    assert (second.cards, second.already) == ([], 0)
    imap_server.append(raw)                 # the same message delivered again (or left by a crash)
    third = poll(app, mailbox)
    assert (third.cards, third.already) == ([], 1)
    assert len(docs(app)) == 1 and len(rows(app)) == 1
    assert imap_server.folder("INBOX") == [] and len(imap_server.folder("Naskah/Diproses")) == 2


def test_two_processes_polling_at_once_make_one_card(app, imap_server, mailbox, office_cert, tmp_path):
    for i in range(3):
        imap_server.append(smime_mail(office_cert, tmp_path, message_id=f"<dua-{i}@bssn.go.id>"))
    env = flask_env(app, tmp_path)
    procs = [subprocess.Popen([sys.executable, "-m", "flask", "mailbox", "poll", "persandian"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert len(docs(app)) == 3 and len(rows(app, "card")) == 3
    assert imap_server.folder("INBOX") == [] and len(imap_server.folder("Naskah/Diproses")) == 3


class DroppingProxy:
    """A TCP relay to dovecot that cuts its first connection once `cut_after` bytes came back
    from the server: the connection drops in the middle of a FETCH."""

    def __init__(self, port: int, cut_after: int):
        self.target, self.cut_after, self.connections = port, cut_after, 0
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            upstream = socket.create_connection(("127.0.0.1", self.target))
            limit = self.cut_after if self.connections == 1 else None
            threading.Thread(target=self._pipe, args=(client, upstream, None), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, limit), daemon=True).start()

    @staticmethod
    def _pipe(src, dst, limit):
        sent = 0
        try:
            while True:
                data = src.recv(4096)
                if not data:
                    break
                if limit is not None and sent + len(data) > limit:
                    dst.sendall(data[:max(0, limit - sent)])
                    break
                dst.sendall(data)
                sent += len(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def close(self):
        self.sock.close()


def test_connection_dropped_mid_fetch_is_retried_with_nothing_lost(app, imap_server, mailbox, office_cert, tmp_path):
    big = "Baris berita yang panjang untuk membuat surel besar.\n" * 1500     # ~80 KB per mail
    for i in range(2):
        imap_server.append(smime_mail(office_cert, tmp_path, text=big, message_id=f"<putus-{i}@bssn.go.id>"))
    proxy = DroppingProxy(imap_server.tls_port, cut_after=60_000)
    try:
        with app.app_context():
            db.session.get(Mailbox, mailbox).port = proxy.port
            db.session.commit()
        result = poll(app, mailbox)
    finally:
        proxy.close()
    assert result.retries >= 1 and proxy.connections >= 2
    assert len(result.cards) == 2 and len(docs(app)) == 2
    assert imap_server.folder("INBOX") == []


KILL_SCRIPT = """
import os, sys, time
from naskah import create_app
from naskah.extensions import db
from naskah.intake import mailboxes
stage = sys.argv[1]
def hang(*a, **k):
    open(os.environ["MARKER"], "w").write(stage)
    time.sleep(120)
if stage == "before_commit":
    mailboxes._commit_card = hang
else:
    real = mailboxes._commit_card
    def after(*a, **k):
        real()
        hang()
    mailboxes._commit_card = after
app = create_app()
with app.app_context():
    mailboxes.poll(mailboxes.by_name("persandian"))
"""


@pytest.mark.parametrize("stage", ["before_commit", "after_commit"])
def test_sigkill_between_fetch_and_commit_then_restart_gives_exactly_one_card(
        app, imap_server, mailbox, office_cert, tmp_path, stage):
    raw = smime_mail(office_cert, tmp_path, message_id="<crash@bssn.go.id>")
    imap_server.append(raw)
    marker = tmp_path / "marker"
    env = flask_env(app, tmp_path, MARKER=marker, NASKAH_INTAKE_LEASE_SECONDS=2)
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, stage], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert marker.exists(), proc.communicate(timeout=5)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    assert len(docs(app)) == (0 if stage == "before_commit" else 1)
    assert imap_server.folder("INBOX") == [raw]                     # nothing moved, nothing lost
    time.sleep(2.2)                                                 # the dead poller's lease runs out
    restart = subprocess.run([sys.executable, "-m", "flask", "mailbox", "poll"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=120)
    assert restart.returncode == 0, restart.stderr
    assert len(docs(app)) == 1 and len(rows(app)) == 1
    assert imap_server.folder("INBOX") == [] and imap_server.folder("Naskah/Diproses") == [raw]


def test_plain_oversized_and_broken_mails_are_refused_with_reasons(app, make, imap_server, mailbox, office_cert,
                                                                   tmp_path):
    app.config["INTAKE_MAX_BYTES"] = 40_000
    der = ch.sealed(ch.office_identity(app, name="kedua"))
    imap_server.append(plain_mail(message_id="<biasa@x.go.id>"))
    imap_server.append(attachment_mail(os.urandom(60_000), message_id="<besar@x.go.id>"))
    imap_server.append(attachment_mail(der[: len(der) // 2], message_id="<rusak@x.go.id>"))
    result = poll(app, mailbox)
    assert result.cards == [] and len(result.refused) == 3
    assert docs(app) == []
    reasons = {r.message_id: r.reason for r in rows(app, "refused")}
    assert "tidak memuat kriptogram" in reasons["<biasa@x.go.id>"]
    assert "terlalu besar" in reasons["<besar@x.go.id>"]
    assert "rusak" in reasons["<rusak@x.go.id>"]
    assert imap_server.folder("INBOX") == [] and len(imap_server.folder("Naskah/Ditolak")) == 3
    assert all(b"\\Seen" not in f for f in imap_server.flags("Naskah/Ditolak"))   # left unread
    client = app.test_client()
    login(client, make.user("admin"))
    page = client.get("/admin/surel/").get_data(as_text=True)
    assert "tidak memuat kriptogram" in page and "terlalu besar" in page and "rusak" in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).where(AuditEvent.action == "mail.refused")) == 3


def test_unknown_sender_refused_when_the_office_requires_known_senders(app, imap_server, mailbox, office_cert,
                                                                      tmp_path):
    seed_bssn(app)
    with app.app_context():
        db.session.get(Mailbox, mailbox).known_senders_only = True
        db.session.commit()
    imap_server.append(smime_mail(office_cert, tmp_path, sender="orang@luar.example", message_id="<luar@x>"))
    imap_server.append(smime_mail(office_cert, tmp_path, message_id="<dalam@x>"))
    result = poll(app, mailbox)
    assert len(result.cards) == 1 and len(result.refused) == 1
    assert "tidak terdaftar" in rows(app, "refused")[0].reason


def test_fernet_token_from_a_correspondent_with_a_shared_key(app, make, imap_server, mailbox):
    entry_id = seed_bssn(app)
    key = Fernet.generate_key()
    with app.app_context():
        keystore.import_fernet("bssn-surel", BSSN, key)
        db.session.commit()
    token = Fernet(key).encrypt(b"Berita lewat token Fernet.")
    body = b"Kriptogram:\r\n\r\n" + token + b"\r\n\r\nSalam.\r\n"
    imap_server.append(plain_mail(text=body.decode(), message_id="<fernet@bssn.go.id>"))
    imap_server.append(plain_mail(text=body.decode(), sender="asing@luar.example", message_id="<fernet2@x>"))
    result = poll(app, mailbox)
    assert len(result.cards) == 1 and len(result.refused) == 1
    assert "kunci bersama" in rows(app, "refused")[0].reason
    [doc] = docs(app)
    assert doc.correspondent_id == entry_id
    assert decrypt_as_sandiman(app, make, doc.id) == "Berita lewat token Fernet."


def test_signed_mail_matches_the_sender_by_certificate(app, imap_server, mailbox, office_cert, tmp_path):
    """Encrypted, then signed with `openssl smime -sign`: the signature is checked at intake and
    the signing certificate names the agency even from an address the directory does not know."""
    entry_id = seed_bssn(app)
    signer_key, signer_cert = ch.correspondent()
    with app.app_context():
        keystore.add_correspondent(BSSN, signer_cert.public_bytes(serialization.Encoding.PEM))
        db.session.commit()
    key_path, cert_path = tmp_path / "signer.key", tmp_path / "signer.pem"
    key_path.write_bytes(signer_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                  serialization.NoEncryption()))
    cert_path.write_bytes(signer_cert.public_bytes(serialization.Encoding.PEM))
    enveloped = subprocess.run(["openssl", "smime", "-encrypt", "-aes256", str(office_cert)], input=b"Isi.\n",
                               capture_output=True, check=True).stdout
    signed = subprocess.run(["openssl", "smime", "-sign", "-signer", str(cert_path), "-inkey", str(key_path)],
                            input=enveloped, capture_output=True, check=True).stdout
    raw = headers(sender="pribadi@mail.example", message_id="<ttd@bssn.go.id>") + signed.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    imap_server.append(raw)
    result = poll(app, mailbox)
    assert len(result.cards) == 1, result.refused
    [doc] = docs(app)
    [row] = rows(app)
    assert doc.correspondent_id == entry_id and (row.signature, row.signer) == ("verified", "Persandian BSSN")
    assert "terverifikasi" in doc.notes


def test_starttls_mailbox(app, imap_server):
    app.config["INTAKE_CA_FILE"] = imap_server.ca_file
    with app.app_context():
        mb = mailboxes.add({"name": "starttls", "host": imap_server.host, "port": imap_server.starttls_port,
                            "username": imap_server.user, "security": "starttls"}, imap_server.password)
        db.session.commit()
        assert "berhasil" in mailboxes.test_connection(mb)


def test_wrong_password_is_clear_on_the_page_and_in_the_log_never_the_password(app, make, imap_server, caplog):
    app.config["INTAKE_CA_FILE"] = imap_server.ca_file
    wrong = "Salah-Sekali-Rahasia-991"
    with app.app_context():
        mb = mailboxes.add({"name": "salah", "host": imap_server.host, "port": imap_server.tls_port,
                            "username": imap_server.user, "security": "tls"}, wrong)
        db.session.commit()
        mb_id = mb.id
    caplog.set_level(logging.INFO)
    with pytest.raises(MailboxError) as e:
        poll(app, mb_id)
    assert "Login ditolak" in e.value.message and wrong not in e.value.message
    client = app.test_client()
    login(client, make.user("admin"))
    r = client.post(f"/admin/surel/{mb_id}/uji", follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "Login ditolak" in page and "periksa nama pengguna dan kata sandi" in page
    assert wrong not in page
    assert "Login ditolak" in caplog.text and wrong not in caplog.text
    with app.app_context():
        assert wrong not in " ".join(db.session.scalars(db.select(AuditEvent.details)).all())


def test_scheduled_poll_runs_once_per_interval_across_processes(app, imap_server, mailbox, office_cert, tmp_path):
    """Two server processes (two apps on one database) tick at the same moment: one polls."""
    from naskah import create_app
    from naskah.intake import schedule
    from tests.conftest import make_config
    app.config["INTAKE_POLL_SECONDS"] = 3600
    other = create_app(make_config(tmp_path / "zwei", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                                   INTAKE_CA_FILE=imap_server.ca_file, INTAKE_POLL_SECONDS=3600))
    imap_server.append(smime_mail(office_cert, tmp_path))
    results, barrier = [], threading.Barrier(2)

    def tick(a):
        barrier.wait()
        results.extend(schedule.run_due(a))

    threads = [threading.Thread(target=tick, args=(a,)) for a in (app, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(results) == 1 and len(results[0].cards) == 1
    assert schedule.run_due(app) == [] and schedule.run_due(other) == []      # not due again yet
    assert len(docs(app)) == 1
    with other.app_context():
        db.engine.dispose()


def test_original_message_only_for_those_who_may_read_it(app, make, imap_server, mailbox, office_cert, tmp_path):
    raw = smime_mail(office_cert, tmp_path)
    imap_server.append(raw)
    poll(app, mailbox)
    [doc] = docs(app)

    def downloads():
        with app.app_context():
            return db.session.scalar(db.select(db.func.count()).where(AuditEvent.action == "mail.evidence_download"))

    for role in ("sandiman", "pejabat"):        # an unassigned sandiman; a role without content access
        client = app.test_client()
        login(client, make.user(role))
        assert client.post(f"/admin/surel/bukti/{doc.id}").status_code == 403
    assert client.get(f"/admin/surel/bukti/{doc.id}").status_code == 405     # GET never reveals
    assert downloads() == 0
    kasi = app.test_client()
    login(kasi, make.user("kasi"))
    r = kasi.post(f"/admin/surel/bukti/{doc.id}")
    assert r.status_code == 200 and r.data == raw and r.mimetype == "message/rfc822"
    assert downloads() == 1


def test_a_forged_message_id_cannot_swallow_the_real_cryptogram(app, imap_server, mailbox, office_cert, tmp_path):
    """A first mail with the same Message-ID but no cryptogram, then the real one: the real one
    still becomes a card. A copy of a card's mail with other headers is a redelivery."""
    imap_server.append(plain_mail(message_id="<sama@bssn.go.id>"))
    real = smime_mail(office_cert, tmp_path, message_id="<sama@bssn.go.id>")
    imap_server.append(real)
    result = poll(app, mailbox)
    assert len(result.cards) == 1 and len(result.refused) == 1
    imap_server.append(b"Received: from relay2.kota.go.id\r\n" + real)       # the same mail, one more hop
    again = poll(app, mailbox)
    assert (again.cards, again.refused, again.already) == ([], [], 1)
    assert len(docs(app)) == 1 and imap_server.folder("INBOX") == []
