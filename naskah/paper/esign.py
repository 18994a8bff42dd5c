"""The office PKI in the database: CA, trust roots, users' signing certificates, signing.

The CA private key and every PKCS#12 are sealed in the vault. A PKCS#12 is additionally protected
by its owner's passphrase, typed at signing time and never stored or logged; the server alone
cannot sign on the kasi's behalf.
"""
import datetime as dt
import logging

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID
from flask import g, has_request_context, request

from naskah.audit import chain as audit
from naskah.core import settings, throttle, vault
from naskah.core.errors import DomainError
from naskah.core.timeutil import utcnow
from naskah.crypto import keys
from naskah.extensions import db
from naskah.models import Role, User
from naskah.models.paper import SigningCertificate, TrustRoot
from naskah.paper import signing_ca as pki
from naskah.printing.sign import WRONG_PASSPHRASE_MSG, SigningError, sign_pdf_with_p12, verify_pdf

PASSPHRASE_MIN = 8
SIGN_ATTEMPTS = (5, 300)   # wrong passphrases per user per window (seconds)
_limiter = throttle.DatabaseRateLimiter()


class PkiError(DomainError):
    """Set-up problems reported to the operator (CLI) or the kasi (web)."""


def _pem(cert) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def _cn(name: x509.Name) -> str:
    attrs = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return attrs[0].value if attrs else name.rfc4514_string()


def check_passphrase(passphrase: str) -> bytes:
    if len(passphrase or "") < PASSPHRASE_MIN:
        raise PkiError(f"Frasa sandi minimal {PASSPHRASE_MIN} karakter.")
    if passphrase != passphrase.strip():
        raise PkiError("Frasa sandi tidak boleh diawali atau diakhiri spasi.")
    return passphrase.encode("utf-8")


# --------------------------------------------------------------------------- trust roots

def office_ca() -> TrustRoot | None:
    return db.session.scalar(db.select(TrustRoot).where(TrustRoot.kind == "office", TrustRoot.active.is_(True))
                             .order_by(TrustRoot.id.desc()))


def trust_roots() -> list:
    rows = db.session.scalars(db.select(TrustRoot).where(TrustRoot.active.is_(True))).all()
    return [x509.load_pem_x509_certificate(r.cert_pem.encode()) for r in rows]


def revoked_serials() -> set[int]:
    rows = db.session.scalars(db.select(SigningCertificate.serial).where(SigningCertificate.status == "revoked"))
    return {int(s) for s in rows}


def add_trust_root(cert, kind: str, actor_name: str = "cli", key=None) -> TrustRoot:
    fp = keys.fingerprint(cert)
    existing = db.session.scalar(db.select(TrustRoot).where(TrustRoot.fingerprint == fp))
    if existing is not None:
        return existing
    root = TrustRoot(kind=kind, name=_cn(cert.subject)[:200], cert_pem=_pem(cert), fingerprint=fp,
                     key_blob_id=vault.store(keys.private_key_to_der(key), "pki_ca_key").id if key else None)
    db.session.add(root)
    db.session.flush()
    audit.append("pki.trust_root", actor_name=actor_name, object_type="trust_root", object_id=root.id,
                 details={"kind": kind, "name": root.name, "fingerprint": fp})
    return root


def init_ca(common_name: str, org: str, days: int = 3650) -> TrustRoot:
    """Create the office CA once; its private key is sealed in the vault."""
    if office_ca() is not None:
        raise PkiError("CA kantor sudah ada. Sertifikat yang ada tetap berlaku.")
    key, cert = pki.create_ca(common_name, org, days)
    return add_trust_root(cert, "office", key=key)


def _ca_material():
    root = office_ca()
    if root is None or root.key_blob_id is None:
        raise PkiError("CA kantor belum dibuat. Jalankan: flask --app app pki init")
    key = keys.private_key_from_der(vault.load_id(root.key_blob_id))
    return key, x509.load_pem_x509_certificate(root.cert_pem.encode())


# --------------------------------------------------------------------------- certificates

def _user(username: str) -> User:
    user = db.session.scalar(db.select(User).where(User.username == username.strip().lower()))
    if user is None or not user.active:
        raise PkiError(f"Pengguna aktif \u201c{username}\u201d tidak ditemukan.")
    if user.role != Role.KASI.value:
        raise PkiError("Sertifikat tanda tangan hanya untuk pengguna berperan Kasi.")
    return user


def active_cert(user_id: int) -> SigningCertificate | None:
    return db.session.scalar(db.select(SigningCertificate).where(
        SigningCertificate.user_id == user_id, SigningCertificate.status == "active")
        .order_by(SigningCertificate.id.desc()))


def has_any_cert(user_id: int) -> bool:
    return db.session.scalar(db.select(SigningCertificate.id).where(SigningCertificate.user_id == user_id)
                             .limit(1)) is not None


def _store_cert(user: User, cert, p12: bytes, source: str) -> SigningCertificate:
    for old in db.session.scalars(db.select(SigningCertificate).where(
            SigningCertificate.user_id == user.id, SigningCertificate.status == "active")):
        old.status = "retired"
    row = SigningCertificate(
        user_id=user.id, serial=str(cert.serial_number), fingerprint=keys.fingerprint(cert),
        subject=cert.subject.rfc4514_string()[:300], issuer=cert.issuer.rfc4514_string()[:300],
        not_before=cert.not_valid_before_utc, not_after=cert.not_valid_after_utc,
        p12_blob_id=vault.store(p12, "pki_signing_p12").id, source=source, status="active")
    db.session.add(row)
    db.session.flush()
    audit.append(f"pki.{'issue' if source == 'office' else 'import'}", actor_name="cli",
                 object_type="signing_cert", object_id=row.id,
                 details={"user": user.username, "fingerprint": row.fingerprint, "serial": row.serial})
    return row


def issue(username: str, passphrase: str, days: int = 1095) -> SigningCertificate:
    user = _user(username)
    secret = check_passphrase(passphrase)
    ca_key, ca_cert = _ca_material()
    key, cert = pki.issue_signing_cert(ca_key, ca_cert, user.full_name, user.nip, days)
    return _store_cert(user, cert, pki.to_pkcs12(key, cert, ca_cert, secret), "office")


def import_p12(username: str, p12: bytes, passphrase: str, extra_ca: bytes | None = None) -> SigningCertificate:
    """Take a PKCS#12 from an external CA; its CA certificate(s) become trust roots."""
    user = _user(username)
    try:
        key, cert, extra = keys.load_pkcs12(p12, passphrase.encode("utf-8"))
    except keys.KeyImportError as e:
        raise PkiError(e.message) from None
    now = utcnow()
    if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
        raise PkiError("Sertifikat di dalam berkas tidak berlaku saat ini.")
    cas = [c for c in extra if _is_ca(c)]
    if extra_ca:
        try:
            cas.append(keys.cert_from_pem_or_der(extra_ca))
        except keys.KeyImportError as e:
            raise PkiError(e.message) from None
    if not any(c.subject == cert.issuer for c in cas):
        raise PkiError("Sertifikat CA penerbit tidak ada di berkas; berikan dengan --ca FILE.")
    for ca in cas:
        add_trust_root(ca, "external")
    return _store_cert(user, cert, p12, "import")


def _is_ca(cert) -> bool:
    try:
        return cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


def revoke(username: str) -> list[SigningCertificate]:
    user = db.session.scalar(db.select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise PkiError(f"Pengguna \u201c{username}\u201d tidak ditemukan.")
    rows = db.session.scalars(db.select(SigningCertificate).where(
        SigningCertificate.user_id == user.id, SigningCertificate.status != "revoked")).all()
    if not rows:
        raise PkiError("Pengguna ini tidak memiliki sertifikat yang dapat dicabut.")
    for row in rows:
        row.status, row.revoked_at = "revoked", utcnow()
        audit.append("pki.revoke", actor_name="cli", object_type="signing_cert", object_id=row.id,
                     details={"user": user.username, "fingerprint": row.fingerprint, "serial": row.serial})
    return rows


def crl() -> bytes:
    key, cert = _ca_material()
    return pki.make_crl(key, cert, sorted(revoked_serials()))


# --------------------------------------------------------------------------- signing

def usable_cert(user: User) -> SigningCertificate | None:
    """The cert `user` signs with; None when the office lets them sign by hand (no cert ever)."""
    row = active_cert(user.id)
    if row is None:
        if has_any_cert(user.id):
            raise DomainError("Sertifikat tanda tangan Anda telah dicabut atau tidak aktif. "
                              "Minta administrator menerbitkan sertifikat baru.", field="passphrase")
        if settings.get("signature_required"):
            raise DomainError("Tanda tangan elektronik wajib, tetapi Anda belum memiliki sertifikat. "
                              "Minta administrator menjalankan \u201cpki issue\u201d.", field="passphrase")
        return None
    now = utcnow()
    if not row.not_before <= now <= row.not_after:
        raise DomainError("Sertifikat tanda tangan Anda sudah tidak berlaku (kedaluwarsa).", field="passphrase")
    return row


def sign(pdf: bytes, user: User, passphrase: str | None, *, row: SigningCertificate, qr_text: str | None,
         signing_time: dt.datetime, location: str, box=None, reason: str = "Tanda tangan Kepala Seksi") -> bytes:
    """Sign `pdf` with `row`'s key; a wrong passphrase is a DomainError on the passphrase field."""
    from flask import current_app

    if not passphrase:
        raise DomainError("Masukkan frasa sandi sertifikat Anda.", field="passphrase")
    if row.user_id != user.id or row.status != "active":
        raise DomainError("Sertifikat ini tidak dapat dipakai untuk menandatangani.", field="passphrase")
    limit, window = current_app.config.get("SIGN_ATTEMPTS", SIGN_ATTEMPTS)
    if not _limiter.allowed(_failure_key(user.id), limit, window):
        raise DomainError("Terlalu banyak frasa sandi yang salah. Tunggu beberapa menit lalu coba lagi.",
                          field="passphrase")
    try:
        return sign_pdf_with_p12(pdf, vault.load_id(row.p12_blob_id), passphrase.encode("utf-8"),
                                 box=box, signer_name=user.full_name, signer_nip=user.nip, reason=reason,
                                 location=location, qr_text=qr_text, signing_time=signing_time)
    except SigningError as e:
        if str(e) == WRONG_PASSPHRASE_MSG:
            _count_failure(user.id, limit, window)
            raise DomainError(WRONG_PASSPHRASE_MSG, field="passphrase") from None
        raise DomainError("Penandatanganan gagal. Hubungi administrator.") from None


def _failure_key(user_id: int) -> str:
    return f"sign-passphrase:{user_id}"


def _count_failure(user_id: int, limit: int, window: float) -> None:
    """A wrong passphrase counts in the database (every server process sees it), once per request,
    after the request's own transaction: the signature is made inside a transaction the refusal
    rolls back (or, prepared, in a read), and on SQLite a second connection writing now would
    queue behind this very request's write lock. A command outside any request (its own short
    process) counts nothing."""
    if has_request_context():
        g.setdefault("naskah_sign_failures", {})[user_id] = (limit, window)


def record_failures(response):
    """after_request: store this request's wrong passphrases, in a short write of their own."""
    pending = g.pop("naskah_sign_failures", None)
    if pending:
        db.session.rollback()  # the view's work is over: committed, or refused and rolled back
        request.environ["naskah.begin"] = "immediate"  # a writer: through the writer queue
        try:
            for user_id, (limit, window) in pending.items():
                _limiter.hit(_failure_key(user_id), limit, window)
        finally:
            del request.environ["naskah.begin"]
    return response


def verify(pdf: bytes):
    """verify_pdf with the office's trust roots and revoked serials (never raises)."""
    # The stamp added at delivery is an incremental update pyHanko's diff policy cannot classify;
    # it logs a traceback for every such file. We report "added after signing" ourselves.
    logging.getLogger("pyhanko.sign.diff_analysis").setLevel(logging.ERROR)
    return verify_pdf(pdf, trust_roots(), revoked_serials())
