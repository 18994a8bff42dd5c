"""Key and cryptogram helpers for the app-level decryption tests."""
from functools import lru_cache

from asn1crypto import cms as acms
from cryptography import x509

from naskah.crypto import keys as ck
from naskah.crypto.seal import seal
from naskah.decryption import identities as keystore
from naskah.extensions import db

TEXT = "Rapat koordinasi pengamanan informasi, Senin 09.00 WIB.\nHarap hadir tepat waktu.\n"
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n% binary \x00\xff\xfe payload\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


def office_identity(app, name="kantor-uji", bits=2048) -> x509.Certificate:
    """An active office identity stored through the keystore; returns its certificate."""
    with app.app_context():
        identity = keystore.generate(name, bits=bits, actor=None)
        db.session.commit()
        return x509.load_pem_x509_certificate(identity.cert_pem.encode())


@lru_cache(maxsize=4)
def outsider(cn="Instansi Lain"):
    """A key pair the office does not hold (for "no matching key")."""
    return ck.generate_identity(cn, bits=2048)


@lru_cache(maxsize=4)
def correspondent(cn="Persandian BSSN"):
    """A correspondent's signing key and certificate."""
    return ck.generate_identity(cn, bits=2048)


def sealed(cert, plaintext=TEXT, **kw) -> bytes:
    data = plaintext.encode() if isinstance(plaintext, str) else plaintext
    return seal(data, [cert], **kw)


def with_unsupported_cipher(der: bytes, oid: str = "1.2.392.200011.61.1.1.1.2") -> bytes:
    """The same EnvelopedData claiming another content cipher (default Camellia-128-CBC)."""
    ci = acms.ContentInfo.load(der)
    alg = ci["content"]["encrypted_content_info"]["content_encryption_algorithm"]
    alg["algorithm"] = oid
    return ci.dump(force=True)


def tampered_signed(cert, signer_key, signer_cert, plaintext=TEXT) -> bytes:
    """Signed-then-encrypted where the signed content was altered after signing (invalid)."""
    from naskah.crypto.seal import _sign
    signed = bytearray(_sign(plaintext.encode(), signer_key, signer_cert))
    pos = signed.find(b"Rapat")
    signed[pos:pos + 5] = b"Rapet"
    return seal(bytes(signed), [cert])
