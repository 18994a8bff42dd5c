"""Pure helpers for office key material (no storage; the vault persists it)."""
from __future__ import annotations

import datetime as _dt

from cryptography import x509
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

# Curves an office identity may use (NIST names, as `openssl` and the CLI spell them).
CURVES = {"P-256": ec.SECP256R1, "P-384": ec.SECP384R1, "P-521": ec.SECP521R1}
_CURVE_NAMES = {cls.name: label for label, cls in CURVES.items()}


class KeyImportError(ValueError):
    """Imported key material is unusable; str() is an Indonesian message for the admin."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def _name(common_name: str, org: str | None = None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if org:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    return x509.Name(attrs)


def new_private_key(bits: int = 3072, curve: str | None = None):
    """An RSA key of `bits`, or an EC key on `curve` ("P-256", "P-384", "P-521")."""
    if curve:
        return ec.generate_private_key(CURVES[curve]())
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def key_type(key) -> str:
    """"rsa", or the curve's NIST name for an EC key; KeyImportError for anything else."""
    if isinstance(key, (rsa.RSAPrivateKey, rsa.RSAPublicKey)):
        return "rsa"
    if isinstance(key, (ec.EllipticCurvePrivateKey, ec.EllipticCurvePublicKey)) and key.curve.name in _CURVE_NAMES:
        return _CURVE_NAMES[key.curve.name]
    raise KeyImportError("Kunci harus RSA atau EC pada kurva P-256, P-384 atau P-521.")


def generate_identity(common_name: str, bits: int = 3072, days: int = 3650, curve: str | None = None):
    """New RSA (or EC) key + self-signed certificate usable as a CMS recipient and signer.

    An EC key cannot encrypt, so its certificate allows key agreement instead of key encipherment.
    """
    key = new_private_key(bits, curve)
    is_ec = curve is not None
    name = _name(common_name)
    now = _dt.datetime.now(_dt.timezone.utc)
    pub = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(pub)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _dt.timedelta(minutes=5))
        .not_valid_after(now + _dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=not is_ec,
                data_encipherment=False, key_agreement=is_ec, key_cert_sign=False,
                crl_sign=False, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(pub), critical=False)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def make_csr(private_key, common_name: str, org: str) -> bytes:
    """PEM CSR so the office key can be certified by a CA (e.g. BSrE) instead of self-signed."""
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(_name(common_name, org))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(private_key.public_key()), critical=False)
        .sign(private_key, hashes.SHA256())
    )
    return csr.public_bytes(serialization.Encoding.PEM)


def load_pkcs12(data: bytes, passphrase: bytes | None):
    """(private_key, certificate, extra_certs) from a .p12/.pfx; KeyImportError otherwise."""
    if isinstance(passphrase, str):
        passphrase = passphrase.encode("utf-8")
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, passphrase or None)
    except Exception:  # noqa: BLE001 - wrong passphrase and corruption look alike
        raise KeyImportError("Berkas PKCS#12 tidak dapat dibuka: kata sandi salah atau berkas rusak.") from None
    if not isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)) or cert is None:
        raise KeyImportError("Berkas PKCS#12 harus berisi kunci privat RSA atau EC beserta sertifikatnya.")
    if isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name not in _CURVE_NAMES:
        raise KeyImportError("Kunci EC di berkas PKCS#12 harus pada kurva P-256, P-384 atau P-521.")
    if not key_matches_certificate(key, cert):
        raise KeyImportError("Kunci privat tidak cocok dengan sertifikat di dalam berkas PKCS#12.")
    return key, cert, list(extra or [])


def key_matches_certificate(private_key, cert: x509.Certificate) -> bool:
    fmt = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return private_key.public_key().public_bytes(*fmt) == cert.public_key().public_bytes(*fmt)


def cert_to_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def private_key_to_der(key) -> bytes:
    """Unencrypted PKCS#8 DER; the caller (vault) encrypts it at rest."""
    return key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def private_key_from_der(der: bytes):
    try:
        key = serialization.load_der_private_key(der, password=None)
    except Exception:  # noqa: BLE001
        raise KeyImportError("Kunci privat tidak valid atau rusak.") from None
    key_type(key)
    return key


def cert_from_pem_or_der(data: bytes) -> x509.Certificate:
    try:
        if data.lstrip().startswith(b"-----BEGIN"):
            return x509.load_pem_x509_certificate(data.strip())
        return x509.load_der_x509_certificate(data)
    except Exception:  # noqa: BLE001
        raise KeyImportError("Sertifikat tidak valid atau rusak.") from None


def validate_fernet_key(text: str) -> bytes:
    """Normalised key bytes if `text` is a 32-byte urlsafe-base64 Fernet key."""
    try:
        key = (text.decode("ascii") if isinstance(text, bytes) else text).strip().encode("ascii")
        Fernet(key)
        return key
    except Exception:  # noqa: BLE001
        raise KeyImportError("Kunci Fernet tidak valid.") from None


KEK_SIZES = (16, 24, 32)


def parse_hex(text, field_label: str, max_bytes: int = 64) -> bytes:
    """Bytes from hex text (spaces and colons allowed, as key-exchange forms print them)."""
    raw = (text.decode("ascii", "replace") if isinstance(text, bytes) else (text or ""))
    cleaned = "".join(raw.split()).replace(":", "")
    try:
        value = bytes.fromhex(cleaned)
    except ValueError:
        raise KeyImportError(f"{field_label} harus berupa digit heksadesimal (0-9, a-f).") from None
    if not value or len(value) > max_bytes:
        raise KeyImportError(f"{field_label} 1 sampai {max_bytes} bita ({2 * max_bytes} digit heksadesimal).")
    return value


def validate_kek(text) -> bytes:
    """A CMS key-encryption key: AES-128/192/256, i.e. 16, 24 or 32 bytes given in hex."""
    key = parse_hex(text, "Kunci KEK")
    if len(key) not in KEK_SIZES:
        raise KeyImportError("Kunci KEK harus 16, 24 atau 32 bita (32, 48 atau 64 digit heksadesimal); "
                             f"yang diberikan {len(key)} bita.")
    return key


def fingerprint(cert: x509.Certificate) -> str:
    """SHA-256 of the DER certificate, lowercase hex without colons."""
    return cert.fingerprint(hashes.SHA256()).hex()
