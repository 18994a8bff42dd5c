"""Interop: cryptograms made by the OpenSSL CLI must decrypt with naskah.crypto.cms,
and cryptograms made by naskah.crypto.seal must decrypt with the OpenSSL CLI."""
from __future__ import annotations

import email.message
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import serialization

from naskah.crypto.cms import DecryptionError, Identity, SymmetricKey, decrypt, detect_format
from naskah.crypto.seal import seal

OPENSSL = shutil.which("openssl")  # required: without it these tests fail, they do not skip

TEXT = ("Kepada Yth. Kepala Dinas Komunikasi dan Informatika\n"
        "Perihal: Undangan rapat koordinasi persandian — SANGAT RAHASIA\n"
        "Mohon hadir pada hari Senin pukul 09.00 WIB. Terima kasih.\n").encode()

PADDINGS = {
    "pkcs1": ([], "rsaes_pkcs1v15"),
    "oaep-sha1": (["-keyopt", "rsa_padding_mode:oaep"], "rsaes_oaep"),
    "oaep-sha256": (["-keyopt", "rsa_padding_mode:oaep", "-keyopt", "rsa_oaep_md:sha256",
                     "-keyopt", "rsa_mgf1_md:sha256"], "rsaes_oaep"),
}


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


def ossl(*args, stdin: bytes | None = None) -> bytes:
    assert OPENSSL, "the openssl command line is required for the interop tests"
    proc = subprocess.run([OPENSSL, *map(str, args)], input=stdin, capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    return proc.stdout


@pytest.fixture(scope="session")
def pki(tmp_path_factory):
    """One key per size (4096 is slow, so only one), plus a second office and two signers."""
    d = tmp_path_factory.mktemp("pki")
    parties = {}
    for name, bits in [("kantor2048", 2048), ("kantor3072", 3072), ("kantor4096", 4096),
                       ("lain", 2048), ("pengirim", 2048), ("asing", 2048)]:
        kp, cp = d / f"{name}.key", d / f"{name}.pem"
        ossl("req", "-x509", "-newkey", f"rsa:{bits}", "-nodes", "-keyout", kp, "-out", cp,
             "-subj", f"/O=Pemerintah Kota/CN={name}", "-days", "30")
        key = serialization.load_pem_private_key(kp.read_bytes(), None)
        cert = x509.load_pem_x509_certificate(cp.read_bytes())
        parties[name] = Party(name, kp, cp, key, cert)
    return parties


@pytest.fixture
def work(tmp_path):
    return tmp_path


def encrypt(work: Path, plaintext: bytes, recips, *opts, outform="DER", cmd="cms") -> bytes:
    src = work / "plain.bin"
    src.write_bytes(plaintext)
    args = [cmd, "-encrypt", "-binary", "-in", src, "-outform", outform]
    if cmd == "cms":
        # -keyopt applies to the preceding -recip, so recipients come first.
        for r in recips:
            args += ["-recip", r.cert_path]
        return ossl(*args, *opts)
    return ossl(*args, *opts, *[r.cert_path for r in recips])


def expect_error(code, data, *a, **kw) -> DecryptionError:
    with pytest.raises(DecryptionError) as ei:
        decrypt(data, *a, **kw)
    assert ei.value.code == code
    assert str(ei.value) == ei.value.message
    return ei.value


# ------------------------------------------------------------------ happy paths

@pytest.mark.parametrize("bits", [2048, 3072, 4096])
@pytest.mark.parametrize("cipher", ["-aes128", "-aes192", "-aes256"])
@pytest.mark.parametrize("pad", sorted(PADDINGS))
def test_cbc_matrix(pki, work, bits, cipher, pad):
    party = pki[f"kantor{bits}"]
    opts, transport = PADDINGS[pad]
    pt = os.urandom(1537)
    der = encrypt(work, pt, [party], cipher, *opts)
    res = decrypt(der, [pki["lain"].identity, party.identity])
    assert res.plaintext == pt
    assert res.format == "der"
    assert res.content_encryption == f"aes{cipher[4:]}_cbc"
    assert res.key_transport == transport
    assert res.key_name == party.name
    assert res.signature == "none" and res.signer is None


@pytest.mark.parametrize("cipher", ["-aes-128-gcm", "-aes-192-gcm", "-aes-256-gcm"])
@pytest.mark.parametrize("pad", ["pkcs1", "oaep-sha256"])
def test_gcm_auth_enveloped(pki, work, cipher, pad):
    party = pki["kantor2048"]
    der = encrypt(work, TEXT, [party], cipher, *PADDINGS[pad][0])
    res = decrypt(der, [party.identity])
    assert res.plaintext == TEXT
    assert res.content_encryption == f"aes{cipher[5:8]}_gcm"
    assert res.is_text and res.media_type == "text/plain"


@pytest.mark.parametrize("form", ["DER", "PEM", "PEM-PKCS7", "SMIME", "smime-cmd", "smime-cmd-pem", "stream-DER",
                                  "stream-PEM", "stream-SMIME"])
def test_output_forms(pki, work, form):
    party = pki["kantor3072"]
    pt = os.urandom(5000) if "stream" in form else TEXT
    cmd = "smime" if form.startswith("smime-cmd") else "cms"
    outform = {"smime-cmd": "SMIME", "smime-cmd-pem": "PEM"}.get(form, form.split("-")[-1])
    if outform == "PKCS7":
        outform = "PEM"
    opts = ["-aes256"] + (["-stream"] if "stream" in form else [])
    out = encrypt(work, pt, [party], *opts, outform=outform, cmd=cmd)
    if form == "PEM-PKCS7":
        out = out.replace(b"-----BEGIN CMS-----", b"-----BEGIN PKCS7-----").replace(
            b"-----END CMS-----", b"-----END PKCS7-----")
        assert b"BEGIN PKCS7" in out
    expected = {"DER": "der", "PEM": "pem", "SMIME": "smime"}[outform]
    assert detect_format(out) == expected
    res = decrypt(out, [party.identity])
    assert res.plaintext == pt and res.format == expected


def test_smime_nested_in_multipart_eml(pki, work):
    party = pki["kantor2048"]
    p7m = encrypt(work, TEXT, [party], "-aes128", outform="DER")
    msg = email.message.EmailMessage()
    msg["From"] = "sandi@instansi.go.id"
    msg["To"] = "persandian@kota.go.id"
    msg["Subject"] = "Kriptogram nomor 12"
    msg.set_content("Terlampir kriptogram.")
    msg.add_attachment(p7m, maintype="application", subtype="pkcs7-mime", filename="smime.p7m",
                       params={"smime-type": "enveloped-data"})
    eml = msg.as_bytes()
    assert detect_format(eml) == "smime"
    assert decrypt(eml, [party.identity]).plaintext == TEXT


def test_subject_key_identifier_recipient(pki, work):
    party = pki["kantor2048"]
    der = encrypt(work, TEXT, [party], "-aes256", "-keyid")
    assert decrypt(der, [party.identity]).plaintext == TEXT


def test_multiple_recipients_picks_our_key(pki, work):
    der = encrypt(work, TEXT, [pki["asing"], pki["kantor3072"]], "-aes256")
    res = decrypt(der, [pki["lain"].identity, pki["kantor3072"].identity])
    assert res.plaintext == TEXT and res.key_name == "kantor3072"


@pytest.mark.parametrize("size", [0, 15, 16, 1 << 20])
def test_sizes(pki, work, size):
    party = pki["kantor2048"]
    pt = os.urandom(size)
    assert decrypt(encrypt(work, pt, [party], "-aes256"), [party.identity]).plaintext == pt


def test_triple_des_legacy(pki, work):
    party = pki["kantor2048"]
    res = decrypt(encrypt(work, TEXT, [party], "-des3"), [party.identity])
    assert res.plaintext == TEXT and res.content_encryption == "des_ede3_cbc"


@pytest.mark.parametrize("cipher,name", [("-camellia128", "camellia128_cbc"), ("-camellia256", "camellia256_cbc"),
                                         ("-aria128", "aria128_cbc")])
def test_unsupported_cipher_is_named(pki, work, cipher, name):
    party = pki["kantor2048"]
    err = expect_error("unsupported", encrypt(work, TEXT, [party], cipher), [party.identity])
    assert name in str(err)


# ------------------------------------------------------------------ signed, then encrypted

def _sign(work, pki, content: bytes, *opts, signer="pengirim", outform="DER") -> bytes:
    src = work / "isi.txt"
    src.write_bytes(content)
    s = pki[signer]
    return ossl("cms", "-sign", "-in", src, "-signer", s.cert_path, "-inkey", s.key_path,
                "-outform", outform, *opts)


@pytest.mark.parametrize("variant", ["der-opaque", "smime-detached", "smime-opaque", "pss", "sha512", "nocerts"])
def test_signed_then_encrypted(pki, work, variant):
    opts = {
        "der-opaque": ["-binary", "-nodetach"],
        "smime-detached": ["-text"],
        "smime-opaque": ["-text", "-nodetach"],
        "pss": ["-binary", "-nodetach", "-keyopt", "rsa_padding_mode:pss"],
        "sha512": ["-binary", "-nodetach", "-md", "sha512"],
        "nocerts": ["-binary", "-nodetach", "-nocerts"],
    }[variant]
    outform = "SMIME" if variant.startswith("smime") else "DER"
    signed = _sign(work, pki, TEXT, *opts, outform=outform)
    party = pki["kantor2048"]
    der = encrypt(work, signed, [party], "-aes256")
    signer_cert = pki["pengirim"].cert

    ok = decrypt(der, [party.identity], trusted_signers=[pki["asing"].cert, signer_cert])
    assert ok.signature == "verified" and ok.signer == "pengirim"
    if outform == "SMIME":  # S/MIME signing canonicalises text to CRLF
        assert ok.plaintext.replace(b"\r\n", b"\n") == TEXT and ok.media_type == "text/plain"
    else:
        assert ok.plaintext == TEXT
    assert ok.is_text

    unknown = decrypt(der, [party.identity], trusted_signers=[pki["asing"].cert])
    assert unknown.signature == "not_verified"
    assert unknown.signer == (None if variant == "nocerts" else "pengirim")
    assert unknown.plaintext == ok.plaintext


@pytest.mark.parametrize("outform", ["DER", "SMIME"])
def test_signed_then_encrypted_tampered_is_invalid(pki, work, outform):
    marker = b"pukul 09.00"
    opts = ["-binary", "-nodetach"] if outform == "DER" else ["-text"]
    signed = _sign(work, pki, TEXT, *opts, outform=outform)
    assert signed.count(marker) == 1
    tampered = signed.replace(marker, b"pukul 10.00")
    party = pki["kantor2048"]
    res = decrypt(encrypt(work, tampered, [party], "-aes256"), [party.identity],
                  trusted_signers=[pki["pengirim"].cert])
    assert res.signature == "invalid"
    assert b"pukul 10.00" in res.plaintext


def test_signature_by_impostor_with_same_name_is_not_verified(pki, work):
    # "asing" signs; we trust only "pengirim": a valid signature, untrusted key.
    signed = _sign(work, pki, TEXT, "-binary", "-nodetach", signer="asing")
    party = pki["kantor2048"]
    res = decrypt(encrypt(work, signed, [party], "-aes256"), [party.identity],
                  trusted_signers=[pki["pengirim"].cert])
    assert res.signature == "not_verified" and res.signer == "asing"


# ------------------------------------------------------------------ failures

@pytest.mark.parametrize("cipher,pad", [("-aes256", "pkcs1"), ("-aes256", "oaep-sha1"), ("-aes-256-gcm", "pkcs1"),
                                        ("-aes-128-gcm", "oaep-sha256")])
def test_wrong_private_key_fails(pki, work, cipher, pad):
    party = pki["kantor2048"]
    der = encrypt(work, TEXT, [party], cipher, *PADDINGS[pad][0])
    impostor = Identity("palsu", party.cert, pki["lain"].key)  # right cert, wrong key
    err = expect_error("failed", der, [impostor])
    assert err.message == "Dekripsi gagal: kunci tidak cocok atau data telah diubah."


def test_no_matching_key(pki, work):
    der = encrypt(work, TEXT, [pki["kantor2048"]], "-aes256")
    expect_error("no_key", der, [pki["lain"].identity, pki["kantor3072"].identity])
    expect_error("no_key", der, [])


@pytest.mark.parametrize("cut", [1, 17, 100, 0.5])
def test_truncated_is_format(pki, work, cut):
    party = pki["kantor2048"]
    der = encrypt(work, TEXT, [party], "-aes256")
    n = int(len(der) * cut) if isinstance(cut, float) else len(der) - cut
    expect_error("format", der[:n], [party.identity])


def test_truncated_pem_is_format(pki, work):
    party = pki["kantor2048"]
    pem = encrypt(work, TEXT, [party], "-aes256", outform="PEM")
    expect_error("format", pem[: len(pem) // 2], [party.identity])


def test_corrupt_gcm_ciphertext_fails(pki, work):
    party = pki["kantor2048"]
    der = bytearray(encrypt(work, os.urandom(300), [party], "-aes-256-gcm"))
    der[-60] ^= 0x01  # inside the ciphertext (the 16-byte tag comes last)
    expect_error("failed", bytes(der), [party.identity])


def test_corrupt_gcm_tag_fails(pki, work):
    party = pki["kantor2048"]
    der = bytearray(encrypt(work, TEXT, [party], "-aes-128-gcm"))
    der[-1] ^= 0x80
    expect_error("failed", bytes(der), [party.identity])


def test_corrupt_cbc_padding_fails(pki, work):
    # 1000 bytes => 8 bytes of 0x08 padding; flipping the penultimate ciphertext
    # block's last byte deterministically turns the final pad byte into 0x28.
    party = pki["kantor2048"]
    der = bytearray(encrypt(work, os.urandom(1000), [party], "-aes256"))
    der[-17] ^= 0x08 ^ 0x28
    expect_error("failed", bytes(der), [party.identity])


def test_corrupt_encrypted_key_fails(pki, work):
    party = pki["kantor2048"]
    der = encrypt(work, TEXT, [party], "-aes256", *PADDINGS["oaep-sha1"][0])
    pos = der.index(b"\x04\x82\x01\x00") + 4  # the 256-byte encryptedKey OCTET STRING
    broken = bytearray(der)
    broken[pos + 10] ^= 0xFF
    expect_error("failed", bytes(broken), [party.identity])


@pytest.mark.parametrize("garbage", [b"", b"halo", os.urandom(4096), b"%PDF-1.7\n" + os.urandom(500),
                                     b"-----BEGIN CMS-----\n!!!!\n-----END CMS-----\n",
                                     b"\x30\x80" * 40, b"gAAAAA" + b"A" * 100])
def test_garbage_is_format(pki, garbage):
    err = expect_error("format", garbage, [pki["kantor2048"].identity])
    assert err.message.startswith("Kriptogram tidak dapat dibaca")


def test_certificate_pem_is_not_a_cryptogram(pki):
    expect_error("format", pki["kantor2048"].cert_path.read_bytes(), [pki["kantor2048"].identity])


def test_signed_only_is_not_a_cryptogram(pki, work):
    signed = _sign(work, pki, TEXT, "-binary", "-nodetach")
    expect_error("format", signed, [pki["kantor2048"].identity])


# ------------------------------------------------------------------ Fernet

def test_fernet_tokens():
    right, other = Fernet.generate_key(), Fernet.generate_key()
    token = Fernet(right).encrypt(TEXT)
    keys = [SymmetricKey("kunci-lain", "Dinas Lain", other), SymmetricKey("kunci-bssn", "BSSN", right)]
    assert detect_format(token) == "fernet"
    res = decrypt(token, [], keys, sender_agency="bssn")
    assert (res.plaintext, res.format, res.key_transport, res.key_name) == (TEXT, "fernet", "fernet", "kunci-bssn")
    assert decrypt(b"\n  " + token + b"\r\n", [], keys).key_name == "kunci-bssn"  # pasted with whitespace
    assert decrypt(token, [], keys, sender_agency="Dinas Lain").plaintext == TEXT  # falls back to other keys
    expect_error("failed", token, [], [keys[0]])
    expect_error("no_key", token, [], [])
    tampered = token[:-10] + (b"A" if token[-10:-9] != b"A" else b"B") + token[-9:]
    expect_error("failed", tampered, [], keys)


# ------------------------------------------------------------------ seal -> openssl

@pytest.mark.parametrize("alg", ["aes128_cbc", "aes192_cbc", "aes256_cbc", "aes128_gcm", "aes256_gcm"])
@pytest.mark.parametrize("transport", ["pkcs1v15", "oaep"])
@pytest.mark.parametrize("output", ["der", "pem", "smime"])
def test_seal_decrypts_with_openssl(pki, work, alg, transport, output):
    party = pki["kantor2048"]
    pt = os.urandom(777)
    out = seal(pt, [party.cert], content_alg=alg, key_transport=transport, output=output)
    src = work / "c.p7m"
    src.write_bytes(out)
    got = ossl("cms", "-decrypt", "-binary", "-inform", output.upper(), "-in", src,
               "-recip", party.cert_path, "-inkey", party.key_path)
    assert got == pt
    assert decrypt(out, [party.identity]).plaintext == pt


def test_seal_signed_verifies_with_openssl(pki, work):
    party, signer = pki["kantor2048"], pki["pengirim"]
    out = seal(TEXT, [party.cert], sign_key=signer.key, sign_cert=signer.cert)
    src = work / "c.der"
    src.write_bytes(out)
    inner = ossl("cms", "-decrypt", "-binary", "-inform", "DER", "-in", src,
                 "-recip", party.cert_path, "-inkey", party.key_path)
    (work / "s.der").write_bytes(inner)
    verified = ossl("cms", "-verify", "-binary", "-inform", "DER", "-in", work / "s.der",
                    "-CAfile", signer.cert_path, "-purpose", "any")
    assert verified == TEXT
    res = decrypt(out, [party.identity], trusted_signers=[signer.cert])
    assert res.signature == "verified" and res.plaintext == TEXT
