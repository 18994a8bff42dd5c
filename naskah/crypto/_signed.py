"""Verification of CMS SignedData found inside a decrypted cryptogram.

Trust model: the office pins sender certificates (`trusted_signers`); a
signature counts as "verified" only when it is valid AND made with one of
those public keys. Chain building / revocation is out of scope here.
"""
from __future__ import annotations

import hmac
from dataclasses import dataclass

from asn1crypto import cms as acms
from asn1crypto import x509 as ax509
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

_HASHES = {
    "sha1": hashes.SHA1,
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


class SignedDataError(ValueError):
    """Structure we cannot even read; the caller treats it as a format error."""


class UnsupportedSignature(ValueError):
    """Digest or signature algorithm we do not implement (named in args[0])."""


@dataclass
class SignedContent:
    content: bytes
    status: str  # "verified" | "not_verified" | "invalid"
    signer: str | None


def _cn(name) -> str | None:
    try:
        attrs = name.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
        return str(attrs[0].value) if attrs else name.rfc4514_string() or None
    except Exception:  # noqa: BLE001 - a display name must never break decryption
        return None


def _spki(cert: x509.Certificate) -> bytes:
    return cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _hash(name: str):
    try:
        return _HASHES[name]()
    except KeyError:
        raise UnsupportedSignature(name) from None


def _find_cert(sid, certs: list[ax509.Certificate]):
    for c in certs:
        if sid.name == "issuer_and_serial_number":
            ias = sid.chosen
            if c.issuer == ias["issuer"] and c.serial_number == ias["serial_number"].native:
                return c
        elif sid.name == "subject_key_identifier":
            if c.key_identifier is not None and c.key_identifier == sid.chosen.native:
                return c
    return None


def _check_signature(si, cert: x509.Certificate, content_digest: bytes, h) -> bool:
    """True if the signer's signature over attrs/content verifies."""
    attrs = si["signed_attrs"]
    if attrs.native is not None and len(attrs):
        md = [a["values"][0].native for a in attrs if a["type"].native == "message_digest"]
        if len(md) != 1 or not hmac.compare_digest(md[0], content_digest):
            return False
        encoded = bytearray(attrs.dump())
        encoded[0] = 0x31  # RFC 5652 5.4: signed over the EXPLICIT SET OF tag
        hh = hashes.Hash(type(h)())
        hh.update(bytes(encoded))
        digest = hh.finalize()
    else:
        digest = content_digest
    sig = si["signature"].native
    sig_alg = si["signature_algorithm"]
    name = sig_alg["algorithm"].native
    pub = cert.public_key()
    try:
        if isinstance(pub, rsa.RSAPublicKey):
            if name == "rsassa_pss":
                params = sig_alg["parameters"]
                ph = _hash(params["hash_algorithm"]["algorithm"].native)
                mgf_h = _hash(params["mask_gen_algorithm"]["parameters"]["algorithm"].native)
                pad = padding.PSS(padding.MGF1(mgf_h), params["salt_length"].native)
                if ph.name != h.name:
                    return False
            elif name.endswith("_rsa") or name == "rsassa_pkcs1v15":
                pad = padding.PKCS1v15()
            else:
                raise UnsupportedSignature(name)
            pub.verify(sig, digest, pad, utils.Prehashed(h))
        elif isinstance(pub, ec.EllipticCurvePublicKey):
            if not (name.endswith("_ecdsa") or name == "ecdsa"):
                raise UnsupportedSignature(name)
            pub.verify(sig, digest, ec.ECDSA(utils.Prehashed(h)))
        else:
            raise UnsupportedSignature(type(pub).__name__)
    except InvalidSignature:
        return False
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return False
    return True


def verify(der: bytes, trusted: list[x509.Certificate], detached: bytes | list[bytes] | None = None) -> SignedContent:
    """Verify SignedData `der`; `detached` are candidate content encodings to try."""
    try:
        ci = acms.ContentInfo.load(der)
        if ci["content_type"].native != "signed_data":
            raise SignedDataError("not signed data")
        sd = ci["content"]
        encap = sd["encap_content_info"]["content"]
        if detached is not None:
            candidates = [detached] if isinstance(detached, bytes) else list(detached)
        else:
            if encap.native is None:
                raise SignedDataError("no content")
            candidates = [bytes(encap)]  # merges BER chunks of a constructed OCTET STRING
        certs = [c.chosen for c in sd["certificates"] if c.name == "certificate"] if sd["certificates"].native else []
        signer_infos = list(sd["signer_infos"])
    except (SignedDataError, UnsupportedSignature):
        raise
    except Exception as exc:  # asn1crypto raises a zoo of types on bad input
        raise SignedDataError("bad SignedData") from exc
    if not signer_infos:
        raise SignedDataError("no signers")

    trusted_spki = {}
    for t in trusted:
        trusted_spki.setdefault(_spki(t), t)
    trusted_a = [ax509.Certificate.load(t.public_bytes(serialization.Encoding.DER)) for t in trusted]

    best: SignedContent | None = None
    for si in signer_infos:
        digest_name = si["digest_algorithm"]["algorithm"].native
        h = _hash(digest_name)
        acert = _find_cert(si["sid"], certs) or _find_cert(si["sid"], trusted_a)
        if acert is None:
            result = SignedContent(candidates[0], "not_verified", None)
        else:
            cert = x509.load_der_x509_certificate(acert.dump())
            ok_content = None
            for cand in candidates:
                hh = hashes.Hash(type(h)())
                hh.update(cand)
                if _check_signature(si, cert, hh.finalize(), h):
                    ok_content = cand
                    break
            if ok_content is None:
                result = SignedContent(candidates[0], "invalid", _cn(cert.subject))
            else:
                anchor = trusted_spki.get(_spki(cert))
                if anchor is not None:
                    result = SignedContent(ok_content, "verified", _cn(anchor.subject))
                else:
                    result = SignedContent(ok_content, "not_verified", _cn(cert.subject))
        rank = {"verified": 0, "not_verified": 1, "invalid": 2}
        if best is None or rank[result.status] < rank[best.status]:
            best = result
    return best
