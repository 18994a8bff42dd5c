"""A small IMAP client over the standard imaplib: TLS or STARTTLS, certificate checked.

imaplib is kept by the Python core team and covers what intake needs (LOGIN, SELECT, UID
SEARCH/FETCH/MOVE); the few lines here only turn its replies into values and its many error
types into one MailboxError with an Indonesian message that never contains the password.
"""
from __future__ import annotations

import imaplib
import re
import ssl
import time
from datetime import datetime, timezone

MOVE_FALLBACK_FLAGS = r"(\Deleted)"


class MailboxError(Exception):
    """The mailbox could not be read; `message` is for people, `transient` invites a retry."""

    def __init__(self, message: str, *, transient: bool = False):
        super().__init__(message)
        self.message, self.transient = message, transient


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def tls_context(ca_file: str | None = None) -> ssl.SSLContext:
    """Certificates and host names are always checked; `ca_file` adds the office's own CA."""
    context = ssl.create_default_context(cafile=ca_file) if ca_file else ssl.create_default_context()
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


class Connection:
    """One logged-in IMAP session on one folder."""

    def __init__(self, host: str, port: int, security: str, username: str, password: str, *,
                 ca_file: str | None = None, timeout: float = 30.0):
        context = tls_context(ca_file)
        try:
            if security == "tls":
                self.imap = imaplib.IMAP4_SSL(host, port, ssl_context=context, timeout=timeout)
            else:
                self.imap = imaplib.IMAP4(host, port, timeout=timeout)
                self.imap.starttls(ssl_context=context)
        except ssl.SSLCertVerificationError as e:
            raise MailboxError(f"Sertifikat TLS server {host} tidak dapat dipercaya ({e.verify_message}).") from None
        except (ssl.SSLError, imaplib.IMAP4.error) as e:
            raise MailboxError(f"Sambungan TLS ke {host}:{port} gagal ({type(e).__name__}).") from None
        except TimeoutError:
            raise MailboxError(f"Server {host}:{port} tidak menjawab (batas waktu).", transient=True) from None
        except OSError as e:
            raise MailboxError(f"Tidak dapat tersambung ke {host}:{port}: {e.strerror or e}.", transient=True) from None
        try:
            self.imap.login(username, password)
        except imaplib.IMAP4.error:
            self.close()
            raise MailboxError(f"Login ditolak server untuk pengguna \u201c{username}\u201d: "
                               "periksa nama pengguna dan kata sandi.") from None
        except (OSError, imaplib.IMAP4.abort):
            raise MailboxError("Sambungan terputus saat login.", transient=True) from None
        # Servers announce more after login (MOVE, UIDPLUS); imaplib keeps the pre-login list.
        typ, data = self.imap.capability()
        self.capabilities = {c.decode().upper() for c in (data[0] or b"").split()} if typ == "OK" else set()

    def _ok(self, typ, data, what: str):
        if typ != "OK":
            detail = b" ".join(d for d in data if isinstance(d, bytes)).decode("utf-8", "replace")[:200]
            raise MailboxError(f"Server menolak {what}: {detail}")
        return data

    def select(self, folder: str) -> int:
        """Open `folder`; returns its UIDVALIDITY."""
        self._ok(*self.imap.select(_quote(folder)), f"membuka folder \u201c{folder}\u201d")
        validity = self.imap.response("UIDVALIDITY")[1]
        return int(validity[0]) if validity and validity[0] else 0

    def uids(self) -> list[int]:
        data = self._ok(*self.imap.uid("SEARCH", None, "UNDELETED"), "mencari surel")
        return [int(x) for x in (data[0] or b"").split()]

    def size_and_date(self, uid: int) -> tuple[int, datetime | None]:
        data = self._ok(*self.imap.uid("FETCH", str(uid), "(RFC822.SIZE INTERNALDATE)"), "membaca ukuran surel")
        line = b" ".join(d if isinstance(d, bytes) else d[0] for d in data if d)
        size = re.search(rb"RFC822\.SIZE (\d+)", line)
        return int(size.group(1)) if size else 0, _internaldate(line)

    def header(self, uid: int) -> bytes:
        data = self._ok(*self.imap.uid("FETCH", str(uid), "(BODY.PEEK[HEADER])"), "membaca kepala surel")
        return next((d[1] for d in data if isinstance(d, tuple)), b"")

    def fetch(self, uid: int) -> bytes:
        """The whole message, without setting \\Seen (a refused message stays unread)."""
        data = self._ok(*self.imap.uid("FETCH", str(uid), "(BODY.PEEK[])"), "mengambil surel")
        raw = next((d[1] for d in data if isinstance(d, tuple)), None)
        if raw is None:
            raise MailboxError("Surel hilang dari server saat diambil.", transient=True)
        return raw

    def ensure_folder(self, folder: str) -> None:
        typ, data = self.imap.list('""', _quote(folder))
        if typ == "OK" and any(d for d in data if d):
            return
        self._ok(*self.imap.create(_quote(folder)), f"membuat folder \u201c{folder}\u201d")
        self.imap.subscribe(_quote(folder))

    def move(self, uid: int, folder: str) -> None:
        """Move, never delete: MOVE (RFC 6851), or COPY then flag and expunge that one UID."""
        self.ensure_folder(folder)
        if "MOVE" in self.capabilities:
            self._ok(*self.imap.uid("MOVE", str(uid), _quote(folder)), f"memindahkan surel ke \u201c{folder}\u201d")
            return
        self._ok(*self.imap.uid("COPY", str(uid), _quote(folder)), f"menyalin surel ke \u201c{folder}\u201d")
        self._ok(*self.imap.uid("STORE", str(uid), "+FLAGS.SILENT", MOVE_FALLBACK_FLAGS), "menandai surel")
        if "UIDPLUS" in self.capabilities:
            self.imap.uid("EXPUNGE", str(uid))
        else:
            self.imap.expunge()

    def close(self) -> None:
        try:
            self.imap.logout()
        except Exception:  # noqa: BLE001, S110 - the session is being dropped anyway  # nosec B110
            pass


def _internaldate(line: bytes) -> datetime | None:
    """INTERNALDATE (when the server took the message in) as an aware UTC datetime."""
    tup = imaplib.Internaldate2tuple(line)   # a local-time struct_time, hence mktime
    return None if tup is None else datetime.fromtimestamp(time.mktime(tup), tz=timezone.utc)


def transient(exc: BaseException) -> bool:
    """A dropped connection or a timeout: worth reconnecting and going on."""
    return isinstance(exc, (imaplib.IMAP4.abort, OSError, EOFError)) or \
        (isinstance(exc, MailboxError) and exc.transient)
