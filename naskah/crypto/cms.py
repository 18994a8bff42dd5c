"""Decryption of incoming cryptograms (CMS/PKCS#7 and Fernet).

CMS recipients of every standard kind open: RSA key transport here, key agreement (ECDH),
pre-shared KEKs and passwords in `_recipients`.

The narrow public API is `detect_format()` and `decrypt()`; both raise only
`DecryptionError`. CMS structure is walked with a zero-copy BER reader
(`_ber`) so a large cryptogram's ciphertext goes to the cipher without being
copied; the small parts (recipient infos, algorithm identifiers) are parsed
with asn1crypto.
"""
from __future__ import annotations

import hmac
import os
from dataclasses import dataclass

from asn1crypto import algos as aalgos
from asn1crypto import cms as acms
from asn1crypto import core as acore
from asn1crypto import x509 as ax509
from cryptography import x509
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from . import _ber, _mime, _recipients, _signed
from .errors import FAILED, FORMAT, NO_KEY, UNSUPPORTED, DecryptionError

__all__ = ["Identity", "SymmetricKey", "DecryptResult", "detect_format", "decrypt", "DecryptionError"]

MAX_INPUT = _mime.MAX_INPUT

_OID_DATA = _ber.oid_bytes("1.2.840.113549.1.7.1")
_OID_SIGNED = _ber.oid_bytes("1.2.840.113549.1.7.2")
_OID_ENVELOPED = _ber.oid_bytes("1.2.840.113549.1.7.3")
_OID_AUTH_ENVELOPED = _ber.oid_bytes("1.2.840.113549.1.9.16.1.23")

_CBC = {"aes128_cbc": 16, "aes192_cbc": 24, "aes256_cbc": 32, "tripledes_3key": 24}
_GCM = {"aes128_gcm": 16, "aes192_gcm": 24, "aes256_gcm": 32}
_HASHES = {"sha1": hashes.SHA1, "sha224": hashes.SHA224, "sha256": hashes.SHA256,
           "sha384": hashes.SHA384, "sha512": hashes.SHA512}
# Names for content-encryption OIDs asn1crypto does not know, for "unsupported".
_EXTRA_NAMES = {
    "1.2.392.200011.61.1.1.1.2": "camellia128_cbc",
    "1.2.392.200011.61.1.1.1.3": "camellia192_cbc",
    "1.2.392.200011.61.1.1.1.4": "camellia256_cbc",
    "1.2.410.200046.1.1.2": "aria128_cbc",
    "1.2.410.200046.1.1.7": "aria192_cbc",
    "1.2.410.200046.1.1.12": "aria256_cbc",
    "1.2.840.113549.1.9.16.3.18": "chacha20_poly1305",
    "1.2.156.10197.1.104.2": "sm4_cbc",
}


@dataclass
class Identity:
    """An office key pair (RSA or EC) able to receive CMS cryptograms."""
    name: str
    certificate: x509.Certificate
    private_key: RSAPrivateKey | EllipticCurvePrivateKey


@dataclass
class SymmetricKey:
    """A secret shared with one sender agency.

    kind "fernet": a Fernet key; "kek": a CMS key-encryption key (AES, 16/24/32 bytes) named by
    `key_id` in KEKRecipientInfo; "password": a CMS password (UTF-8 bytes) for
    PasswordRecipientInfo.
    """
    label: str
    agency: str
    key: bytes
    kind: str = "fernet"
    key_id: bytes | None = None


@dataclass
class DecryptResult:
    plaintext: bytes
    format: str
    content_encryption: str
    key_transport: str
    key_name: str
    is_text: bool
    media_type: str
    signature: str = "none"
    signer: str | None = None


class _GCMParameters(acore.Sequence):
    """RFC 5084 GCMParameters (asn1crypto 1.5 has no spec for it)."""
    _fields = [("aes_nonce", acore.OctetString), ("aes_icvlen", acore.Integer, {"default": 12})]


def detect_format(data: bytes) -> str:
    """'der' | 'pem' | 'smime' | 'fernet', or DecryptionError('format')."""
    try:
        return _mime.detect_format(data)
    except Exception:  # noqa: BLE001 - any parse failure means "not a cryptogram"
        raise DecryptionError(FORMAT) from None


def decrypt(data: bytes, identities: list[Identity], symmetric_keys: list[SymmetricKey] = (),
            sender_agency: str | None = None,
            trusted_signers: list[x509.Certificate] = ()) -> DecryptResult:
    """Decrypt a cryptogram, choosing the key automatically.

    Never raises anything but DecryptionError, whatever the input bytes.
    """
    try:
        return _decrypt(data, list(identities or ()), list(symmetric_keys or ()),
                        sender_agency, list(trusted_signers or ()))
    except DecryptionError:
        raise
    except Exception:  # noqa: BLE001 - defence in depth: the contract is one exception type
        raise DecryptionError(FORMAT) from None


def _decrypt(data, identities, symmetric_keys, sender_agency, trusted) -> DecryptResult:
    if isinstance(data, memoryview):
        data = data.tobytes()
    if not isinstance(data, (bytes, bytearray)) or len(data) > MAX_INPUT:
        raise DecryptionError(FORMAT)
    fmt = detect_format(data)
    if fmt == "fernet":
        fernet_keys = [k for k in symmetric_keys if k.kind == "fernet"]
        plaintext, key_name = _decrypt_fernet(data, fernet_keys, sender_agency)
        enc, transport = "aes128_cbc_hmac_sha256", "fernet"
    else:
        try:
            if fmt == "pem":
                der = _mime.decode_pem(data)
            elif fmt == "smime":
                der = _mime.decode_smime(data)
            else:
                der = data
        except Exception:  # noqa: BLE001
            raise DecryptionError(FORMAT) from None
        plaintext, enc, transport, key_name = _decrypt_cms(der, identities, symmetric_keys, sender_agency)
    return _finish(plaintext, fmt, enc, transport, key_name, trusted)


# ---------------------------------------------------------------- Fernet

def _sender_first(keys: list[SymmetricKey], agency: str | None) -> list[SymmetricKey]:
    want = (agency or "").strip().casefold()
    return sorted(keys, key=lambda k: 0 if want and (k.agency or "").strip().casefold() == want else 1)


def _decrypt_fernet(data: bytes, keys: list[SymmetricKey], agency: str | None):
    token = _mime.compact(data)
    if not keys:
        raise DecryptionError(NO_KEY)
    for k in _sender_first(keys, agency):
        try:
            f = Fernet(k.key)
        except Exception:  # noqa: BLE001, S112 - a malformed stored key simply does not match  # nosec B112
            continue
        try:
            return f.decrypt(token), k.label
        except InvalidToken:
            continue
    raise DecryptionError(FAILED)


# ---------------------------------------------------------------- CMS

def _alg_name(alg) -> str:
    dotted = alg["algorithm"].dotted
    return _EXTRA_NAMES.get(dotted) or alg["algorithm"].native or dotted


def _decrypt_cms(der, identities: list[Identity], symmetric_keys=(), sender_agency=None):
    try:
        r = _ber.Reader(der)
        top = _ber.expect(r.read(0), 0, _ber.TAG_SEQUENCE, True)
        ci = r.children(top)
        oid = bytes(r.buf[ci[0].cstart:ci[0].cend]) if ci and ci[0].tag == _ber.TAG_OID else b""
        if len(ci) != 2 or ci[1].cls != _ber.CONTEXT or ci[1].tag != 0:
            raise _ber.BerError("content")
        if oid not in (_OID_ENVELOPED, _OID_AUTH_ENVELOPED):
            raise _ber.BerError("not an encrypted content type")
        auth = oid == _OID_AUTH_ENVELOPED
        (body,) = r.children(ci[1])
        fields = r.children(_ber.expect(body, 0, _ber.TAG_SEQUENCE, True))
        i = 1  # skip version
        if fields[i].cls == _ber.CONTEXT and fields[i].tag == 0:
            i += 1  # originatorInfo
        rinfos = acms.RecipientInfos.load(r.raw(_ber.expect(fields[i], 0, _ber.TAG_SET)))
        eci = r.children(_ber.expect(fields[i + 1], 0, _ber.TAG_SEQUENCE, True))
        alg = aalgos.EncryptionAlgorithm.load(r.raw(eci[1]))
        alg_name = _alg_name(alg)
        if len(eci) < 3 or eci[2].cls != _ber.CONTEXT or eci[2].tag != 0:
            raise _ber.BerError("detached content not supported")
        segments = r.octet_segments(eci[2])
        aad, tag = None, None
        if auth:
            rest = fields[i + 2:]
            if rest and rest[0].cls == _ber.CONTEXT and rest[0].tag == 1:
                aad = _aad(r, rest[0])
                rest = rest[1:]
            tag = r.octets(_ber.expect(rest[0], 0, _ber.TAG_OCTET_STRING))
        params = alg["parameters"].dump() if alg["parameters"].native is not None else b""
        rinfos.native  # noqa: B018 - force parsing now so malformed recipient infos are a format error
    except DecryptionError:
        raise
    except Exception:  # noqa: BLE001
        raise DecryptionError(FORMAT) from None

    if auth and alg_name not in _GCM or not auth and alg_name not in _CBC:
        raise DecryptionError(UNSUPPORTED, alg_name)
    key_len = (_GCM if auth else _CBC)[alg_name]

    candidates, other_kinds = _match_recipients(rinfos, identities, symmetric_keys, sender_agency)
    if not candidates:
        if other_kinds:
            raise DecryptionError(UNSUPPORTED, other_kinds[0])
        raise DecryptionError(NO_KEY)

    for key_name, unwrap in candidates:
        transport, cek = unwrap()
        bogus = cek is None or len(cek) != key_len
        if bogus:
            # RFC 3218 2.3.2: carry on with a random key so a bad key costs the
            # same as a bad ciphertext; the outcome is "failed" either way.
            cek = os.urandom(key_len)
        pt = _content_decrypt(alg_name, cek, params, segments, aad, tag)
        if pt is not None and not bogus:
            name = "des_ede3_cbc" if alg_name == "tripledes_3key" else alg_name
            return pt, name, transport, key_name
    raise DecryptionError(FAILED)


def _aad(r: _ber.Reader, t: _ber.Tlv) -> bytes:
    """RFC 5083: authAttrs are authenticated in their DER SET OF encoding."""
    raw = bytearray(r.raw(t))
    raw[0] = 0x31
    if t.indefinite:
        return acms.CMSAttributes.load(bytes(raw)).dump(force=True)
    return bytes(raw)


def _cert_info(cert: x509.Certificate):
    ac = ax509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    skis = set()
    if ac.key_identifier:
        skis.add(ac.key_identifier)
    skis.add(ac.public_key.sha1)  # RFC 5280 method 1, used when the cert has no SKI
    return ac.issuer, ac.serial_number, skis


def _rid_hit(rid, issuer, serial, skis) -> bool:
    """Recipient identifier (issuer+serial, or subject key identifier) names this certificate."""
    if rid.name == "issuer_and_serial_number":
        return rid.chosen["serial_number"].native == serial and rid.chosen["issuer"] == issuer
    if rid.name == "r_key_id":  # key agreement: RecipientKeyIdentifier
        return rid.chosen[0].native in skis  # subjectKeyIdentifier (its field name varies by release)
    return rid.chosen.native in skis


def _match_recipients(rinfos, identities: list[Identity], symmetric_keys=(), sender_agency=None):
    """([(key name, unwrap() -> (transport, cek|None))], names of recipient kinds we cannot use).

    The key is chosen by the recipient info: certificate (ktri, kari), key identifier (kekri);
    a password recipient names nothing, so every stored password is tried, the sender's first.
    """
    infos = []
    for ident in identities:
        try:
            infos.append((ident, _cert_info(ident.certificate)))
        except Exception:  # noqa: BLE001, S112 - a broken stored identity is skipped  # nosec B112
            continue
    keks = [k for k in symmetric_keys if k.kind == "kek" and k.key_id]
    passwords = _sender_first([k for k in symmetric_keys if k.kind == "password"], sender_agency)
    matches, other = [], []
    for ri in rinfos:
        info = ri.chosen
        if ri.name == "ktri":
            for ident, cert_info in infos:
                if _rid_hit(info["rid"], *cert_info):
                    matches.append((ident.name, _bind(_unwrap_cek, info, ident)))
        elif ri.name == "kari":
            for rek in info["recipient_encrypted_keys"]:
                for ident, cert_info in infos:
                    if _rid_hit(rek["rid"], *cert_info):
                        matches.append((ident.name, _bind(_kari, info, ident, rek["encrypted_key"].native)))
        elif ri.name == "kekri":
            kid = info["kekid"]["key_identifier"].native
            for k in keks:
                if hmac.compare_digest(k.key_id, kid):
                    matches.append((k.label, _bind(_recipients.kekri_unwrap, info, k.key)))
        elif ri.name == "pwri":
            for k in passwords:
                matches.append((k.label, _bind(_recipients.pwri_unwrap, info, k.key)))
        else:
            other.append(ri.name)
    return matches, other


def _bind(fn, *args):
    return lambda: fn(*args)


def _kari(kari, ident: Identity, encrypted_key: bytes):
    return _recipients.kari_unwrap(kari, encrypted_key, ident.private_key)


def _unwrap_cek(ktri, ident: Identity):
    key = ident.private_key
    alg = ktri["key_encryption_algorithm"]
    name = alg["algorithm"].native
    enc_key = ktri["encrypted_key"].native
    if name == "rsaes_pkcs1v15":
        pad, transport = padding.PKCS1v15(), "rsaes_pkcs1v15"
    elif name == "rsaes_oaep":
        p = alg["parameters"]
        h_name = p["hash_algorithm"]["algorithm"].native
        mgf = p["mask_gen_algorithm"]
        if mgf["algorithm"].native != "mgf1":
            raise DecryptionError(UNSUPPORTED, f"OAEP {mgf['algorithm'].native}")
        m_name = mgf["parameters"]["algorithm"].native
        if h_name not in _HASHES or m_name not in _HASHES:
            raise DecryptionError(UNSUPPORTED, f"OAEP {h_name}/{m_name}")
        label = p["p_source_algorithm"]["parameters"].native or None
        pad = padding.OAEP(padding.MGF1(_HASHES[m_name]()), _HASHES[h_name](), label)
        transport = "rsaes_oaep"
    else:
        raise DecryptionError(UNSUPPORTED, alg["algorithm"].dotted if name is None else name)
    try:
        # PKCS#1 v1.5: OpenSSL >= 3.2 does implicit rejection (a wrong key
        # yields random bytes, not an error); either way we only ever report
        # the single "failed" outcome.
        return transport, key.decrypt(enc_key, pad)
    except Exception:  # noqa: BLE001
        return transport, None


def _content_decrypt(alg_name, cek, params, segments, aad, tag):
    """Plaintext, or None on any key/integrity failure (one outcome on purpose)."""
    try:
        if alg_name in _GCM:
            gp = _GCMParameters.load(params)
            icv = gp["aes_icvlen"].native
            if tag is None or len(tag) != icv or not 12 <= icv <= 16:
                return None
            dec = Cipher(algorithms.AES(cek), modes.GCM(gp["aes_nonce"].native, tag, min_tag_length=12)).decryptor()
            if aad:
                dec.authenticate_additional_data(aad)
            out = dec.update(segments[0] if len(segments) == 1 else b"".join(segments))
            dec.finalize()
            return out
        iv = acore.OctetString.load(params).native
        block = 8 if alg_name == "tripledes_3key" else 16
        algo = TripleDES(cek) if alg_name == "tripledes_3key" else algorithms.AES(cek)
        if len(iv) != block:
            return None
        total = sum(len(s) for s in segments)
        if total == 0 or total % block:
            return None
        dec = Cipher(algo, modes.CBC(iv)).decryptor()
        if len(segments) == 1:  # DER: the ciphertext is a zero-copy view
            out = dec.update(segments[0])
            dec.finalize()
            return _unpad(out, block)
        # Chunked (BER streamed) content: decrypt into one buffer, copy once.
        buf = bytearray(total + block)
        view = memoryview(buf)
        n = 0
        for seg in segments:
            n += dec.update_into(seg, view[n:])
        dec.finalize()
        pad = _pad_len(view[n - block:n], block)
        return None if pad is None else bytes(view[:n - pad])
    except DecryptionError:
        raise
    except Exception:  # noqa: BLE001
        return None


def _pad_len(last_block, block: int):
    """PKCS#7 pad length, or None; every failure is the same None (no padding oracle)."""
    n = last_block[-1]
    if not 1 <= n <= block or not hmac.compare_digest(bytes(last_block[-n:]), bytes([n]) * n):
        return None
    return n


def _unpad(out: bytes, block: int):
    n = _pad_len(memoryview(out)[-block:], block)
    return None if n is None else out[:-n]  # the one unavoidable copy of the plaintext


# ---------------------------------------------------------------- content

def _finish(plaintext: bytes, fmt, enc, transport, key_name, trusted) -> DecryptResult:
    signature, signer, media = "none", None, None
    body = plaintext
    try:
        signed = _unwrap_signed(body, trusted)
    except _signed.UnsupportedSignature as exc:
        raise DecryptionError(UNSUPPORTED, f"{exc} (tanda tangan)") from None
    except Exception:  # noqa: BLE001 - decrypted fine, but the signature wrapper is broken
        signed = (body, "invalid", None, False)
    if signed is not None:
        body, signature, signer, via_mime = signed
    if _mime.is_mime_message(body):
        try:
            media, body = _mime.split_mime_entity(body)
        except Exception:  # noqa: BLE001 - keep the raw bytes if the MIME is odd
            media = None
    text = _mime.is_text(body)
    sniffed = _mime.sniff_media_type(body, text)
    if media is None or media in ("application/octet-stream", "") or media.startswith("multipart/"):
        media = sniffed
    return DecryptResult(plaintext=body, format=fmt, content_encryption=enc, key_transport=transport,
                         key_name=key_name, is_text=text, media_type=media,
                         signature=signature, signer=signer)


def _unwrap_signed(body: bytes, trusted):
    """(content, status, signer, via_mime) if `body` is a signed structure, else None."""
    if _mime.looks_like_cms_der(body):
        r = _ber.Reader(body)
        ci = r.children(r.read(0))
        if bytes(r.buf[ci[0].cstart:ci[0].cend]) != _OID_SIGNED:
            return None
        res = _signed.verify(body, trusted)
        return res.content, res.status, res.signer, False
    if not _mime.is_mime_message(body):
        return None
    split = _mime.parse_multipart_signed(body)
    if split is not None:
        signed_bytes, sig_der = split
        canon = _mime.canonical_crlf(signed_bytes)
        res = _signed.verify(sig_der, trusted, detached=[canon, signed_bytes] if canon != signed_bytes else [signed_bytes])
        return res.content, res.status, res.signer, True
    der = _mime.smime_signed_data(body)
    if der is not None:
        res = _signed.verify(der, trusted)
        return res.content, res.status, res.signer, True
    return None
