"""CMS recipient infos other than RSA key transport: key agreement (ECDH, RFC 5753),
pre-shared key-encryption keys (KEKRecipientInfo, RFC 3394 key wrap) and passwords
(PasswordRecipientInfo, PBKDF2 + the RFC 3211 key wrap).

Unwrapping functions return the content-encryption key, or None for *every* failure that
depends on the key (wrong key, wrong password, bad integrity check, wrong length): the caller
turns all of them into the one "failed" outcome. Only properties of the message that do not
depend on any secret (an algorithm we do not implement, an absurd iteration count) raise
DecryptionError(UNSUPPORTED).

The primitives are cryptography's (ECDH, X9.63 KDF, aes_key_wrap, PBKDF2, AES/3DES-CBC); the
RFC 3211 password wrap and the RFC 3217 Triple-DES wrap (what `openssl cms -encrypt` uses for
key agreement when the content is 3DES, its default) are written here because no maintained
library offers them (each is two CBC passes).
"""
from __future__ import annotations

import hmac
import os

from asn1crypto import algos as aalgos
from asn1crypto import cms as acms
from asn1crypto import core as acore
from asn1crypto import keys as akeys
from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from cryptography.hazmat.primitives.kdf.x963kdf import X963KDF
from cryptography.hazmat.primitives.keywrap import aes_key_unwrap, aes_key_unwrap_with_padding, aes_key_wrap

from .errors import UNSUPPORTED, DecryptionError

HASHES = {"sha1": hashes.SHA1, "sha224": hashes.SHA224, "sha256": hashes.SHA256,
          "sha384": hashes.SHA384, "sha512": hashes.SHA512}

# RFC 5753 / SEC 1 key-agreement schemes: OID -> KDF hash. For the prime curves used here the
# cofactor is 1, so cofactor ECDH gives the same shared secret as standard ECDH.
KARI_SCHEMES = {
    "1.3.133.16.840.63.0.2": "sha1", "1.3.132.1.11.0": "sha224", "1.3.132.1.11.1": "sha256",
    "1.3.132.1.11.2": "sha384", "1.3.132.1.11.3": "sha512",
    "1.3.133.16.840.63.0.3": "sha1", "1.3.132.1.14.0": "sha224", "1.3.132.1.14.1": "sha256",
    "1.3.132.1.14.2": "sha384", "1.3.132.1.14.3": "sha512",
}
_STD_DH_OID = {"sha1": "1.3.133.16.840.63.0.2", "sha224": "1.3.132.1.11.0", "sha256": "1.3.132.1.11.1",
               "sha384": "1.3.132.1.11.2", "sha512": "1.3.132.1.11.3"}
DES3_WRAP = "tripledes_wrap"
_DES3_WRAP_OID = "1.2.840.113549.1.9.16.3.6"   # id-alg-CMS3DESwrap (RFC 3217)
WRAPS = {"aes128_wrap": 16, "aes192_wrap": 24, "aes256_wrap": 32,
         "aes128_wrap_pad": 16, "aes192_wrap_pad": 24, "aes256_wrap_pad": 32, DES3_WRAP: 24}
_WRAP_FOR_LEN = {16: "aes128_wrap", 24: "aes192_wrap", 32: "aes256_wrap"}
PWRI_KEK_OID = "1.2.840.113549.1.9.16.3.9"
# RFC 3211 KEK ciphers: name -> (key length, cipher, block size); 3DES is openssl's default.
PWRI_CIPHERS = {"aes128_cbc": (16, algorithms.AES, 16), "aes192_cbc": (24, algorithms.AES, 16),
                "aes256_cbc": (32, algorithms.AES, 16), "tripledes_3key": (24, TripleDES, 8)}
MAX_PBKDF2_ITERATIONS = 1_000_000   # the count is chosen by the sender: bound the work it can ask for
CURVES = {"secp256r1": ec.SECP256R1, "secp384r1": ec.SECP384R1, "secp521r1": ec.SECP521R1}
CURVE_HASH = {"secp256r1": "sha256", "secp384r1": "sha384", "secp521r1": "sha512"}


def _name(alg) -> str:
    if alg["algorithm"].dotted == _DES3_WRAP_OID:
        return DES3_WRAP
    return alg["algorithm"].native or alg["algorithm"].dotted


def _unwrap(wrap: str, kek: bytes, wrapped: bytes) -> bytes | None:
    """AES key unwrap (RFC 3394 / RFC 5649); None for any failure."""
    if len(kek) != WRAPS[wrap]:
        return None
    try:
        if wrap == DES3_WRAP:
            return des3_unwrap(kek, wrapped)
        if wrap.endswith("_pad"):
            return aes_key_unwrap_with_padding(kek, wrapped)
        return aes_key_unwrap(kek, wrapped)
    except Exception:  # noqa: BLE001 - InvalidUnwrap, bad lengths: all one outcome
        return None


def _wrap_alg(raw_params) -> tuple[str, bytes]:
    """(wrap name, its AlgorithmIdentifier DER) from a KeyWrapAlgorithm parameter."""
    raw = raw_params.dump()
    alg = acms.KeyEncryptionAlgorithm.load(raw)
    name = _name(alg)
    if name not in WRAPS:
        raise DecryptionError(UNSUPPORTED, f"{name} (pembungkus kunci)")
    return name, raw


# ------------------------------------------------------------------ key agreement (ECDH)

def _shared_info(key_info_der: bytes, ukm: bytes | None, kek_len: int) -> bytes:
    """DER ECC-CMS-SharedInfo (RFC 5753 7.2), keyInfo exactly as the message encodes it."""
    parts = key_info_der
    if ukm is not None:
        parts += acore.OctetString(ukm, explicit=0).dump()
    parts += acore.OctetString((kek_len * 8).to_bytes(4, "big"), explicit=2).dump()
    return b"\x30" + _der_len(len(parts)) + parts


def _der_len(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def _kdf(hash_name: str, secret: bytes, shared_info: bytes, length: int) -> bytes:
    return X963KDF(algorithm=HASHES[hash_name](), length=length, sharedinfo=shared_info).derive(secret)


def kari_scheme(kari) -> tuple[str, str, bytes]:
    """(kdf hash, wrap name, wrap AlgorithmIdentifier DER) of a KeyAgreeRecipientInfo."""
    kea = kari["key_encryption_algorithm"]
    dotted = kea["algorithm"].dotted
    if dotted not in KARI_SCHEMES:
        raise DecryptionError(UNSUPPORTED, f"{_name(kea)} (kesepakatan kunci)")
    wrap, raw = _wrap_alg(kea["parameters"])
    return KARI_SCHEMES[dotted], wrap, raw


def kari_unwrap(kari, encrypted_key: bytes, private_key) -> tuple[str, bytes | None]:
    """(transport name, CEK or None) for one of our recipient encrypted keys."""
    hash_name, wrap, key_info = kari_scheme(kari)
    transport = f"ecdh_{hash_name}kdf_{wrap}"
    if not isinstance(private_key, ec.EllipticCurvePrivateKey):
        return transport, None
    orig = kari["originator"]
    if orig.name != "originator_key":
        raise DecryptionError(UNSUPPORTED, "kesepakatan kunci dengan sertifikat pengirim")
    try:
        bits = orig.chosen["public_key"].contents
        if not bits or bits[0] != 0:
            return transport, None
        peer = ec.EllipticCurvePublicKey.from_encoded_point(private_key.curve, bytes(bits[1:]))
        secret = private_key.exchange(ec.ECDH(), peer)
    except Exception:  # noqa: BLE001 - a point not on our curve fails like a wrong key
        return transport, None
    ukm = kari["ukm"].native
    kek = _kdf(hash_name, secret, _shared_info(key_info, ukm, WRAPS[wrap]), WRAPS[wrap])
    return transport, _unwrap(wrap, kek, encrypted_key)


def kari_for(public_key: ec.EllipticCurvePublicKey, rid: acms.KeyAgreementRecipientIdentifier,
             cek: bytes) -> acms.RecipientInfo:
    """A KeyAgreeRecipientInfo with an ephemeral key (stdDH, X9.63 KDF with the curve's hash)."""
    curve = public_key.curve.name
    if curve not in CURVE_HASH:
        raise ValueError(f"unsupported curve {curve}")
    hash_name = CURVE_HASH[curve]
    wrap = _WRAP_FOR_LEN[len(cek)]
    ephemeral = ec.generate_private_key(public_key.curve)
    point = ephemeral.public_key().public_bytes(serialization.Encoding.X962,
                                                serialization.PublicFormat.UncompressedPoint)
    wrap_alg = acms.KeyEncryptionAlgorithm({"algorithm": wrap})
    kek = _kdf(hash_name, ephemeral.exchange(ec.ECDH(), public_key),
               _shared_info(wrap_alg.dump(), None, WRAPS[wrap]), WRAPS[wrap])
    kea = acms.KeyEncryptionAlgorithm({"algorithm": _STD_DH_OID[hash_name]})
    kea["parameters"] = acore.Any.load(wrap_alg.dump())
    return acms.RecipientInfo({"kari": acms.KeyAgreeRecipientInfo({
        "version": "v3",
        "originator": acms.OriginatorIdentifierOrKey({"originator_key": akeys.PublicKeyInfo(
            {"algorithm": {"algorithm": "ec"}, "public_key": point})}),
        "key_encryption_algorithm": kea,
        "recipient_encrypted_keys": [acms.RecipientEncryptedKey(
            {"rid": rid, "encrypted_key": aes_key_wrap(kek, cek)})],
    })})


# ------------------------------------------------------------------ pre-shared KEK

def kekri_unwrap(kekri, key: bytes) -> tuple[str, bytes | None]:
    alg = kekri["key_encryption_algorithm"]
    wrap = _name(alg)
    if wrap not in WRAPS:
        raise DecryptionError(UNSUPPORTED, f"{wrap} (KEK)")
    return f"kek_{wrap}", _unwrap(wrap, key, kekri["encrypted_key"].native)


def kekri_for(key_id: bytes, key: bytes, cek: bytes) -> acms.RecipientInfo:
    if len(key) not in _WRAP_FOR_LEN:
        raise ValueError("a KEK is 16, 24 or 32 bytes")
    return acms.RecipientInfo({"kekri": acms.KEKRecipientInfo({
        "version": "v4",
        "kekid": {"key_identifier": key_id},
        "key_encryption_algorithm": {"algorithm": _WRAP_FOR_LEN[len(key)]},
        "encrypted_key": aes_key_wrap(key, cek),
    })})


# ------------------------------------------------------------------ password (RFC 3211)

def pwri_params(pwri) -> tuple[str, bytes, int, int | None, str, bytes]:
    """(prf, salt, iterations, key length, KEK cipher, KEK IV), refusing what we do not do."""
    kdf = pwri["key_derivation_algorithm"]
    if kdf.native is None or kdf["algorithm"].native != "pbkdf2":
        raise DecryptionError(UNSUPPORTED, "kata sandi tanpa PBKDF2")
    p = kdf["parameters"]
    if p["salt"].name != "specified":
        raise DecryptionError(UNSUPPORTED, "PBKDF2 dengan salt lain")
    prf = p["prf"]["algorithm"].native
    iterations = p["iteration_count"].native
    if prf not in HASHES:
        raise DecryptionError(UNSUPPORTED, f"PBKDF2 {prf}")
    if not 1 <= iterations <= MAX_PBKDF2_ITERATIONS:
        raise DecryptionError(UNSUPPORTED, f"PBKDF2 dengan {iterations} iterasi")
    kea = pwri["key_encryption_algorithm"]
    if kea["algorithm"].dotted != PWRI_KEK_OID:
        raise DecryptionError(UNSUPPORTED, f"{_name(kea)} (kata sandi)")
    inner = aalgos.EncryptionAlgorithm.load(kea["parameters"].dump())
    cipher = _name(inner)
    if cipher not in PWRI_CIPHERS:
        raise DecryptionError(UNSUPPORTED, f"{cipher} (kata sandi)")
    iv = acore.OctetString.load(inner["parameters"].dump()).native
    return prf, p["salt"].chosen.native, iterations, p["key_length"].native, cipher, iv


def pwri_unwrap(pwri, password: bytes) -> tuple[str, bytes | None]:
    prf, salt, iterations, key_length, cipher, iv = pwri_params(pwri)
    transport = f"pwri_pbkdf2_{prf}_{cipher}"
    kek_len, algorithm, block = PWRI_CIPHERS[cipher]
    if key_length is not None and key_length != kek_len:
        return transport, None
    kek = PBKDF2HMAC(HASHES[prf](), kek_len, salt, iterations).derive(password)
    return transport, rfc3211_unwrap(kek, iv, pwri["encrypted_key"].native, algorithm, block)


def pwri_for(password: bytes, cek: bytes, iterations: int = 600_000) -> acms.RecipientInfo:
    """PBKDF2-HMAC-SHA256 (random 16-byte salt) and AES-256-CBC as the RFC 3211 KEK cipher."""
    salt, iv = os.urandom(16), os.urandom(16)
    kek = PBKDF2HMAC(hashes.SHA256(), 32, salt, iterations).derive(password)
    kdf = aalgos.KdfAlgorithm({"algorithm": "pbkdf2", "parameters": aalgos.Pbkdf2Params({
        "salt": {"specified": salt}, "iteration_count": iterations, "key_length": 32,
        "prf": {"algorithm": "sha256"}})})
    kea = acms.KeyEncryptionAlgorithm({"algorithm": PWRI_KEK_OID})
    kea["parameters"] = acore.Any.load(aalgos.EncryptionAlgorithm(
        {"algorithm": "aes256_cbc", "parameters": acore.OctetString(iv)}).dump())
    return acms.RecipientInfo({"pwri": acms.PasswordRecipientInfo({
        "version": "v0", "key_derivation_algorithm": kdf, "key_encryption_algorithm": kea,
        "encrypted_key": rfc3211_wrap(kek, iv, cek)})})


def _cbc(key: bytes, iv: bytes, data: bytes, decrypt: bool, algorithm=algorithms.AES) -> bytes:
    c = Cipher(algorithm(key), modes.CBC(iv))
    op = c.decryptor() if decrypt else c.encryptor()
    return op.update(data) + op.finalize()


def rfc3211_wrap(kek: bytes, iv: bytes, cek: bytes) -> bytes:
    """RFC 3211 2.3.1: length, check bytes, key, random pad; CBC-encrypted twice."""
    b = 16
    body = bytes([len(cek)]) + bytes(x ^ 0xFF for x in cek[:3]) + cek
    n = max(2 * b, -(-len(body) // b) * b)
    body += os.urandom(n - len(body))
    first = _cbc(kek, iv, body, decrypt=False)
    return _cbc(kek, first[-b:], first, decrypt=False)


def rfc3211_unwrap(kek: bytes, iv: bytes, wrapped: bytes, algorithm=algorithms.AES, b: int = 16) -> bytes | None:
    """RFC 3211 2.3.2; None for every failure (length, check bytes), one outcome."""
    if len(iv) != b or len(wrapped) < 2 * b or len(wrapped) % b:
        return None
    # The n'th block's IV is block n-1; the decrypted n'th block is the IV of blocks 1..n-1.
    last = _cbc(kek, wrapped[-2 * b:-b], wrapped[-b:], decrypt=True, algorithm=algorithm)
    inner = _cbc(kek, last, wrapped[:-b], decrypt=True, algorithm=algorithm) + last
    plain = _cbc(kek, iv, inner, decrypt=True, algorithm=algorithm)
    n = plain[0]
    check = bytes(x ^ 0xFF for x in plain[4:7])
    ok = hmac.compare_digest(plain[1:4], check) and 3 <= n <= len(plain) - 4
    return plain[4:4 + n] if ok else None


# ------------------------------------------------------------------ Triple-DES key wrap (RFC 3217)

_DES3_WRAP_IV = bytes.fromhex("4adda22c79e82105")


def _sha1_icv(cek: bytes) -> bytes:
    h = hashes.Hash(hashes.SHA1())  # noqa: S303 - RFC 3217 defines the check value as SHA-1  # nosec B303
    h.update(cek)
    return h.finalize()[:8]


def des3_unwrap(kek: bytes, wrapped: bytes) -> bytes | None:
    """RFC 3217 3.2: None for every failure (length, check value)."""
    if len(wrapped) != 40:
        return None
    temp2 = _cbc(kek, _DES3_WRAP_IV, wrapped, decrypt=True, algorithm=TripleDES)[::-1]
    cek_icv = _cbc(kek, temp2[:8], temp2[8:], decrypt=True, algorithm=TripleDES)
    cek, icv = cek_icv[:24], cek_icv[24:]
    return cek if hmac.compare_digest(_sha1_icv(cek), icv) else None


def des3_wrap(kek: bytes, cek: bytes) -> bytes:
    """RFC 3217 3.1 (used by the tests to check the unwrap against the standard's construction)."""
    iv = os.urandom(8)
    temp1 = _cbc(kek, iv, cek + _sha1_icv(cek), decrypt=False, algorithm=TripleDES)
    return _cbc(kek, _DES3_WRAP_IV, (iv + temp1)[::-1], decrypt=False, algorithm=TripleDES)
