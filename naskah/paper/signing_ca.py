"""Office certificate authority for the kasi's electronic signature.

Pure functions (no database, no files): the app stores the resulting keys and
certificates itself. Kept small on purpose so it can be audited; the office CA
is only trusted inside the office, it is not a public (BSrE) CA.
"""
from __future__ import annotations

import datetime as dt

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

RSA_BITS = 3072
# Backdate validity a little so clocks that are slightly behind still accept it.
_CLOCK_SKEW = dt.timedelta(minutes=5)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)


def create_ca(common_name: str, org: str, days: int = 3650):
    """Create a self-signed office root CA; returns (private_key, certificate)."""
    key = _new_key()
    name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])
    now = _now()
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _CLOCK_SKEW)
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False, content_commitment=False,
                key_encipherment=False, data_encipherment=False,
                key_agreement=False, key_cert_sign=True, crl_sign=True,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ski, critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    return key, cert


def issue_signing_cert(ca_key, ca_cert: x509.Certificate, common_name: str,
                       nip: str | None, days: int = 1095):
    """Issue a document-signing certificate for a person; returns (key, cert).

    The NIP goes into the subject serialNumber attribute, which is where
    Indonesian government certificates conventionally carry it.
    """
    key = _new_key()
    attrs = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
    ]
    org = ca_cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    if org:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org[0].value))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    if nip:
        attrs.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, nip))
    now = _now()
    not_after = min(now + dt.timedelta(days=days), ca_cert.not_valid_after_utc)
    ca_ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name(attrs))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _CLOCK_SKEW)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=True,
                key_encipherment=False, data_encipherment=False,
                key_agreement=False, key_cert_sign=False, crl_sign=False,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([
                ExtendedKeyUsageOID.EMAIL_PROTECTION,
                x509.ObjectIdentifier("1.3.6.1.5.5.7.3.36"),  # id-kp-documentSigning
            ]),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    return key, cert


def to_pkcs12(key, cert: x509.Certificate, ca_cert: x509.Certificate,
              passphrase: bytes) -> bytes:
    """Bundle key + cert + CA as a PKCS#12 the kasi can keep (AES-256 encrypted)."""
    if not passphrase:
        raise ValueError("passphrase must not be empty")
    cn = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    friendly = cn[0].value.encode("utf-8") if cn else None
    encryption = (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(50000)
        .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
        .hmac_hash(hashes.SHA256())
        .build(passphrase)
    )
    return pkcs12.serialize_key_and_certificates(friendly, key, cert, [ca_cert], encryption)


def make_crl(ca_key, ca_cert: x509.Certificate, revoked_serials: list[int],
             next_update_days: int = 7) -> bytes:
    """Build a DER CRL listing revoked certificate serials (for export/publication)."""
    now = _now()
    ca_ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca_cert.subject)
        .last_update(now - _CLOCK_SKEW)
        .next_update(now + dt.timedelta(days=next_update_days))
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
            critical=False,
        )
        .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
    )
    for serial in sorted(set(revoked_serials)):
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(serial)
            .revocation_date(now - _CLOCK_SKEW)
            .build()
        )
    return builder.sign(ca_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)
