"""Fixtures of the e-mail intake tests: a real dovecot, a configured mailbox, mails to send."""
import email.utils
import os
import subprocess
import uuid

import pytest
from cryptography.hazmat.primitives import serialization

from naskah.extensions import db
from naskah.intake import mailboxes
from tests import crypto_helpers as ch
from tests.intake import dovecot


@pytest.fixture
def imap_server():
    server = dovecot.start()      # fails (never skips) when dovecot cannot run
    yield server
    server.stop()


@pytest.fixture
def mailbox(app, imap_server):
    from tests.factories import Factories
    Factories(app).user("admin")          # cards name the administrator responsible for the mailbox
    app.config["INTAKE_CA_FILE"] = imap_server.ca_file
    app.config["INTAKE_TIMEOUT"] = 10
    with app.app_context():
        mb = mailboxes.add({"name": "persandian", "host": imap_server.host, "port": imap_server.tls_port,
                            "username": imap_server.user, "security": "tls"}, imap_server.password)
        db.session.commit()
        return mb.id


@pytest.fixture
def office_cert(app, tmp_path):
    cert = ch.office_identity(app)
    path = tmp_path / "office.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path


def headers(sender="sandi@bssn.go.id", subject="Kriptogram R/17/2026", date=None, message_id=None) -> bytes:
    return (f"Message-ID: {message_id or f'<{uuid.uuid4().hex}@bssn.go.id>'}\r\n"
            f"Date: {date or email.utils.format_datetime(email.utils.localtime())}\r\n").encode() + \
        (f"From: Persandian BSSN <{sender}>\r\nTo: persandian@kota.go.id\r\n" if sender else "").encode() + \
        f"Subject: {subject}\r\n".encode()


def smime_mail(cert_path, tmp_path, text="Isi berita rahasia lewat surel.\n", **kw) -> bytes:
    """A message made by `openssl smime -encrypt`, with Message-ID and Date in front."""
    body = tmp_path / f"body-{uuid.uuid4().hex}.txt"
    body.write_text(text)
    out = subprocess.run(["openssl", "smime", "-encrypt", "-aes256", "-in", str(body), str(cert_path)],
                         capture_output=True, check=True).stdout
    return headers(**kw) + out.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def plain_mail(text="Halo, ini surel biasa tanpa kriptogram.", **kw) -> bytes:
    return headers(**kw) + b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + text.encode() + b"\r\n"


def attachment_mail(payload: bytes, filename="kriptogram.p7m", ctype="application/pkcs7-mime", **kw) -> bytes:
    import base64
    b64 = base64.encodebytes(payload).replace(b"\n", b"\r\n")
    return headers(**kw) + (
        b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XYZ\"\r\n\r\n"
        b"--XYZ\r\nContent-Type: text/plain\r\n\r\nTerlampir kriptogram.\r\n"
        b"--XYZ\r\nContent-Type: " + ctype.encode() + b"; name=\"" + filename.encode() + b"\"\r\n"
        b"Content-Transfer-Encoding: base64\r\n"
        b"Content-Disposition: attachment; filename=\"" + filename.encode() + b"\"\r\n\r\n" + b64 +
        b"--XYZ--\r\n")


def flask_env(app, tmp_path, **extra) -> dict:
    """Environment for a `flask` subprocess on the same database, master key and CA."""
    from tests.conftest import TEST_MASTER_KEY
    env = dict(os.environ, FLASK_APP="app", NASKAH_INSTANCE=str(tmp_path / "instance"),
               NASKAH_DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], NASKAH_MASTER_KEY=TEST_MASTER_KEY,
               NASKAH_SECRET_KEY="test-secret", NASKAH_INTAKE_CA_FILE=app.config["INTAKE_CA_FILE"] or "",
               NASKAH_INTAKE_TIMEOUT="10")
    env.update({k: str(v) for k, v in extra.items()})
    return env
