"""E-mail intake: the office's mailboxes and the poll that turns cryptogram mails into cards.

Exactly once: a message's key (its Message-ID, else the SHA-256 of its bytes) is unique in
`mail_messages`; the card, the sealed evidence and that row are one transaction, and the
message is moved to the processed folder only after it committed. A crash before the commit
leaves the message where it was (the next poll takes it); a crash after it leaves a message
whose key is known (the next poll only moves it). One process polls a mailbox at a time: the
lease is a conditional UPDATE on the mailbox row, so it holds across processes and servers.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import socket
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from cryptography import x509
from flask import current_app
from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError

from naskah.audit import chain as audit
from naskah.core import vault
from naskah.core.errors import DomainError, NotFound
from naskah.core.timeutil import to_wib, utcnow
from naskah.correspondents import directory
from naskah.crypto import _signed
from naskah.extensions import db
from naskah.intake import imap, messages
from naskah.intake.imap import MailboxError
from naskah.models import CLASSIFICATIONS, URGENCIES, Document, Role, User
from naskah.models.correspondent import Correspondent
from naskah.models.intake import SECURITY, Mailbox, MailMessage
from naskah.models.keys import CorrespondentCert, SharedKey
from naskah.workflow import documents

log = logging.getLogger("naskah.intake")
NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,59}")
SIGNATURE_LABELS = {"verified": "terverifikasi", "not_verified": "tidak dapat diverifikasi",
                    "invalid": "tidak sah", "none": "tidak bertanda tangan"}


def _actor_kw(actor) -> dict:
    return {"actor": actor} if actor is not None else {"actor_name": "cli"}


# ------------------------------------------------------------------ configuration

def problems(data: dict, password: str | None, mailbox: Mailbox | None = None) -> dict[str, str]:
    """Every problem with a mailbox's settings at once: {field: message}."""
    errors = {}
    name = (data.get("name") or "").strip()
    if not NAME_RE.fullmatch(name):
        errors["name"] = "Nama 1-60 karakter: huruf, angka, titik, garis bawah atau tanda hubung."
    elif db.session.scalar(db.select(Mailbox.id).where(Mailbox.name == name, Mailbox.id != getattr(mailbox, "id", 0))):
        errors["name"] = f"Kotak surat \u201c{name}\u201d sudah ada."
    host = (data.get("host") or "").strip()
    if not host or len(host) > 200 or not re.fullmatch(r"[A-Za-z0-9.:\[\]-]+", host):
        errors["host"] = "Isi nama server IMAP (mis. mail.kota.go.id)."
    try:
        port = int(data.get("port") or 0)
    except (TypeError, ValueError):
        port = 0
    if not 1 <= port <= 65535:
        errors["port"] = "Port 1-65535 (IMAPS biasanya 993, STARTTLS 143)."
    if not (data.get("username") or "").strip() or len(data.get("username") or "") > 200:
        errors["username"] = "Isi nama pengguna kotak surat (paling banyak 200 karakter)."
    if data.get("security") not in SECURITY:
        errors["security"] = "Pilih TLS atau STARTTLS."
    folders = {}
    for key in ("folder", "processed_folder", "refused_folder"):
        value = (data.get(key) or "").strip()
        if not value or len(value) > 200 or any(c in value for c in '"\\\r\n'):
            errors[key] = "Isi nama folder (tanpa tanda kutip atau garis miring terbalik)."
        elif value in folders.values():
            errors[key] = "Folder ini sudah dipakai untuk keperluan lain di kotak surat ini."
        folders[key] = value
    if data.get("default_classification") not in CLASSIFICATIONS:
        errors["default_classification"] = "Pilih klasifikasi bawaan."
    if data.get("default_urgency") not in URGENCIES:
        errors["default_urgency"] = "Pilih tingkat urgensi bawaan."
    if mailbox is None and not password:
        errors["password"] = "Isi kata sandi kotak surat."  # noqa: S105 - a message, not a secret  # nosec B105
    if password is not None and len(password) > 500:
        errors["password"] = "Kata sandi terlalu panjang."  # noqa: S105 - a message, not a secret  # nosec B105
    return errors


def _check(data, password, mailbox=None):
    errors = problems(data, password, mailbox)
    if errors:
        field_name, message = next(iter(errors.items()))
        error = DomainError(message, field=field_name)
        error.problems = errors
        raise error


def _apply(mb: Mailbox, data: dict) -> None:
    mb.name = data["name"].strip()
    mb.host, mb.port = data["host"].strip(), int(data["port"])
    mb.username, mb.security = data["username"].strip(), data["security"]
    mb.folder = data["folder"].strip()
    mb.processed_folder, mb.refused_folder = data["processed_folder"].strip(), data["refused_folder"].strip()
    mb.known_senders_only = bool(data.get("known_senders_only"))
    mb.default_classification, mb.default_urgency = data["default_classification"], data["default_urgency"]
    mb.active = bool(data.get("active", True))


def _public(mb: Mailbox) -> dict:
    return {"name": mb.name, "host": mb.host, "port": mb.port, "user": mb.username, "security": mb.security,
            "folder": mb.folder, "processed": mb.processed_folder, "refused": mb.refused_folder,
            "known_senders_only": mb.known_senders_only, "active": mb.active}


DEFAULTS = {"security": "tls", "folder": "INBOX", "processed_folder": "Naskah/Diproses",
            "refused_folder": "Naskah/Ditolak", "default_classification": "R", "default_urgency": "segera",
            "active": True}


def add(data: dict, password: str, actor=None) -> Mailbox:
    """A new mailbox; the password goes straight into the vault."""
    data = {**DEFAULTS, **{k: v for k, v in data.items() if v is not None}}
    _check(data, password)
    mb = Mailbox(created_by_id=getattr(actor, "id", None))
    _apply(mb, data)
    mb.password_blob_id = vault.store(password.encode("utf-8"), "mailbox_password").id
    db.session.add(mb)
    db.session.flush()
    audit.append("mailbox.add", object_type="mailbox", object_id=mb.id, **_actor_kw(actor), details=_public(mb))
    return mb


def update_settings(mb: Mailbox, data: dict, password: str | None, actor=None) -> Mailbox:
    """Change a mailbox; an empty password keeps the sealed one."""
    _check(data, password or None, mb)
    _apply(mb, data)
    details = _public(mb)
    if password:
        old = mb.password_blob_id
        mb.password_blob_id = vault.store(password.encode("utf-8"), "mailbox_password").id
        db.session.flush()
        vault.destroy(old)
        details["password_changed"] = True
    audit.append("mailbox.update", object_type="mailbox", object_id=mb.id, **_actor_kw(actor), details=details)
    return mb


def by_name(name: str) -> Mailbox:
    mb = db.session.scalar(db.select(Mailbox).where(Mailbox.name == name))
    if mb is None:
        raise NotFound(f"Tidak ada kotak surat bernama \u201c{name}\u201d.")
    return mb


def get_or_404(mb_id: int) -> Mailbox:
    mb = db.session.get(Mailbox, mb_id)
    if mb is None:
        raise NotFound("Kotak surat tidak ditemukan.")
    return mb


def listing() -> list[Mailbox]:
    return db.session.scalars(db.select(Mailbox).order_by(Mailbox.name)).all()


def recent_messages(limit: int = 50, status: str | None = None) -> list[MailMessage]:
    stmt = db.select(MailMessage).order_by(MailMessage.id.desc()).limit(limit)
    if status:
        stmt = stmt.where(MailMessage.status == status)
    return db.session.scalars(stmt).all()


def connect(mb: Mailbox) -> imap.Connection:
    password = vault.load_id(mb.password_blob_id).decode("utf-8")
    cfg = current_app.config
    return imap.Connection(mb.host, mb.port, mb.security, mb.username, password,
                           ca_file=cfg.get("INTAKE_CA_FILE"), timeout=float(cfg.get("INTAKE_TIMEOUT", 30)))


def _record(mb_id: int, ok: bool, result: str | None, error: str | None) -> None:
    values = {"last_poll_at": utcnow(), "last_ok": ok, "last_error": error}
    if result is not None:
        values["last_result"] = result[:300]
    db.session.execute(update(Mailbox).where(Mailbox.id == mb_id).values(**values))
    db.session.commit()


def test_connection(mb: Mailbox, actor=None) -> str:
    """Log in and open the watched folder; the outcome is stored, logged and audited."""
    mb_id, name = mb.id, mb.name
    try:
        conn = connect(mb)
        try:
            conn.select(mb.folder)
            waiting = len(conn.uids())
        finally:
            conn.close()
    except MailboxError as e:
        log.warning("mailbox %s: connection test failed: %s", name, e.message)
        db.session.rollback()
        audit.append("mailbox.test", object_type="mailbox", object_id=mb_id, **_actor_kw(actor),
                     details={"name": name, "ok": False, "error": e.message})
        _record(mb_id, False, None, e.message)
        raise DomainError(e.message) from None
    message = f"Sambungan berhasil: folder \u201c{mb.folder}\u201d berisi {waiting} surel."
    audit.append("mailbox.test", object_type="mailbox", object_id=mb_id, **_actor_kw(actor),
                 details={"name": name, "ok": True, "waiting": waiting})
    _record(mb_id, True, message, None)
    return message


# ------------------------------------------------------------------ the lease

def owner_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def acquire(mb_id: int, owner: str, *, due_seconds: float | None = None) -> bool:
    """True for one caller at a time (per mailbox), across threads, processes and servers.

    With `due_seconds` (the scheduler), also only when the last poll is that old, so several
    server processes poll a mailbox once per interval between them, not once each.
    """
    now = utcnow()
    seconds = int(current_app.config.get("INTAKE_LEASE_SECONDS", 300))
    stmt = update(Mailbox).where(Mailbox.id == mb_id, or_(Mailbox.lease_until.is_(None), Mailbox.lease_until < now))
    if due_seconds is not None:
        stmt = stmt.where(or_(Mailbox.last_poll_at.is_(None),
                              Mailbox.last_poll_at <= now - timedelta(seconds=due_seconds)))
    result = db.session.execute(stmt.values(lease_owner=owner, lease_until=now + timedelta(seconds=seconds)))
    db.session.commit()
    return result.rowcount == 1


def _renew(mb_id: int, owner: str) -> None:
    seconds = int(current_app.config.get("INTAKE_LEASE_SECONDS", 300))
    db.session.execute(update(Mailbox).where(Mailbox.id == mb_id, Mailbox.lease_owner == owner)
                       .values(lease_until=utcnow() + timedelta(seconds=seconds)))
    db.session.commit()


def release(mb_id: int, owner: str) -> None:
    db.session.rollback()
    db.session.execute(update(Mailbox).where(Mailbox.id == mb_id, Mailbox.lease_owner == owner)
                       .values(lease_until=None, lease_owner=None))
    db.session.commit()


# ------------------------------------------------------------------ the poll

@dataclass
class PollResult:
    mailbox: str
    cards: list[str] = field(default_factory=list)          # "agenda label / sender" lines
    refused: list[str] = field(default_factory=list)        # "message id: reason" lines
    already: int = 0
    skipped: bool = False
    retries: int = 0

    @property
    def summary(self) -> str:
        if self.skipped:
            return "Dilewati: kotak surat sedang diperiksa proses lain."
        parts = [f"{len(self.cards)} kartu baru", f"{len(self.refused)} ditolak"]
        if self.already:
            parts.append(f"{self.already} sudah diproses sebelumnya")
        return ", ".join(parts) + "."


def poll(mb: Mailbox, actor=None, *, due_seconds: float | None = None) -> PollResult:
    """One poll: every message in the watched folder becomes a card or is refused.

    A dropped connection is retried (INTAKE_RETRIES times) from where it stopped; what was
    committed stays committed. Raises MailboxError when the mailbox cannot be read at all.
    """
    mb_id, name = mb.id, mb.name
    result = PollResult(name)
    owner = owner_id()
    if not acquire(mb_id, owner, due_seconds=due_seconds):
        result.skipped = True
        return result
    retries = int(current_app.config.get("INTAKE_RETRIES", 3))
    try:
        while True:
            try:
                _poll_once(db.session.get(Mailbox, mb_id), owner, result)
                break
            except Exception as e:  # noqa: BLE001 - sorted into retry or report just below
                db.session.rollback()
                if not imap.transient(e) or result.retries >= retries:
                    message = e.message if isinstance(e, MailboxError) else \
                        f"Sambungan ke server surel terputus ({type(e).__name__})."
                    log.warning("mailbox %s: poll failed: %s", name, message)
                    _record(mb_id, False, result.summary if (result.cards or result.refused) else None, message)
                    raise MailboxError(message) from None
                result.retries += 1
                log.warning("mailbox %s: connection lost (%s), retry %d", name, type(e).__name__, result.retries)
                time.sleep(min(0.5 * result.retries, 5))
        _record(mb_id, True, result.summary, None)
        if actor is not None or result.cards or result.refused:
            audit.append("mailbox.poll", object_type="mailbox", object_id=mb_id,
                         **({"actor": actor} if actor is not None else {"actor_name": "jadwal"}),
                         details={"name": name, "cards": len(result.cards), "refused": len(result.refused),
                                  "already": result.already, "retries": result.retries})
            db.session.commit()
        log.info("mailbox %s: %s", name, result.summary)
        return result
    finally:
        release(mb_id, owner)


def _poll_once(mb: Mailbox, owner: str, result: PollResult) -> None:
    conn = connect(mb)
    try:
        conn.select(mb.folder)
        batch = int(current_app.config.get("INTAKE_BATCH", 50))
        for uid in conn.uids()[:batch]:
            _handle(conn, mb, uid, result)
            _renew(mb.id, owner)
            mb = db.session.get(Mailbox, mb.id)
    finally:
        conn.close()


def _handle(conn: imap.Connection, mb: Mailbox, uid: int, result: PollResult) -> None:
    size, internal = conn.size_and_date(uid)
    limit = int(current_app.config.get("INTAKE_MAX_BYTES", current_app.config["CRYPTOGRAM_MAX_BYTES"]))
    if size > limit:
        header = conn.header(uid)
        mid = messages.message_id(header)
        digest = hashlib.sha256(header + str(size).encode()).hexdigest()
        row = _known(mid, digest)
        if row is None:
            reason = f"Surel terlalu besar ({_mb(size)}; batas {_mb(limit)})."
            row = _refuse(mb, mid, digest, size, header, reason, "too_large", store_evidence=False)
            result.refused.append(f"{mid or uid}: {reason}")
        else:
            result.already += 1
        _move(conn, mb, uid, row)
        return
    raw = conn.fetch(uid)
    digest = hashlib.sha256(raw).hexdigest()
    mid = messages.message_id(raw)
    key = _key(mid, digest)
    row = _known_key(key)
    if row is not None and row.content_sha256 != digest:
        twin = _redelivered(mid, raw)
        if twin is not None:
            result.already += 1
            _move(conn, mb, uid, twin)
            return
        # Same Message-ID, other content: not a copy of the first message. Keyed by content too,
        # so a forged Message-ID cannot make the office drop the real cryptogram unseen.
        key = f"{mid}#sha256:{digest}"
        row = _known_key(key)
    if row is not None:
        result.already += 1
    else:
        try:
            row, label = _take_in(mb, raw, mid, digest, internal, key)
            result.cards.append(label)
        except messages.Refused as r:
            db.session.rollback()
            row = _refuse(mb, mid, digest, len(raw), raw, r.reason, r.code, key=key)
            result.refused.append(f"{mid or uid}: {r.reason}")
        except IntegrityError:
            db.session.rollback()        # another process committed this message first
            row = _known_key(key)
            result.already += 1
    if row is not None:
        _move(conn, mb, uid, row)


def _redelivered(mid: str, raw: bytes) -> MailMessage | None:
    """The card this message is another copy of (its headers may differ, e.g. Received:): a
    card from a mail with the same Message-ID and the same cryptogram."""
    try:
        payload = messages.extract_safely(raw).cryptogram
    except messages.Refused:
        return None
    sha = hashlib.sha256(payload).hexdigest()
    return db.session.scalar(db.select(MailMessage).join(Document, Document.id == MailMessage.document_id)
                             .where(MailMessage.message_id == mid, MailMessage.status == "card",
                                    Document.cryptogram_sha256 == sha).limit(1))


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB".replace(".", ",")


def _key(mid: str | None, digest: str) -> str:
    return mid or f"sha256:{digest}"


def _known(mid, digest) -> MailMessage | None:
    return _known_key(_key(mid, digest))


def _known_key(key: str) -> MailMessage | None:
    return db.session.scalar(db.select(MailMessage).where(MailMessage.message_key == key[:600]))


def _move(conn, mb: Mailbox, uid: int, row: MailMessage) -> None:
    """After the commit: out of the watched folder, into processed or refused (never deleted)."""
    conn.move(uid, mb.processed_folder if row.status == "card" else mb.refused_folder)
    if not row.moved:
        db.session.execute(update(MailMessage).where(MailMessage.id == row.id).values(moved=True))
        db.session.commit()


def _refuse(mb, mid, digest, size, raw, reason, code, *, store_evidence=True, key=None) -> MailMessage:
    incoming_from = None
    try:
        incoming_from = messages.extract_from(raw)
    except Exception:  # noqa: BLE001, S110 - the sender is a courtesy on a refused message  # nosec B110
        pass
    row = MailMessage(mailbox_id=mb.id, message_key=(key or _key(mid, digest))[:600], message_id=mid,
                      content_sha256=digest, size=size, status="refused", reason=reason[:500], from_address=incoming_from,
                      evidence_blob_id=vault.store(raw, "mail_evidence").id if store_evidence else None)
    db.session.add(row)
    db.session.flush()
    audit.append("mail.refused", object_type="mail_message", object_id=row.id, actor_name="surel",
                 details={"mailbox": mb.name, "message_id": mid, "from": incoming_from, "code": code,
                          "reason": reason, "sha256": digest})
    db.session.commit()
    log.info("mailbox %s: refused %s: %s", mb.name, mid, reason)
    return row


def _signature(incoming: messages.Incoming) -> tuple[str, str | None, Correspondent | None]:
    """The outer S/MIME signature's status and signer, and the directory entry whose pinned
    certificate made it (one certificate at a time, so the match is by certificate)."""
    if incoming.signature_der is None:
        return "none", None, None
    rows = db.session.scalars(db.select(CorrespondentCert).where(CorrespondentCert.retired_at.is_(None),
                                                                 CorrespondentCert.correspondent_id.is_not(None))).all()
    try:
        for row in rows:
            res = _signed.verify(incoming.signature_der, [x509.load_pem_x509_certificate(row.cert_pem.encode())],
                                 detached=incoming.signed_content)
            if res.status == "verified":
                return "verified", res.signer, directory.survivor(db.session.get(Correspondent, row.correspondent_id))
        res = _signed.verify(incoming.signature_der, [], detached=incoming.signed_content)
        return res.status, res.signer, None
    except (_signed.SignedDataError, _signed.UnsupportedSignature):
        return "invalid", None, None


def _has_shared_key(entry: Correspondent | None) -> bool:
    return entry is not None and bool(db.session.scalar(db.select(SharedKey.id).where(
        SharedKey.correspondent_id == entry.id, SharedKey.retired_at.is_(None)).limit(1)))


def _take_in(mb: Mailbox, raw: bytes, mid, digest, internal, key: str) -> tuple[MailMessage, str]:
    """The card, the sealed evidence and the message row, in one transaction (committed here)."""
    incoming = messages.extract_safely(raw)
    signature, signer, by_cert = _signature(incoming)
    by_address = directory.by_email(incoming.from_address)
    entry = by_cert or by_address
    notes = [f"Diterima lewat surel (kotak {mb.name}) dari {incoming.from_address or 'alamat tidak diketahui'}."]
    if by_cert and by_address and by_cert.id != by_address.id:
        notes.append(f"Perhatian: alamat pengirim terdaftar untuk {by_address.name}, "
                     f"tetapi tanda tangan dibuat dengan sertifikat {by_cert.name}.")
    if signature != "none":
        notes.append(f"Tanda tangan S/MIME surel: {SIGNATURE_LABELS[signature]}"
                     + (f" ({signer})." if signer else "."))
    if mb.known_senders_only and entry is None:
        raise messages.Refused(f"Pengirim {incoming.from_address or '(tanpa alamat)'} tidak terdaftar di "
                               "direktori koresponden, dan kotak surat ini hanya menerima pengirim terdaftar.",
                               "unknown_sender")
    if incoming.kind == "fernet" and not _has_shared_key(entry):
        raise messages.Refused("Token Fernet hanya diterima dari koresponden yang memiliki kunci bersama "
                               "(alamat pengirim tidak terdaftar untuk instansi dengan kunci bersama).", "fernet_unknown")
    now = utcnow()
    received = min(internal, now) if internal else now
    data = {
        "sender_agency": entry.name if entry else (incoming.from_name or incoming.from_address or "Pengirim tidak dikenal")[:200],
        "correspondent_id": entry.id if entry else None,
        "sender_email": incoming.from_address,
        "sender_ref_number": (incoming.subject or "-")[:100],
        "sender_ref_date": to_wib(incoming.date).date() if incoming.date and incoming.date <= now + timedelta(days=1) else None,
        "channel": "email", "classification": mb.default_classification, "urgency": mb.default_urgency,
        "received_at": received, "notes": " ".join(notes)[:2000], "created_by_id": _recorder(mb),
    }
    doc = documents.receive(None, data, incoming.cryptogram, incoming.filename, audit_details={
        "mailbox": mb.name, "message_id": mid, "from": incoming.from_address, "kind": incoming.kind,
        "signature": signature, "signer": signer, "mail_sha256": digest})
    row = MailMessage(mailbox_id=mb.id, message_key=key[:600], message_id=mid, content_sha256=digest,
                      size=len(raw), status="card", from_address=incoming.from_address,
                      message_date=incoming.date, signature=signature, signer=(signer or None) and signer[:200],
                      correspondent_id=doc.correspondent_id, document_id=doc.id,
                      evidence_blob_id=vault.store(raw, "mail_evidence").id)
    db.session.add(row)
    db.session.flush()
    label = f"{doc.sender_agency} \u2190 {incoming.from_address} (naskah #{doc.id})"
    _commit_card()
    return row, label


def _recorder(mb: Mailbox) -> int:
    """Who the card's record names as its creator: the administrator who set the mailbox up
    (or, for one added from the command line, the first administrator). The audit event says
    it came by e-mail; registering it stays the sandiman's act."""
    if mb.created_by_id is not None:
        return mb.created_by_id
    admin_id = db.session.scalar(db.select(User.id).where(User.role == Role.ADMIN.value)
                                 .order_by(User.active.desc(), User.id).limit(1))
    if admin_id is None:
        raise MailboxError("Belum ada akun administrator; jalankan `flask init` lebih dulu.")
    return admin_id


def _commit_card() -> None:
    """The one commit that makes a card; the message moves only after it (see module doc)."""
    db.session.commit()


def message_for(doc_id: int) -> MailMessage | None:
    return db.session.scalar(db.select(MailMessage).where(MailMessage.document_id == doc_id))


def evidence(row: MailMessage) -> bytes | None:
    return vault.load_id(row.evidence_blob_id)


def document_section(doc, user) -> dict:
    """The document page's "Diterima lewat surel" section (only for e-mailed cryptograms)."""
    mail = message_for(doc.id) if doc.channel == "email" else None
    return {"mail": mail, "can_read": documents.can_read_content(doc, user),
            "signature_labels": SIGNATURE_LABELS}
