"""A real IMAP server for the intake tests: Debian's dovecot on loopback ports, with a throwaway
configuration, a self-signed certificate (its CA handed to the app) and one user's Maildir.

When dovecot is not installed the fixture FAILS with the install hint (`make test` installs
it); it never skips.
"""
from __future__ import annotations

import datetime as dt
import imaplib
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER, PASSWORD = "kantor", "Sandi-IMAP-uji-7"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _certificate(directory: str) -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(__import__("ipaddress").ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    with open(os.path.join(directory, "cert.pem"), "wb") as fh:
        fh.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(os.path.join(directory, "key.pem"), "wb") as fh:
        fh.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption()))
    os.chmod(os.path.join(directory, "key.pem"), 0o600)
    return os.path.join(directory, "cert.pem")


CONFIG = """
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{d}/cert.pem
ssl_key = <{d}/key.pem
disable_plaintext_auth = yes
auth_mechanisms = plain login
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={d}/home/%u
}}
mail_location = maildir:~/Maildir
first_valid_uid = 0
first_valid_gid = 0
mail_max_userip_connections = 100
default_login_user = dovenull
default_internal_user = dovecot
namespace inbox {{
  inbox = yes
  separator = /
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {starttls}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls}
    ssl = yes
  }}
}}
"""


@dataclass
class Dovecot:
    directory: str
    tls_port: int
    starttls_port: int
    ca_file: str
    process: subprocess.Popen

    host = "127.0.0.1"
    user = USER
    password = PASSWORD

    def client(self) -> imaplib.IMAP4_SSL:
        c = imaplib.IMAP4_SSL(self.host, self.tls_port, ssl_context=ssl.create_default_context(cafile=self.ca_file))
        c.login(self.user, self.password)
        return c

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        c = self.client()
        try:
            typ, data = c.append(folder, None, None, raw)
            assert typ == "OK", data
        finally:
            c.logout()

    def folder(self, folder: str) -> list[bytes]:
        """The raw messages in `folder` (empty when it does not exist)."""
        c = self.client()
        try:
            typ, _ = c.select('"' + folder + '"', readonly=True)
            if typ != "OK":
                return []
            _, data = c.uid("SEARCH", None, "ALL")
            out = []
            for uid in (data[0] or b"").split():
                _, msg = c.uid("FETCH", uid, "(BODY.PEEK[])")
                out.append(next(d[1] for d in msg if isinstance(d, tuple)))
            return out
        finally:
            c.logout()

    def flags(self, folder: str = "INBOX") -> list[bytes]:
        c = self.client()
        try:
            c.select('"' + folder + '"', readonly=True)
            _, data = c.uid("FETCH", "1:*", "(FLAGS)")
            return [d for d in data if d]
        finally:
            c.logout()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.directory, ignore_errors=True)


def start() -> Dovecot:
    # The app sets an owner-only umask for its process (naskah.core.filemodes); dovecot's own
    # unprivileged processes must read this throwaway server's files, so they get ordinary modes.
    old = os.umask(0o022)
    try:
        return _start()
    finally:
        os.umask(old)


def _start() -> Dovecot:
    if not os.path.exists(DOVECOT):
        raise RuntimeError("dovecot tidak terpasang: jalankan `make imapserver` (apt-get install dovecot-imapd)")
    # Not under pytest's tmp_path: dovecot's unprivileged login processes must traverse the path.
    d = tempfile.mkdtemp(prefix="naskah-dovecot-")
    os.chmod(d, 0o755)  # noqa: S103 - dovecot's login user must traverse it; holds test data only
    for sub in ("run", "state", "home"):
        os.makedirs(os.path.join(d, sub))
    ca_file = _certificate(d)
    with open(os.path.join(d, "users"), "w") as fh:
        fh.write(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
    # Mail processes may not run as root: the Maildir belongs to Debian's `dovecot` system user.
    import pwd
    owner = pwd.getpwnam("dovecot") if os.getuid() == 0 else pwd.getpwuid(os.getuid())
    os.chown(os.path.join(d, "home"), owner.pw_uid, owner.pw_gid)
    tls, starttls = free_port(), free_port()
    conf = os.path.join(d, "dovecot.conf")
    with open(conf, "w") as fh:
        fh.write(CONFIG.format(d=d, tls=tls, starttls=starttls, uid=owner.pw_uid, gid=owner.pw_gid))
    proc = subprocess.Popen([DOVECOT, "-F", "-c", conf], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.stdout.read().decode(errors="replace")
            log = open(os.path.join(d, "dovecot.log")).read() if os.path.exists(os.path.join(d, "dovecot.log")) else ""
            raise RuntimeError(f"dovecot berhenti: {out}\n{log}")
        try:
            with socket.create_connection(("127.0.0.1", tls), timeout=0.5), \
                    socket.create_connection(("127.0.0.1", starttls), timeout=0.5):
                break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        raise RuntimeError("dovecot tidak mendengarkan dalam 20 detik")
    return Dovecot(d, tls, starttls, ca_file, proc)
