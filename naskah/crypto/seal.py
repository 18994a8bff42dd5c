"""Produce CMS cryptograms (for tests, demos and outgoing replies).

Output is plain RFC 5652/5083 that `openssl cms -decrypt` reads: recipients
are identified by issuer+serial, CBC content uses PKCS#7 padding, GCM uses
AuthEnvelopedData with a 12-byte nonce and 16-byte tag. RSA certificates get
key transport, EC certificates key agreement (RFC 5753); pre-shared KEKs and
passwords get KEKRecipientInfo and PasswordRecipientInfo.
"""
from __future__ import annotations

import base64
import datetime as _dt
import os

from asn1crypto import algos as aalgos
from asn1crypto import cms as acms
from asn1crypto import core as acore
from asn1crypto import x509 as ax509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives import padding as sympad
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from . import _recipients
from .cms import _GCMParameters

_CONTENT_ALGS = {"aes128_cbc": 16, "aes192_cbc": 24, "aes256_cbc": 32, "aes128_gcm": 16,
                 "aes192_gcm": 24, "aes256_gcm": 32}


def _acert(cert: x509.Certificate) -> ax509.Certificate:
    return ax509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _sign(content: bytes, key, cert: x509.Certificate) -> bytes:
    """Opaque SignedData (SHA-256 with RSA PKCS#1 v1.5 or ECDSA, with signedAttrs)."""
    ac = _acert(cert)
    h = hashes.Hash(hashes.SHA256())
    h.update(content)
    attrs = acms.CMSAttributes([
        acms.CMSAttribute({"type": "content_type", "values": ["data"]}),
        acms.CMSAttribute({"type": "signing_time",
                           "values": [acms.Time({"utc_time": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0)})]}),
        acms.CMSAttribute({"type": "message_digest", "values": [h.finalize()]}),
    ])
    to_sign = bytearray(attrs.dump())
    to_sign[0] = 0x31
    if isinstance(key, ec.EllipticCurvePrivateKey):
        sig = key.sign(bytes(to_sign), ec.ECDSA(hashes.SHA256()))
        sig_alg = "sha256_ecdsa"
    elif isinstance(key, rsa.RSAPrivateKey):
        sig = key.sign(bytes(to_sign), padding.PKCS1v15(), hashes.SHA256())
        sig_alg = "rsassa_pkcs1v15"
    else:
        raise ValueError("signing key must be RSA or EC")
    sha256 = aalgos.DigestAlgorithm({"algorithm": "sha256"})
    signer = acms.SignerInfo({
        "version": "v1",
        "sid": acms.SignerIdentifier({"issuer_and_serial_number": acms.IssuerAndSerialNumber(
            {"issuer": ac.issuer, "serial_number": ac.serial_number})}),
        "digest_algorithm": sha256,
        "signed_attrs": attrs,
        "signature_algorithm": aalgos.SignedDigestAlgorithm({"algorithm": sig_alg}),
        "signature": sig,
    })
    sd = acms.SignedData({
        "version": "v1",
        "digest_algorithms": [sha256],
        "encap_content_info": {"content_type": "data", "content": content},
        "certificates": [ac],
        "signer_infos": [signer],
    })
    return acms.ContentInfo({"content_type": "signed_data", "content": sd}).dump()


def _issuer_serial(ac: ax509.Certificate) -> acms.IssuerAndSerialNumber:
    return acms.IssuerAndSerialNumber({"issuer": ac.issuer, "serial_number": ac.serial_number})


def _recipient(cert: x509.Certificate, cek: bytes, key_transport: str) -> acms.RecipientInfo:
    ac = _acert(cert)
    pub = cert.public_key()
    if isinstance(pub, ec.EllipticCurvePublicKey):
        rid = acms.KeyAgreementRecipientIdentifier({"issuer_and_serial_number": _issuer_serial(ac)})
        return _recipients.kari_for(pub, rid, cek)
    if not isinstance(pub, rsa.RSAPublicKey):
        raise ValueError("recipient certificate must hold an RSA or EC key")
    if key_transport == "oaep":
        enc = pub.encrypt(cek, padding.OAEP(padding.MGF1(hashes.SHA256()), hashes.SHA256(), None))
        sha256 = {"algorithm": "sha256"}
        alg = acms.KeyEncryptionAlgorithm({"algorithm": "rsaes_oaep", "parameters": aalgos.RSAESOAEPParams({
            "hash_algorithm": sha256,
            "mask_gen_algorithm": {"algorithm": "mgf1", "parameters": sha256},
        })})
    elif key_transport == "pkcs1v15":
        enc = pub.encrypt(cek, padding.PKCS1v15())
        alg = acms.KeyEncryptionAlgorithm({"algorithm": "rsaes_pkcs1v15"})
    else:
        raise ValueError(f"unknown key_transport {key_transport!r}")
    return acms.RecipientInfo({"ktri": acms.KeyTransRecipientInfo({
        "version": "v0",
        "rid": acms.RecipientIdentifier({"issuer_and_serial_number": acms.IssuerAndSerialNumber(
            {"issuer": ac.issuer, "serial_number": ac.serial_number})}),
        "key_encryption_algorithm": alg,
        "encrypted_key": enc,
    })})


def _armour(der: bytes, output: str, auth: bool) -> bytes:
    if output == "der":
        return der
    b64 = base64.encodebytes(der)  # 76-column lines
    if output == "pem":
        return _pem(der)
    if output == "smime":
        smime_type = "authEnveloped-data" if auth else "enveloped-data"
        head = ("MIME-Version: 1.0\r\n"
                'Content-Disposition: attachment; filename="smime.p7m"\r\n'
                f'Content-Type: application/pkcs7-mime; smime-type={smime_type}; name="smime.p7m"\r\n'
                "Content-Transfer-Encoding: base64\r\n\r\n").encode("ascii")
        return head + b64.replace(b"\n", b"\r\n")
    raise ValueError(f"unknown output {output!r}")


def _pem(der: bytes) -> bytes:
    body = base64.b64encode(der)
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    return b"-----BEGIN CMS-----\n" + b"\n".join(lines) + b"\n-----END CMS-----\n"


def _version(recipients) -> str:
    """RFC 5652 6.1: v3 with a password recipient, v2 with key agreement or KEK, else v0."""
    kinds = {r.name for r in recipients}
    if "pwri" in kinds:
        return "v3"
    return "v2" if kinds & {"kari", "kekri"} else "v0"


def seal(plaintext: bytes, recipient_certs: list[x509.Certificate] = (), *, content_alg: str = "aes256_cbc",
         key_transport: str = "pkcs1v15", sign_key=None, sign_cert=None, output: str = "der",
         keks: list[tuple[bytes, bytes]] = (), passwords: list[bytes] = (),
         pbkdf2_iterations: int = 600_000) -> bytes:
    """Encrypt (optionally sign first) `plaintext` for each certificate (RSA or EC), each
    pre-shared (key id, KEK) pair and each password."""
    if content_alg not in _CONTENT_ALGS:
        raise ValueError(f"unknown content_alg {content_alg!r}")
    if not recipient_certs and not keks and not passwords:
        raise ValueError("at least one recipient (certificate, KEK or password) is required")
    if (sign_key is None) != (sign_cert is None):
        raise ValueError("sign_key and sign_cert go together")
    content = _sign(plaintext, sign_key, sign_cert) if sign_key is not None else plaintext
    cek = os.urandom(_CONTENT_ALGS[content_alg])
    recipients = [_recipient(c, cek, key_transport) for c in recipient_certs]
    recipients += [_recipients.kekri_for(kid, kek, cek) for kid, kek in keks]
    recipients += [_recipients.pwri_for(pw, cek, pbkdf2_iterations) for pw in passwords]
    auth = content_alg.endswith("_gcm")
    if auth:
        nonce = os.urandom(12)
        enc = Cipher(algorithms.AES(cek), modes.GCM(nonce)).encryptor()
        ct = enc.update(content) + enc.finalize()
        params = _GCMParameters({"aes_nonce": nonce, "aes_icvlen": 16})
        eci = acms.EncryptedContentInfo({
            "content_type": "data",
            "content_encryption_algorithm": aalgos.EncryptionAlgorithm(
                {"algorithm": content_alg, "parameters": params}),
            "encrypted_content": ct,
        })
        body = acms.AuthEnvelopedData({"version": "v0", "recipient_infos": recipients,
                                       "auth_encrypted_content_info": eci, "mac": enc.tag})
        ctype = "authenticated_enveloped_data"
    else:
        iv = os.urandom(16)
        padder = sympad.PKCS7(128).padder()
        enc = Cipher(algorithms.AES(cek), modes.CBC(iv)).encryptor()
        ct = enc.update(padder.update(content) + padder.finalize()) + enc.finalize()
        eci = acms.EncryptedContentInfo({
            "content_type": "data",
            "content_encryption_algorithm": aalgos.EncryptionAlgorithm(
                {"algorithm": content_alg, "parameters": acore.OctetString(iv)}),
            "encrypted_content": ct,
        })
        body = acms.EnvelopedData({"version": _version(recipients), "recipient_infos": recipients,
                                   "encrypted_content_info": eci})
        ctype = "enveloped_data"
    der = acms.ContentInfo({"content_type": ctype, "content": body}).dump()
    return _armour(der, output, auth)
