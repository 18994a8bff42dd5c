"""Parsing incoming mail (no server needed): what counts as a cryptogram, and that any input
ends as a cryptogram or a Refused, never another exception."""
import os
import random

import pytest

from naskah.intake import messages
from tests import crypto_helpers as ch
from tests.intake.conftest import attachment_mail, headers, plain_mail


def test_attachment_in_pem_is_found(app):
    import base64
    der = ch.sealed(ch.outsider()[1])
    pem = b"-----BEGIN CMS-----\n" + base64.encodebytes(der) + b"-----END CMS-----\n"
    incoming = messages.extract(attachment_mail(pem, filename="k.pem", ctype="application/octet-stream"))
    assert incoming.cryptogram == der and incoming.kind == "attachment" and incoming.filename == "k.pem"


def test_two_cryptograms_are_refused():
    der = ch.sealed(ch.outsider()[1])
    raw = attachment_mail(der)
    raw = raw.replace(b"--XYZ--", b"--XYZ\r\nContent-Type: application/pkcs7-mime; name=\"b.p7m\"\r\n"
                      b"Content-Transfer-Encoding: base64\r\n\r\n" + __import__("base64").encodebytes(der) + b"--XYZ--")
    with pytest.raises(messages.Refused) as e:
        messages.extract(raw)
    assert e.value.code == "many"


def test_signed_data_attachment_is_not_a_cryptogram():
    from naskah.crypto.seal import _sign
    key, cert = ch.correspondent()
    with pytest.raises(messages.Refused) as e:
        messages.extract(attachment_mail(_sign(b"isi", key, cert)))
    assert e.value.code == "not_enveloped"


@pytest.mark.parametrize("seed", range(40))
def test_any_input_is_a_cryptogram_or_a_refusal(seed):
    rng = random.Random(seed)
    base = [plain_mail(), attachment_mail(ch.sealed(ch.outsider()[1])), headers() + b"\r\n" + os.urandom(50)]
    raw = bytearray(rng.choice(base))
    for _ in range(rng.randint(1, 30)):
        pos = rng.randrange(len(raw))
        raw[pos:pos + rng.randint(1, 8)] = bytes(rng.randrange(256) for _ in range(rng.randint(0, 8)))
    try:
        incoming = messages.extract_safely(bytes(raw))
    except messages.Refused as r:
        assert r.reason and r.code
    else:
        assert incoming.cryptogram
