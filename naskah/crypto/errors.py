"""Error type for cryptogram decryption.

Messages are fixed per code (Indonesian, shown to the sandiman) so that no key
material, plaintext or low-level detail (padding vs. tag vs. key) can leak
through them: "failed" deliberately merges every integrity/key failure so the
service never becomes a padding oracle.
"""
from __future__ import annotations

FORMAT = "format"
NO_KEY = "no_key"
FAILED = "failed"
UNSUPPORTED = "unsupported"
SIGNATURE = "signature"


_MESSAGES = {
    FORMAT: "Kriptogram tidak dapat dibaca: format tidak dikenali atau data rusak.",
    NO_KEY: "Tidak ada kunci kantor yang cocok untuk kriptogram ini.",
    FAILED: "Dekripsi gagal: kunci tidak cocok atau data telah diubah.",
    UNSUPPORTED: "Algoritma tidak didukung: {name}.",
    SIGNATURE: "Tanda tangan digital pada kriptogram tidak valid.",
}


class DecryptionError(Exception):
    """The one exception `decrypt()` raises; `code` drives the UI, `message` is shown."""

    def __init__(self, code: str, algorithm: str | None = None):
        if code not in _MESSAGES:
            raise ValueError(f"unknown DecryptionError code: {code!r}")
        self.code = code
        # Only an algorithm *name* (from a fixed table or a dotted OID) ever
        # reaches the message, never data from the ciphertext payload.
        self.algorithm = algorithm if code == UNSUPPORTED else None
        if code == UNSUPPORTED:
            self.message = _MESSAGES[code].format(name=algorithm or "tidak dikenal")
        else:
            self.message = _MESSAGES[code]
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"DecryptionError(code={self.code!r}, message={self.message!r})"
