"""Property tests: whatever bytes arrive, decrypt() raises only DecryptionError."""
from __future__ import annotations

import functools

from cryptography.fernet import Fernet
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from naskah.crypto import keys
from naskah.crypto.cms import DecryptionError, DecryptResult, Identity, SymmetricKey, decrypt, detect_format
from naskah.crypto.seal import seal

SETTINGS = settings(max_examples=200, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])
PLAIN = b"Kriptogram uji untuk fuzzing: rapat Senin 09.00 WIB.\n" * 3


@functools.cache
def material():
    """Built once per process (hypothesis dislikes function-scoped fixtures)."""
    key, cert = keys.generate_identity("Fuzz", bits=2048)
    skey, scert = keys.generate_identity("Penanda", bits=2048)
    office = Identity("kantor", cert, key)
    fkey = Fernet.generate_key()
    samples = {
        "der_cbc": seal(PLAIN, [cert]),
        "der_gcm": seal(PLAIN, [cert], content_alg="aes128_gcm", key_transport="oaep"),
        "signed": seal(PLAIN, [cert], sign_key=skey, sign_cert=scert),
        "pem": seal(PLAIN, [cert], output="pem"),
        "smime": seal(PLAIN, [cert], content_alg="aes256_gcm", output="smime"),
        "fernet": Fernet(fkey).encrypt(PLAIN),
    }
    return office, [SymmetricKey("f", "BSSN", fkey)], [scert], samples


def run(data: bytes):
    office, symkeys, trusted, _ = material()
    try:
        res = decrypt(data, [office], symkeys, sender_agency="BSSN", trusted_signers=trusted)
    except DecryptionError as e:
        assert e.code in {"format", "no_key", "failed", "unsupported", "signature"}
        assert str(e) == e.message
        return None
    assert isinstance(res, DecryptResult) and isinstance(res.plaintext, bytes)
    return res


def test_samples_are_valid():
    for name, blob in material()[3].items():
        res = run(blob)
        assert res is not None and res.plaintext == PLAIN, name


@SETTINGS
@given(st.binary(max_size=4096))
def test_random_bytes(data):
    run(data)
    try:
        detect_format(data)
    except DecryptionError as e:
        assert e.code == "format"


@SETTINGS
@given(st.binary(max_size=512).map(lambda b: b"\x30\x82" + b))
def test_random_der_like(data):
    run(data)


sample_names = st.sampled_from(["der_cbc", "der_gcm", "signed", "pem", "smime", "fernet"])


@SETTINGS
@given(sample_names, st.integers(min_value=0), st.integers(min_value=0, max_value=255))
def test_single_byte_mutation(name, pos, value):
    blob = bytearray(material()[3][name])
    blob[pos % len(blob)] = value
    run(bytes(blob))


@SETTINGS
@given(sample_names, st.integers(min_value=0))
def test_truncation(name, cut):
    blob = material()[3][name]
    res = run(blob[: cut % len(blob)])
    # DER/GCM/signed/Fernet have no slack: a truncated copy must never "succeed".
    if name in ("der_cbc", "der_gcm", "signed", "fernet"):
        assert res is None


@SETTINGS
@given(sample_names, st.integers(min_value=0), st.binary(min_size=1, max_size=8))
def test_insertion(name, pos, extra):
    blob = material()[3][name]
    p = pos % len(blob)
    run(blob[:p] + extra + blob[p:])


@SETTINGS
@given(st.integers(min_value=0), st.integers(min_value=0, max_value=255))
def test_gcm_mutation_never_yields_wrong_plaintext(pos, value):
    """AuthEnvelopedData is authenticated: any accepted mutation must give the original text."""
    blob = bytearray(material()[3]["der_gcm"])
    blob[pos % len(blob)] = value
    res = run(bytes(blob))
    if res is not None:
        assert res.plaintext == PLAIN
