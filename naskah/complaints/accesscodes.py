"""Random access codes for complainants and survey respondents, stored only as keyed digests.

A code is 10 characters from a 31-letter alphabet without look-alikes (no 0/O, 1/I/L), about
49.5 bits, printed as two groups of five ("7KQ4M-XT2PA"). The database keeps
HMAC-SHA256(key, code) under an instance secret: the digest is deterministic, so a code can be
looked up by itself (the survey page has only the code), yet a copy of the database without
that secret does not allow guessing codes offline.
"""
import hashlib
import hmac
import os
import re
import secrets

from flask import current_app

from naskah.config import load_secret

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 10
_CLEAN = re.compile(r"[\s\-_.]")
_VALID = re.compile(f"^[{ALPHABET}]{{{LENGTH}}}$")


def generate() -> str:
    """A new random code, in its printed form."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return display(raw)


def display(code: str) -> str:
    raw = normalize(code) or code
    return f"{raw[:5]}-{raw[5:]}"


def normalize(text: str | None) -> str | None:
    """The canonical code from what a person typed (case, spaces, dashes ignored); None if invalid."""
    if not text:
        return None
    raw = _CLEAN.sub("", str(text)).upper()[:40]
    if not _VALID.match(raw):
        return None
    return raw


def _key() -> bytes:
    """The HMAC key: NASKAH_ACCESS_CODE_KEY, else instance/access_code_key (made once, 0600).

    Its own secret rather than one derived from the vault's master key, so rotating the master
    key does not invalidate the codes complainants hold.
    """
    key = current_app.extensions.get("naskah_access_code_key")
    if key is None:
        value = (current_app.config.get("ACCESS_CODE_KEY") or os.environ.get("NASKAH_ACCESS_CODE_KEY")
                 or load_secret(current_app.instance_path, "access_code_key"))
        key = current_app.extensions["naskah_access_code_key"] = hashlib.sha256(
            b"naskah-sandi/access-code/v1\x00" + value.encode()).digest()
    return key


def digest(code: str | None) -> str:
    """Keyed digest of a code; invalid input still costs one HMAC so timing stays uniform."""
    raw = normalize(code) or "!" * LENGTH
    return hmac.new(_key(), raw.encode("ascii", "replace"), hashlib.sha256).hexdigest()


def matches(code: str | None, stored_digest: str | None) -> bool:
    """Constant-time comparison of a typed code with a stored digest (None never matches)."""
    candidate = digest(code)
    ok = hmac.compare_digest(candidate, stored_digest or "0" * 64)
    return ok and stored_digest is not None and normalize(code) is not None
