"""Interop for every CMS recipient kind besides RSA key transport: key agreement (ECDH, RFC 5753),
pre-shared KEKs (RFC 3394 wrap) and passwords (PBKDF2 + RFC 3211), made by the OpenSSL command
line as a correspondent would, decrypted by naskah.crypto.cms to the exact bytes; and the other
way round, sealed by naskah.crypto.seal and opened by `openssl cms -decrypt`.

These tests need the openssl CLI and fail (not skip) without it.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from naskah.crypto import _recipients
from naskah.crypto.cms import DecryptionError, Identity, SymmetricKey, decrypt
from naskah.crypto.errors import FAILED, NO_KEY
from naskah.crypto.seal import seal

OPENSSL = shutil.which("openssl")
TEXT = ("Kepada Yth. Kepala Badan Kesatuan Bangsa dan Politik\n"
        "Perihal: Pengamanan rapat terbatas — RAHASIA\n").encode()
CURVES = ["P-256", "P-384", "P-521"]
KEKS = {128: bytes(range(16)), 192: bytes(range(100, 124)), 256: bytes(range(200, 232))}
KEK_ID = bytes.fromhex("0a0b0c0d")
PASSWORD = "Sandi-Rahasia#2026"
AGENCY = "Badan Siber dan Sandi Negara"


@dataclass
class Party:
    name: str
    key_path: Path
    cert_path: Path
    key: object
    cert: x509.Certificate

    @property
    def identity(self) -> Identity:
        return Identity(self.name, self.cert, self.key)


def ossl(*args, stdin: bytes | None = None, ok: bool = True) -> bytes:
    assert OPENSSL, "the openssl command line is required for the interop tests"
    proc = subprocess.run([OPENSSL, *map(str, args)], input=stdin, capture_output=True, timeout=120)
    if ok:
        assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    return proc.stdout


def make_party(d: Path, name: str, newkey: list[str]) -> Party:
    kp, cp = d / f"{name}.key", d / f"{name}.pem"
    ossl("req", "-x509", *newkey, "-nodes", "-keyout", kp, "-out", cp,
         "-subj", f"/O=Pemerintah Kota/CN={name}", "-days", "30")
    return Party(name, kp, cp, serialization.load_pem_private_key(kp.read_bytes(), None),
                 x509.load_pem_x509_certificate(cp.read_bytes()))


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    d = tmp_path_factory.mktemp("pki-ec")
    parties = {}
    for curve in CURVES:
        for who in ("kantor", "lain"):
            name = f"{who}-{curve}"
            parties[name] = make_party(d, name, ["-newkey", "ec", "-pkeyopt", f"ec_paramgen_curve:{curve}"])
    parties["rsa"] = make_party(d, "rsa", ["-newkey", "rsa:2048"])
    parties["penanda-rsa"] = make_party(d, "penanda-rsa", ["-newkey", "rsa:2048"])
    parties["penanda-ec"] = make_party(d, "penanda-ec", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"])
    return parties


def encrypt(work: Path, plaintext: bytes, *opts, outform="DER") -> bytes:
    src = work / "plain.bin"
    src.write_bytes(plaintext)
    return ossl("cms", "-encrypt", "-binary", "-in", src, "-outform", outform, *opts)


def kek_key(bits: int, key_id: bytes = KEK_ID, label=None, agency=AGENCY) -> SymmetricKey:
    return SymmetricKey(label or f"kek-{bits}", agency, KEKS[bits], "kek", key_id)


def password_key(pw: str = PASSWORD, label="sandi", agency=AGENCY) -> SymmetricKey:
    return SymmetricKey(label, agency, pw.encode(), "password")


def expect_error(code, data, *a, **kw) -> DecryptionError:
    with pytest.raises(DecryptionError) as ei:
        decrypt(data, *a, **kw)
    assert ei.value.code == code
    return ei.value


# ------------------------------------------------------------------ key agreement (ECDH)

@pytest.mark.parametrize("curve", CURVES)
@pytest.mark.parametrize("kdf", [None, "sha1", "sha224", "sha256", "sha384", "sha512"])
def test_ecdh_each_curve_and_kdf(pki, tmp_path, curve, kdf):
    party = pki[f"kantor-{curve}"]
    opts = ["-recip", party.cert_path] + (["-keyopt", f"ecdh_kdf_md:{kdf}"] if kdf else [])
    pt = os.urandom(1111)
    der = encrypt(tmp_path, pt, "-aes256", *opts)
    res = decrypt(der, [pki[f"lain-{curve}"].identity, party.identity, pki["rsa"].identity])
    assert res.plaintext == pt
    assert res.key_name == party.name
    assert res.key_transport == f"ecdh_{kdf or 'sha1'}kdf_aes256_wrap"  # openssl's default KDF is SHA-1
    assert res.content_encryption == "aes256_cbc"


@pytest.mark.parametrize("cipher,wrap", [("-aes128", "aes128_wrap"), ("-aes192", "aes192_wrap"),
                                         ("-aes-128-gcm", "aes128_wrap"), ("-aes-256-gcm", "aes256_wrap")])
def test_ecdh_content_ciphers_pick_the_wrap(pki, tmp_path, cipher, wrap):
    party = pki["kantor-P-256"]
    der = encrypt(tmp_path, TEXT, cipher, "-recip", party.cert_path, "-keyopt", "ecdh_kdf_md:sha256")
    res = decrypt(der, [party.identity])
    assert res.plaintext == TEXT and res.key_transport == f"ecdh_sha256kdf_{wrap}"


@pytest.mark.parametrize("curve", CURVES)
def test_ecdh_openssl_defaults_3des_content_and_wrap(pki, tmp_path, curve):
    """No cipher option: openssl encrypts with 3DES and wraps with the RFC 3217 3DES key wrap."""
    party = pki[f"kantor-{curve}"]
    der = encrypt(tmp_path, TEXT, "-recip", party.cert_path)
    res = decrypt(der, [party.identity])
    assert res.plaintext == TEXT
    assert (res.content_encryption, res.key_transport) == ("des_ede3_cbc", "ecdh_sha1kdf_tripledes_wrap")


def test_3des_key_wrap_round_trip_and_tamper():
    kek, cek = os.urandom(24), os.urandom(24)
    wrapped = _recipients.des3_wrap(kek, cek)
    assert _recipients.des3_unwrap(kek, wrapped) == cek
    for i in (0, 20, 39):
        bad = bytearray(wrapped)
        bad[i] ^= 1
        assert _recipients.des3_unwrap(kek, bytes(bad)) is None
    assert _recipients.des3_unwrap(os.urandom(24), wrapped) is None
    assert _recipients.des3_unwrap(kek, wrapped[:32]) is None


def test_ecdh_cofactor_mode_and_key_identifier(pki, tmp_path):
    party = pki["kantor-P-384"]
    der = encrypt(tmp_path, TEXT, "-aes256", "-keyid", "-recip", party.cert_path,
                  "-keyopt", "ecdh_cofactor_mode:1", "-keyopt", "ecdh_kdf_md:sha384")
    assert decrypt(der, [party.identity]).plaintext == TEXT


@pytest.mark.parametrize("outform", ["PEM", "SMIME"])
def test_ecdh_pem_and_smime(pki, tmp_path, outform):
    party = pki["kantor-P-256"]
    out = encrypt(tmp_path, TEXT, "-aes256", "-recip", party.cert_path, outform=outform)
    assert decrypt(out, [party.identity]).plaintext == TEXT


def test_ecdh_message_for_another_key_has_no_key(pki, tmp_path):
    der = encrypt(tmp_path, TEXT, "-aes256", "-recip", pki["lain-P-256"].cert_path)
    expect_error(NO_KEY, der, [pki["kantor-P-256"].identity, pki["kantor-P-384"].identity, pki["rsa"].identity])


@pytest.mark.parametrize("impostor", ["lain-P-256", "kantor-P-384", "rsa"])
def test_ecdh_right_certificate_wrong_key_fails(pki, tmp_path, impostor):
    party = pki["kantor-P-256"]
    der = encrypt(tmp_path, TEXT, "-aes256", "-recip", party.cert_path)
    err = expect_error(FAILED, der, [Identity("palsu", party.cert, pki[impostor].key)])
    assert err.message == "Dekripsi gagal: kunci tidak cocok atau data telah diubah."


def test_mixed_recipients_each_kind_opens(pki, tmp_path):
    """One message for an RSA office, an EC office, a KEK and a password: each key alone opens it."""
    der = encrypt(tmp_path, TEXT, "-aes256", "-recip", pki["rsa"].cert_path, "-recip", pki["kantor-P-521"].cert_path,
                  "-secretkey", KEKS[192].hex(), "-secretkeyid", KEK_ID.hex(), "-pwri_password", PASSWORD)
    assert decrypt(der, [pki["rsa"].identity]).key_name == "rsa"
    assert decrypt(der, [pki["kantor-P-521"].identity]).key_name == "kantor-P-521"
    assert decrypt(der, [], [kek_key(192)]).key_name == "kek-192"
    assert decrypt(der, [], [password_key()]).key_name == "sandi"


# ------------------------------------------------------------------ pre-shared KEK

@pytest.mark.parametrize("bits", sorted(KEKS))
@pytest.mark.parametrize("cipher", ["-aes256", "-aes-128-gcm"])
def test_kek_each_size(tmp_path, bits, cipher):
    pt = os.urandom(3000)
    der = encrypt(tmp_path, pt, cipher, "-secretkey", KEKS[bits].hex(), "-secretkeyid", KEK_ID.hex())
    others = [kek_key(256, b"\x01\x02", "kek-lain"), SymmetricKey("fernet", AGENCY, b"x" * 44)]
    res = decrypt(der, [], others + [kek_key(bits)])
    assert res.plaintext == pt
    assert (res.key_name, res.key_transport) == (f"kek-{bits}", f"kek_aes{bits}_wrap")


@pytest.mark.parametrize("bits", sorted(KEKS))
def test_kek_with_openssl_default_3des_content(tmp_path, bits):
    der = encrypt(tmp_path, TEXT, "-secretkey", KEKS[bits].hex(), "-secretkeyid", KEK_ID.hex())
    res = decrypt(der, [], [kek_key(bits)])
    assert (res.plaintext, res.content_encryption) == (TEXT, "des_ede3_cbc")


def test_password_with_openssl_default_3des_content(tmp_path):
    der = encrypt(tmp_path, TEXT, "-pwri_password", PASSWORD)
    assert decrypt(der, [], [password_key()]).plaintext == TEXT


def test_kek_wrong_id_has_no_key(tmp_path):
    der = encrypt(tmp_path, TEXT, "-aes256", "-secretkey", KEKS[256].hex(), "-secretkeyid", "ffee")
    expect_error(NO_KEY, der, [], [kek_key(256), password_key()])


@pytest.mark.parametrize("sent,stored", [(128, 256), (256, 128), (192, 128)])
def test_kek_of_the_wrong_length_fails(tmp_path, sent, stored):
    der = encrypt(tmp_path, TEXT, "-aes256", "-secretkey", KEKS[sent].hex(), "-secretkeyid", KEK_ID.hex())
    err = expect_error(FAILED, der, [], [kek_key(stored)])
    assert err.message == "Dekripsi gagal: kunci tidak cocok atau data telah diubah."


def test_kek_wrong_key_of_right_length_fails(tmp_path):
    der = encrypt(tmp_path, TEXT, "-aes256", "-secretkey", KEKS[128].hex(), "-secretkeyid", KEK_ID.hex())
    expect_error(FAILED, der, [], [SymmetricKey("salah", AGENCY, bytes(16), "kek", KEK_ID)])


def test_kek_corrupt_wrapped_key_fails(tmp_path):
    der = encrypt(tmp_path, TEXT, "-aes256", "-secretkey", KEKS[256].hex(), "-secretkeyid", KEK_ID.hex())
    wrapped_len = 40  # RFC 3394 wrap of a 32-byte CEK
    pos = der.index(b"\x04" + bytes([wrapped_len])) + 2
    broken = bytearray(der)
    broken[pos + 5] ^= 0x01
    expect_error(FAILED, bytes(broken), [], [kek_key(256)])


# ------------------------------------------------------------------ passwords

@pytest.mark.parametrize("cipher,kek_cipher", [("-aes128", "aes128_cbc"), ("-aes256", "aes256_cbc"),
                                               ("-aes192", "aes192_cbc")])
def test_password(tmp_path, cipher, kek_cipher):
    pt = os.urandom(2049)
    der = encrypt(tmp_path, pt, cipher, "-pwri_password", PASSWORD)
    keys = [password_key("kata-sandi-lain", "lain", "Dinas Lain"), password_key()]
    res = decrypt(der, [], keys, sender_agency=AGENCY)
    assert res.plaintext == pt
    assert (res.key_name, res.key_transport) == ("sandi", f"pwri_pbkdf2_sha1_{kek_cipher}")
    # the sender's passwords are tried first, the others after them
    assert decrypt(der, [], keys, sender_agency="Dinas Lain").key_name == "sandi"


def test_password_non_ascii(tmp_path):
    pw = "Kunci-Rahasia-ÄÖÜ-ß-€"
    der = encrypt(tmp_path, TEXT, "-aes256", "-pwri_password", pw)
    assert decrypt(der, [], [password_key(pw)]).plaintext == TEXT


def test_wrong_password_fails(tmp_path):
    der = encrypt(tmp_path, TEXT, "-aes256", "-pwri_password", PASSWORD)
    err = expect_error(FAILED, der, [], [password_key("Sandi-Rahasia#2025"), password_key("x" * 8, "b")])
    assert err.message == "Dekripsi gagal: kunci tidak cocok atau data telah diubah."


def test_password_message_without_stored_password_has_no_key(tmp_path):
    der = encrypt(tmp_path, TEXT, "-aes256", "-pwri_password", PASSWORD)
    expect_error(NO_KEY, der, [], [kek_key(128)])


def test_failures_are_uniform_across_kinds(pki, tmp_path):
    """Wrong password, wrong KEK, KEK of the wrong length, wrong EC key: one code, one message."""
    pw = encrypt(tmp_path, TEXT, "-aes256", "-pwri_password", PASSWORD)
    kek = encrypt(tmp_path, TEXT, "-aes256", "-secretkey", KEKS[256].hex(), "-secretkeyid", KEK_ID.hex())
    party = pki["kantor-P-256"]
    ecdh = encrypt(tmp_path, TEXT, "-aes256", "-recip", party.cert_path)
    errors = [
        expect_error(FAILED, pw, [], [password_key("bukan-sandinya")]),
        expect_error(FAILED, kek, [], [SymmetricKey("k", AGENCY, bytes(32), "kek", KEK_ID)]),
        expect_error(FAILED, kek, [], [kek_key(128)]),
        expect_error(FAILED, ecdh, [Identity("palsu", party.cert, pki["lain-P-256"].key)]),
    ]
    assert {(e.code, e.message, str(e)) for e in errors} == {(errors[0].code, errors[0].message, errors[0].message)}


# ------------------------------------------------------------------ signed, then encrypted

@pytest.mark.parametrize("signer,opts", [
    ("penanda-ec", []), ("penanda-ec", ["-md", "sha384"]),
    ("penanda-rsa", ["-keyopt", "rsa_padding_mode:pss"]),
    ("penanda-rsa", ["-keyopt", "rsa_padding_mode:pss", "-keyopt", "rsa_pss_saltlen:32", "-md", "sha512"]),
], ids=["ecdsa", "ecdsa-sha384", "pss", "pss-sha512"])
@pytest.mark.parametrize("recipient", ["ec", "kek", "password"])
def test_signed_ecdsa_or_pss_then_encrypted_verifies(pki, tmp_path, signer, opts, recipient):
    src = tmp_path / "isi.txt"
    src.write_bytes(TEXT)
    s = pki[signer]
    signed = ossl("cms", "-sign", "-binary", "-nodetach", "-in", src, "-signer", s.cert_path, "-inkey", s.key_path,
                  "-outform", "DER", *opts)
    office = pki["kantor-P-384"]
    recip = {"ec": ["-recip", office.cert_path],
             "kek": ["-secretkey", KEKS[128].hex(), "-secretkeyid", KEK_ID.hex()],
             "password": ["-pwri_password", PASSWORD]}[recipient]
    der = encrypt(tmp_path, signed, "-aes256", *recip)
    keys = dict(identities=[office.identity], symmetric_keys=[kek_key(128), password_key()])
    ok = decrypt(der, **keys, trusted_signers=[pki["penanda-rsa" if signer == "penanda-ec" else "penanda-ec"].cert,
                                               s.cert])
    assert (ok.plaintext, ok.signature, ok.signer) == (TEXT, "verified", signer)
    assert decrypt(der, **keys, trusted_signers=[]).signature == "not_verified"
    tampered = signed.replace(b"Pengamanan", b"Pengamatan")
    assert tampered != signed
    bad = decrypt(encrypt(tmp_path, tampered, "-aes256", *recip), **keys, trusted_signers=[s.cert])
    assert bad.signature == "invalid"


# ------------------------------------------------------------------ seal -> openssl

def _openssl_decrypt(tmp_path, out: bytes, *opts, inform="DER") -> bytes:
    src = tmp_path / "c.p7m"
    src.write_bytes(out)
    return ossl("cms", "-decrypt", "-binary", "-inform", inform, "-in", src, *opts)


@pytest.mark.parametrize("curve", CURVES)
@pytest.mark.parametrize("alg", ["aes128_cbc", "aes256_gcm"])
def test_seal_for_ec_opens_with_openssl(pki, tmp_path, curve, alg):
    party = pki[f"kantor-{curve}"]
    pt = os.urandom(999)
    out = seal(pt, [party.cert], content_alg=alg)
    assert _openssl_decrypt(tmp_path, out, "-recip", party.cert_path, "-inkey", party.key_path) == pt
    assert decrypt(out, [party.identity]).plaintext == pt


@pytest.mark.parametrize("bits", sorted(KEKS))
def test_seal_with_kek_opens_with_openssl(tmp_path, bits):
    pt = os.urandom(500)
    out = seal(pt, keks=[(KEK_ID, KEKS[bits])], output="pem")
    assert _openssl_decrypt(tmp_path, out, "-secretkey", KEKS[bits].hex(), "-secretkeyid", KEK_ID.hex(),
                            inform="PEM") == pt
    assert decrypt(out, [], [kek_key(bits)]).plaintext == pt


def test_seal_with_password_opens_with_openssl(tmp_path):
    out = seal(TEXT, passwords=[PASSWORD.encode()], output="smime")
    assert _openssl_decrypt(tmp_path, out, "-pwri_password", PASSWORD, inform="SMIME") == TEXT
    assert decrypt(out, [], [password_key()]).plaintext == TEXT
    # and a wrong password is refused by openssl as well as by us
    src = tmp_path / "c.p7m"
    assert ossl("cms", "-decrypt", "-inform", "SMIME", "-in", src, "-pwri_password", "salah", ok=False) == b""
    expect_error(FAILED, out, [], [password_key("salah-salah")])


def test_seal_signed_with_ecdsa_verifies_with_openssl(pki, tmp_path):
    office, signer = pki["kantor-P-256"], pki["penanda-ec"]
    out = seal(TEXT, [office.cert], sign_key=signer.key, sign_cert=signer.cert)
    inner = _openssl_decrypt(tmp_path, out, "-recip", office.cert_path, "-inkey", office.key_path)
    (tmp_path / "s.der").write_bytes(inner)
    assert ossl("cms", "-verify", "-binary", "-inform", "DER", "-in", tmp_path / "s.der",
                "-CAfile", signer.cert_path, "-purpose", "any") == TEXT
    res = decrypt(out, [office.identity], trusted_signers=[signer.cert])
    assert (res.signature, res.plaintext) == ("verified", TEXT)


# ------------------------------------------------------------------ variants openssl does not make

def _first_recipient(der: bytes):
    from asn1crypto import cms as acms
    ci = acms.ContentInfo.load(der)
    return ci, ci["content"]["recipient_infos"][0].chosen


def test_kek_with_padded_key_wrap_rfc5649():
    from cryptography.hazmat.primitives.keywrap import aes_key_unwrap, aes_key_wrap_with_padding
    out = seal(TEXT, keks=[(KEK_ID, KEKS[256])])
    ci, kekri = _first_recipient(out)
    cek = aes_key_unwrap(KEKS[256], kekri["encrypted_key"].native)
    kekri["key_encryption_algorithm"] = {"algorithm": "aes256_wrap_pad"}
    kekri["encrypted_key"] = aes_key_wrap_with_padding(KEKS[256], cek)
    res = decrypt(ci.dump(force=True), [], [kek_key(256)])
    assert (res.plaintext, res.key_transport) == (TEXT, "kek_aes256_wrap_pad")


def test_password_iteration_count_is_bounded():
    out = seal(TEXT, passwords=[PASSWORD.encode()], pbkdf2_iterations=1000)
    assert decrypt(out, [], [password_key()]).plaintext == TEXT
    ci, pwri = _first_recipient(out)
    pwri["key_derivation_algorithm"]["parameters"]["iteration_count"] = 1_000_001
    err = expect_error("unsupported", ci.dump(force=True), [], [password_key()])
    assert "1000001 iterasi" in err.message


@pytest.mark.parametrize("kind", ["ec", "kek", "password"])
def test_mutated_messages_only_ever_raise_decryption_error(pki, tmp_path, kind):
    """Flip bytes all over each kind of message: decrypt() answers or raises DecryptionError, nothing else."""
    import random
    rng = random.Random(13)
    party = pki["kantor-P-256"]
    recip = {"ec": ["-recip", party.cert_path], "kek": ["-secretkey", KEKS[128].hex(), "-secretkeyid", KEK_ID.hex()],
             "password": ["-pwri_password", PASSWORD]}[kind]
    der = encrypt(tmp_path, TEXT, "-aes-128-gcm" if kind == "ec" else "-aes128", *recip)
    keys = dict(identities=[party.identity], symmetric_keys=[kek_key(128), password_key()])
    codes = set()
    for _ in range(150):
        broken = bytearray(der)
        for _ in range(rng.randint(1, 3)):
            broken[rng.randrange(len(broken))] ^= 1 << rng.randrange(8)
        try:
            res = decrypt(bytes(broken), **keys)
        except DecryptionError as e:
            codes.add(e.code)
            continue
        assert res.key_name == {"ec": party.name, "kek": "kek-128", "password": "sandi"}[kind]
        if kind == "ec":  # authenticated (GCM): an accepted message is the original one
            assert res.plaintext == TEXT
    assert codes and codes <= {"format", "no_key", "failed", "unsupported"}
