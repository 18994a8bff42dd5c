"""Key custody shared by the key pages and the `flask keys` commands.

Private and symmetric keys go into the vault (sealed under the master key) the moment they are
made or imported and come out only to decrypt; nothing here returns them to a caller that
displays things. Every change appends one audit event naming the key, never its material.
"""
import hashlib
import re
from datetime import date, datetime
from functools import cached_property

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from naskah.audit import chain as audit
from naskah.core import settings, vault
from naskah.core.errors import DomainError, NotFound
from naskah.core.timeutil import to_wib, utcnow
from naskah.correspondents import directory
from naskah.crypto import keys as ck
from naskah.crypto.cms import Identity, SymmetricKey
from naskah.extensions import db
from naskah.models.keys import CorrespondentCert, OfficeIdentity, SharedKey

NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{1,59}")
KEY_SIZES = (2048, 3072, 4096)
CURVES = tuple(ck.CURVES)
PASSWORD_MIN = 8


def _actor_kw(actor) -> dict:
    return {"actor": actor} if actor is not None else {"actor_name": "cli"}


def _actor_id(actor):
    return getattr(actor, "id", None)


def _check_name(name: str, field: str = "name") -> str:
    name = (name or "").strip()
    if not NAME_RE.fullmatch(name):
        raise DomainError("Nama kunci 2-60 karakter: huruf, angka, titik, garis bawah atau tanda hubung.",
                          field=field)
    taken = (db.session.scalar(db.select(OfficeIdentity.id).where(OfficeIdentity.name == name))
             or db.session.scalar(db.select(SharedKey.id).where(SharedKey.label == name)))
    if taken:
        raise DomainError(f"Nama \u201c{name}\u201d sudah dipakai kunci lain.", field=field)
    return name


def normalise_agency(name: str | None) -> str:
    return " ".join((name or "").split()).casefold()


def _cert_fields(identity: OfficeIdentity, cert: x509.Certificate) -> None:
    identity.cert_pem = ck.cert_to_pem(cert).decode("ascii")
    identity.fingerprint = ck.fingerprint(cert)
    identity.subject = cert.subject.rfc4514_string()[:300]
    identity.issuer = cert.issuer.rfc4514_string()[:300]
    identity.not_before = cert.not_valid_before_utc
    identity.not_after = cert.not_valid_after_utc


def _refuse_known_cert(cert: x509.Certificate) -> None:
    fp = ck.fingerprint(cert)
    other = db.session.scalar(db.select(OfficeIdentity).where(OfficeIdentity.fingerprint == fp))
    if other is not None:
        raise DomainError(f"Sertifikat ini sudah terdaftar sebagai identitas \u201c{other.name}\u201d.")


# ------------------------------------------------------------------ office identities

def generate(name: str, *, common_name: str | None = None, bits: int = 3072, csr: bool = False,
             org: str | None = None, curve: str | None = None, actor=None) -> OfficeIdentity:
    """A new RSA (or EC, with `curve`) key pair: self-signed certificate, or a CSR for an
    external CA (pending)."""
    name = _check_name(name)
    curve = curve or None
    if curve is not None and curve not in CURVES:
        raise DomainError("Kurva EC harus P-256, P-384 atau P-521.", field="curve")
    if curve is None and bits not in KEY_SIZES:
        raise DomainError("Panjang kunci harus 2048, 3072 atau 4096 bit.", field="bits")
    cn = (common_name or "").strip() or f"{settings.get('office_unit')} ({name})"
    if len(cn) > 64:
        raise DomainError("Nama umum (CN) paling banyak 64 karakter.", field="common_name")
    if curve is not None:
        bits = ck.CURVES[curve].key_size
    identity = OfficeIdentity(name=name, common_name=cn, key_bits=bits, key_type=curve or "rsa",
                              created_by_id=_actor_id(actor))
    if csr:
        key = ck.new_private_key(bits, curve)
        identity.csr_pem = ck.make_csr(key, cn, (org or "").strip() or settings.get("office_name")).decode("ascii")
        identity.status, identity.source = "pending", "csr"
    else:
        key, cert = ck.generate_identity(cn, bits=bits, curve=curve)
        _cert_fields(identity, cert)
        identity.status, identity.source = "active", "generated"
    identity.key_blob_id = vault.store(ck.private_key_to_der(key), "identity_key").id
    db.session.add(identity)
    db.session.flush()
    audit.append("key.generate", object_type="identity", object_id=identity.id, **_actor_kw(actor),
                 details={"name": name, "bits": bits, "key_type": identity.key_type, "csr": csr,
                          "fingerprint": identity.fingerprint})
    return identity


def import_certificate(identity: OfficeIdentity, data: bytes, actor=None) -> OfficeIdentity:
    """Attach the certificate a CA issued for a pending identity's CSR."""
    if identity.status != "pending":
        raise DomainError("Identitas ini tidak sedang menunggu sertifikat.")
    cert = _load_cert(data)
    key = ck.private_key_from_der(vault.load_id(identity.key_blob_id))
    if not ck.key_matches_certificate(key, cert):
        raise DomainError("Sertifikat tidak cocok dengan kunci privat identitas ini.", field="certificate")
    _refuse_known_cert(cert)
    _cert_fields(identity, cert)
    identity.status = "active"
    audit.append("key.import_cert", object_type="identity", object_id=identity.id, **_actor_kw(actor),
                 details={"name": identity.name, "fingerprint": identity.fingerprint})
    return identity


def import_p12(name: str, data: bytes, passphrase, actor=None) -> OfficeIdentity:
    """An identity from a .p12/.pfx file; the passphrase is used once and not kept."""
    name = _check_name(name)
    if not data:
        raise DomainError("Pilih berkas PKCS#12 (.p12/.pfx).", field="p12_file")
    try:
        key, cert, _extra = ck.load_pkcs12(data, passphrase)
    except ck.KeyImportError as e:
        raise DomainError(e.message, field="p12_file") from None
    _refuse_known_cert(cert)
    cn_attrs = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    identity = OfficeIdentity(name=name, common_name=(str(cn_attrs[0].value) if cn_attrs else name)[:200],
                              key_bits=key.key_size, key_type=ck.key_type(key), status="active", source="p12",
                              created_by_id=_actor_id(actor))
    _cert_fields(identity, cert)
    identity.key_blob_id = vault.store(ck.private_key_to_der(key), "identity_key").id
    db.session.add(identity)
    db.session.flush()
    audit.append("key.import_p12", object_type="identity", object_id=identity.id, **_actor_kw(actor),
                 details={"name": name, "bits": key.key_size, "key_type": identity.key_type,
                          "fingerprint": identity.fingerprint})
    return identity


def export_cert(identity: OfficeIdentity, actor=None) -> bytes:
    """The public certificate (PEM) for correspondents; only current identities are offered."""
    if identity.status != "active" or not identity.cert_pem:
        raise DomainError("Hanya sertifikat identitas aktif yang dapat diekspor.")
    audit.append("key.export_cert", object_type="identity", object_id=identity.id, **_actor_kw(actor),
                 details={"name": identity.name, "fingerprint": identity.fingerprint})
    return identity.cert_pem.encode("ascii")


def export_csr(identity: OfficeIdentity, actor=None) -> bytes:
    if identity.status != "pending" or not identity.csr_pem:
        raise DomainError("Identitas ini tidak memiliki CSR yang menunggu.")
    audit.append("key.export_csr", object_type="identity", object_id=identity.id, **_actor_kw(actor),
                 details={"name": identity.name})
    return identity.csr_pem.encode("ascii")


# ------------------------------------------------------------------ pre-shared keys

def _shared_fields(label: str, agency: str, valid_from, valid_until) -> tuple[str, str]:
    """Checks common to every pre-shared secret: (label, agency)."""
    label = _check_name(label, field="label")
    agency = " ".join((agency or "").split())
    if not agency or len(agency) > 200:
        raise DomainError("Isi nama instansi koresponden (paling banyak 200 karakter).", field="agency")
    if valid_from and valid_until and valid_until < valid_from:
        raise DomainError("Tanggal akhir berlaku tidak boleh sebelum tanggal mulai.", field="valid_until")
    return label, agency


def _refuse_known_key(check: str) -> None:
    other = db.session.scalar(db.select(SharedKey).where(SharedKey.check_value == check))
    if other is not None:
        raise DomainError(f"Kunci ini sudah terdaftar dengan label \u201c{other.label}\u201d.", field="key")


def import_fernet(label: str, agency: str, key_text, *, valid_from: date | None = None,
                  valid_until: date | None = None, actor=None) -> SharedKey:
    label, agency = _shared_fields(label, agency, valid_from, valid_until)
    try:
        key = ck.validate_fernet_key(key_text or "")
    except ck.KeyImportError as e:
        raise DomainError(e.message + " Kunci Fernet berupa 44 karakter base64 (url-safe).",
                          field="key") from None
    check = hashlib.sha256(key).hexdigest()[:16]
    _refuse_known_key(check)
    shared = SharedKey(label=label, agency=agency, kind="fernet", check_value=check, valid_from=valid_from,
                       valid_until=valid_until, created_by_id=_actor_id(actor),
                       key_blob_id=vault.store(key, "fernet_key").id)
    db.session.add(shared)
    db.session.flush()
    audit.append("key.import_fernet", object_type="shared_key", object_id=shared.id, **_actor_kw(actor),
                 details={"label": label, "agency": agency, "check": check,
                          "valid_from": valid_from, "valid_until": valid_until})
    return shared


def import_kek(label: str, agency: str, key_id_text, key_text, *, valid_from: date | None = None,
               valid_until: date | None = None, actor=None) -> SharedKey:
    """A CMS key-encryption key (AES-128/192/256, hex) that the agency names by `key_id` in its
    KEKRecipientInfo (`openssl cms -encrypt -secretkey HEX -secretkeyid ID`)."""
    label, agency = _shared_fields(label, agency, valid_from, valid_until)
    try:
        key_id = ck.parse_hex(key_id_text, "ID kunci").hex()
    except ck.KeyImportError as e:
        raise DomainError(e.message, field="key_id") from None
    try:
        key = ck.validate_kek(key_text or "")
    except ck.KeyImportError as e:
        raise DomainError(e.message, field="key") from None
    other = db.session.scalar(db.select(SharedKey).where(SharedKey.kind == "kek", SharedKey.key_id == key_id,
                                                         SharedKey.retired_at.is_(None)))
    if other is not None:
        raise DomainError(f"ID kunci ini sudah dipakai kunci \u201c{other.label}\u201d; pensiunkan dulu kunci itu "
                          "atau sepakati ID baru dengan pengirim.", field="key_id")
    check = hashlib.sha256(key).hexdigest()[:16]
    _refuse_known_key(check)
    shared = SharedKey(label=label, agency=agency, kind="kek", key_id=key_id, check_value=check,
                       valid_from=valid_from, valid_until=valid_until, created_by_id=_actor_id(actor),
                       key_blob_id=vault.store(key, "kek_key").id)
    db.session.add(shared)
    db.session.flush()
    audit.append("key.import_kek", object_type="shared_key", object_id=shared.id, **_actor_kw(actor),
                 details={"label": label, "agency": agency, "key_id": key_id, "bits": len(key) * 8,
                          "check": check, "valid_from": valid_from, "valid_until": valid_until})
    return shared


def import_password(label: str, agency: str, password, *, valid_from: date | None = None,
                    valid_until: date | None = None, actor=None) -> SharedKey:
    """A CMS password agreed with the agency (`openssl cms -encrypt -pwri_password ...`)."""
    label, agency = _shared_fields(label, agency, valid_from, valid_until)
    password = password if isinstance(password, str) else (password or b"").decode("utf-8", "replace")
    if len(password) < PASSWORD_MIN or len(password) > 200:
        raise DomainError(f"Kata sandi {PASSWORD_MIN} sampai 200 karakter.", field="password")
    shared = SharedKey(label=label, agency=agency, kind="password", check_value=None,
                       valid_from=valid_from, valid_until=valid_until, created_by_id=_actor_id(actor),
                       key_blob_id=vault.store(password.encode("utf-8"), "cms_password").id)
    db.session.add(shared)
    db.session.flush()
    audit.append("key.import_password", object_type="shared_key", object_id=shared.id, **_actor_kw(actor),
                 details={"label": label, "agency": agency, "valid_from": valid_from, "valid_until": valid_until})
    return shared


# ------------------------------------------------------------------ correspondents

def _load_cert(data: bytes) -> x509.Certificate:
    try:
        return ck.cert_from_pem_or_der(data or b"")
    except ck.KeyImportError as e:
        raise DomainError(e.message, field="certificate") from None


def add_correspondent(agency: str, data: bytes, actor=None) -> CorrespondentCert:
    agency = " ".join((agency or "").split())
    if not agency or len(agency) > 200:
        raise DomainError("Isi nama instansi koresponden (paling banyak 200 karakter).", field="agency")
    cert = _load_cert(data)
    fp = ck.fingerprint(cert)
    dup = db.session.scalar(db.select(CorrespondentCert).where(
        CorrespondentCert.fingerprint == fp, CorrespondentCert.retired_at.is_(None)))
    if dup is not None and normalise_agency(dup.agency) == normalise_agency(agency):
        raise DomainError("Sertifikat ini sudah terdaftar untuk instansi tersebut.", field="certificate")
    row = CorrespondentCert(agency=agency, subject=cert.subject.rfc4514_string()[:300] or "(tanpa subjek)",
                            cert_pem=ck.cert_to_pem(cert).decode("ascii"), fingerprint=fp,
                            not_after=cert.not_valid_after_utc, created_by_id=_actor_id(actor))
    db.session.add(row)
    db.session.flush()
    audit.append("key.add_correspondent", object_type="correspondent", object_id=row.id, **_actor_kw(actor),
                 details={"agency": agency, "fingerprint": fp})
    return row


# ------------------------------------------------------------------ retirement

def retire(kind: str, row, actor=None) -> None:
    """Retired identities and keys still decrypt what they used to; they are not offered anew."""
    if row.retired_at is not None:
        raise DomainError("Kunci ini sudah dipensiunkan.")
    row.retired_at, row.retired_by_id = utcnow(), _actor_id(actor)
    if kind == "identity":
        row.status = "retired"
    name = getattr(row, "name", None) or getattr(row, "label", None) or row.agency
    audit.append("key.retire", object_type=kind, object_id=row.id, **_actor_kw(actor),
                 details={"name": name})


def find_by_name(name: str):
    """('identity'|'shared_key', row) for a CLI name, or DomainError."""
    identity = db.session.scalar(db.select(OfficeIdentity).where(OfficeIdentity.name == name))
    if identity is not None:
        return "identity", identity
    shared = db.session.scalar(db.select(SharedKey).where(SharedKey.label == name))
    if shared is not None:
        return "shared_key", shared
    raise DomainError(f"Tidak ada kunci bernama \u201c{name}\u201d.")


def get_or_404(model, row_id):
    row = db.session.get(model, row_id)
    if row is None:
        raise NotFound("Kunci tidak ditemukan.")
    return row


def listing() -> dict:
    order = db.case((OfficeIdentity.status == "active", 0), (OfficeIdentity.status == "pending", 1), else_=2)
    return {
        "identities": db.session.scalars(db.select(OfficeIdentity).order_by(order, OfficeIdentity.name)).all(),
        "shared": db.session.scalars(db.select(SharedKey).order_by(SharedKey.retired_at.is_not(None),
                                                                   SharedKey.agency, SharedKey.label)).all(),
        "correspondents": db.session.scalars(db.select(CorrespondentCert).order_by(
            CorrespondentCert.retired_at.is_not(None), CorrespondentCert.agency)).all(),
    }


# ------------------------------------------------------------------ keys for decryption

def has_decryption_keys() -> bool:
    return bool(db.session.scalar(db.select(OfficeIdentity.id).where(OfficeIdentity.cert_pem.is_not(None)).limit(1))
                or db.session.scalar(db.select(SharedKey.id).where(SharedKey.retired_at.is_(None)).limit(1)))


class StoredIdentity:
    """An office identity whose private key leaves the vault only if a recipient info names it.

    Duck-types crypto.cms.Identity. The key was validated when it was made or imported and the
    vault authenticates it (AES-GCM), so the slow RSA consistency check is not repeated per use.
    """

    def __init__(self, name: str, certificate: x509.Certificate, key_blob_id: int):
        self.name, self.certificate, self._blob_id = name, certificate, key_blob_id

    @cached_property
    def private_key(self):
        key = serialization.load_der_private_key(vault.load_id(self._blob_id), password=None,
                                                 unsafe_skip_rsa_key_validation=True)
        if not isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
            raise ck.KeyImportError("Kunci privat harus berupa kunci RSA atau EC.")
        return key


def decryption_identities() -> list[Identity]:
    """Every identity with a certificate, retired ones included (old cryptograms stay readable)."""
    rows = db.session.scalars(db.select(OfficeIdentity).where(OfficeIdentity.cert_pem.is_not(None))
                              .order_by(OfficeIdentity.status, OfficeIdentity.id)).all()
    return [StoredIdentity(row.name, x509.load_pem_x509_certificate(row.cert_pem.encode()), row.key_blob_id)
            for row in rows]


def symmetric_keys(at: datetime) -> list[SymmetricKey]:
    """Pre-shared keys valid on the day a cryptogram was received (and not retired before it)."""
    day = to_wib(at).date()
    out = []
    for row in db.session.scalars(db.select(SharedKey).order_by(SharedKey.id)):
        if row.valid_from and day < row.valid_from or row.valid_until and day > row.valid_until:
            continue
        if row.retired_at is not None and row.retired_at <= at:
            continue
        key_id = bytes.fromhex(row.key_id) if row.key_id else None
        out.append(SymmetricKey(row.label, row.agency, vault.load_id(row.key_blob_id), row.kind or "fernet", key_id))
    return out


def trusted_signers(agency: str | None) -> list[x509.Certificate]:
    """The sender agency's pinned certificates (all active ones when no agency is given).

    The agency is looked up in the correspondent directory, so a short name, an old spelling
    or a merged duplicate finds the same certificates.
    """
    want = normalise_agency(agency)
    entry = directory.resolve(agency) if want else None
    rows = db.session.scalars(db.select(CorrespondentCert).where(CorrespondentCert.retired_at.is_(None))).all()
    return [x509.load_pem_x509_certificate(r.cert_pem.encode()) for r in rows
            if not want or (entry is not None and r.correspondent_id == entry.id)
            or normalise_agency(r.agency) == want]
