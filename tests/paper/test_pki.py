"""Office CA: certificate properties, PKCS#12 round trip, CRL."""
from __future__ import annotations

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from naskah.crypto import keys
from naskah.paper import signing_ca as pki


@pytest.fixture(scope="module")
def ca():
    return pki.create_ca("CA Dinkominfo Kota Pekalongan", "Pemerintah Kota Pekalongan")


@pytest.fixture(scope="module")
def leaf(ca):
    ca_key, ca_cert = ca
    return pki.issue_signing_cert(ca_key, ca_cert, "Dra. Siti Aminah, M.Si.", "197805122005012003")


def test_ca_properties(ca):
    key, cert = ca
    assert key.key_size == 3072
    assert cert.subject == cert.issuer
    bc = cert.extensions.get_extension_for_class(x509.BasicConstraints)
    assert bc.critical and bc.value.ca
    ku = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert ku.key_cert_sign and ku.crl_sign and not ku.digital_signature
    assert (cert.not_valid_after_utc - cert.not_valid_before_utc).days >= 3649
    cert.verify_directly_issued_by(cert)


def test_signing_cert_properties(ca, leaf):
    ca_key, ca_cert = ca
    key, cert = leaf
    assert key.key_size == 3072
    cert.verify_directly_issued_by(ca_cert)
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "Dra. Siti Aminah, M.Si."
    assert cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value == "197805122005012003"
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    ku = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert ku.digital_signature and ku.content_commitment and not ku.key_cert_sign
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert ExtendedKeyUsageOID.EMAIL_PROTECTION in eku
    aki = cert.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
    ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    assert aki.key_identifier == ski.digest
    assert cert.not_valid_after_utc <= ca_cert.not_valid_after_utc
    assert 1090 <= (cert.not_valid_after_utc - cert.not_valid_before_utc).days <= 1096


def test_signing_cert_without_nip(ca):
    _, cert = pki.issue_signing_cert(*ca, "Petugas Uji", None, days=30)
    assert not cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)


def test_pkcs12_round_trip(ca, leaf):
    _, ca_cert = ca
    key, cert = leaf
    p12 = pki.to_pkcs12(key, cert, ca_cert, b"rahasia-123")
    k2, c2, extra = keys.load_pkcs12(p12, b"rahasia-123")
    assert c2 == cert and extra == [ca_cert]
    sig = k2.sign(b"naskah", padding.PKCS1v15(), __import__("cryptography.hazmat.primitives.hashes",
                                                         fromlist=["SHA256"]).SHA256())
    cert.public_key().verify(sig, b"naskah", padding.PKCS1v15(),
                             __import__("cryptography.hazmat.primitives.hashes",
                                        fromlist=["SHA256"]).SHA256())
    with pytest.raises(ValueError):
        keys.load_pkcs12(p12, b"salah")
    with pytest.raises(ValueError):
        pki.to_pkcs12(key, cert, ca_cert, b"")


def test_crl_contains_serial(ca, leaf):
    ca_key, ca_cert = ca
    _, cert = leaf
    der = pki.make_crl(ca_key, ca_cert, [cert.serial_number, 12345])
    crl = x509.load_der_x509_crl(der)
    assert crl.is_signature_valid(ca_cert.public_key())
    assert crl.get_revoked_certificate_by_serial_number(cert.serial_number) is not None
    assert crl.get_revoked_certificate_by_serial_number(12345) is not None
    assert crl.get_revoked_certificate_by_serial_number(999) is None
    assert crl.issuer == ca_cert.subject
    empty = x509.load_der_x509_crl(pki.make_crl(ca_key, ca_cert, []))
    assert len(list(empty)) == 0
