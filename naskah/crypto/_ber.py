"""Minimal zero-copy BER/DER reader for the hot path of CMS decryption.

asn1crypto copies every nested value's contents on access, which for a 10 MB
cryptogram costs about twice the AES decryption itself. This walker only
computes offsets into a memoryview, so the ciphertext is never copied before
it reaches the cipher. Small structures (recipient infos, algorithm
identifiers) are still handed to asn1crypto as bytes.
"""
from __future__ import annotations

from typing import NamedTuple

MAX_DEPTH = 32

UNIVERSAL, APPLICATION, CONTEXT, PRIVATE = 0, 1, 2, 3
TAG_INTEGER = 2
TAG_OCTET_STRING = 4
TAG_OID = 6
TAG_SEQUENCE = 16
TAG_SET = 17


class BerError(ValueError):
    """Malformed or truncated encoding (mapped to DecryptionError('format'))."""


class Tlv(NamedTuple):
    """One element's offsets (a NamedTuple: cheap to create by the thousand)."""
    cls: int
    constructed: bool
    tag: int
    start: int  # offset of the identifier octet
    cstart: int  # offset of the first content octet
    cend: int  # offset after the last content octet (EOC excluded)
    end: int  # offset after the whole element (EOC included)

    @property
    def indefinite(self) -> bool:
        return self.end != self.cend


class Reader:
    """Offset-only parser over one buffer; caches elements so indefinite
    lengths are walked once, and caps the element count against inputs that
    are cheap to send but expensive to walk."""

    MAX_ELEMENTS = 1_000_000

    def __init__(self, data) -> None:
        self.buf = memoryview(data)
        self._cache: dict[int, Tlv] = {}
        self._count = 0

    def read(self, pos: int = 0, limit: int | None = None, depth: int = 0) -> Tlv:
        """Parse one element starting at `pos`."""
        hit = self._cache.get(pos)
        if hit is not None and (limit is None or hit.end <= limit):
            return hit
        buf = self.buf
        if limit is None:
            limit = len(buf)
        if depth > MAX_DEPTH:
            raise BerError("nesting too deep")
        self._count += 1
        if self._count > self.MAX_ELEMENTS:
            raise BerError("too many elements")
        if pos + 2 > limit:
            raise BerError("truncated header")
        first = buf[pos]
        cls = first >> 6
        constructed = bool(first & 0x20)
        tag = first & 0x1F
        p = pos + 1
        if tag == 0x1F:
            tag = 0
            for _ in range(4):
                if p >= limit:
                    raise BerError("truncated tag")
                b = buf[p]
                p += 1
                tag = (tag << 7) | (b & 0x7F)
                if not b & 0x80:
                    break
            else:
                raise BerError("tag too long")
        if p >= limit:
            raise BerError("truncated length")
        lb = buf[p]
        p += 1
        if lb < 0x80:
            length = lb
        elif lb == 0x80:
            if not constructed:
                raise BerError("indefinite primitive")
            q = p
            while True:
                if q + 2 > limit:
                    raise BerError("missing end-of-contents")
                if buf[q] == 0 and buf[q + 1] == 0:
                    t = Tlv(cls, constructed, tag, pos, p, q, q + 2)
                    self._cache[pos] = t
                    return t
                q = self._skip(q, limit, depth + 1)
        else:
            n = lb & 0x7F
            if n == 0 or n > 4 or p + n > limit:
                raise BerError("bad length")
            length = int.from_bytes(buf[p:p + n], "big")
            p += n
        if p + length > limit:
            raise BerError("truncated content")
        t = Tlv(cls, constructed, tag, pos, p, p + length, p + length)
        self._cache[pos] = t
        return t

    def _skip(self, q: int, limit: int, depth: int) -> int:
        """End offset of the element at q; inline fast path for the thousands of
        small primitive chunks a streamed (indefinite-length) encoder emits."""
        buf = self.buf
        if q + 2 <= limit and not buf[q] & 0x20 and buf[q] & 0x1F != 0x1F:
            lb = buf[q + 1]
            if lb < 0x80:
                e = q + 2 + lb
            elif 0x81 <= lb <= 0x84 and q + 2 + (lb & 0x7F) <= limit:
                n = lb & 0x7F
                e = q + 2 + n + int.from_bytes(buf[q + 2:q + 2 + n], "big")
            else:
                return self.read(q, limit, depth).end
            if e > limit:
                raise BerError("truncated content")
            self._count += 1
            if self._count > self.MAX_ELEMENTS:
                raise BerError("too many elements")
            return e
        return self.read(q, limit, depth).end

    def children(self, parent: Tlv, depth: int = 0) -> list[Tlv]:
        if not parent.constructed:
            raise BerError("primitive has no children")
        out = []
        p = parent.cstart
        while p < parent.cend:
            child = self.read(p, parent.cend, depth + 1)
            out.append(child)
            p = child.end
        return out

    def octet_segments(self, t: Tlv, depth: int = 0) -> list[memoryview]:
        """Contents of a (possibly chunked) OCTET STRING as zero-copy views."""
        if not t.constructed:
            return [self.buf[t.cstart:t.cend]]
        if depth > MAX_DEPTH:
            raise BerError("nesting too deep")
        segs: list[memoryview] = []
        buf = self.buf
        p, end = t.cstart, t.cend
        # Fast path: primitive OCTET STRING chunks with definite length.
        while p + 2 <= end and buf[p] == 0x04:
            lb = buf[p + 1]
            if lb < 0x80:
                cs = p + 2
                ce = cs + lb
            elif 0x81 <= lb <= 0x84 and p + 2 + (lb & 0x7F) <= end:
                n = lb & 0x7F
                cs = p + 2 + n
                ce = cs + int.from_bytes(buf[p + 2:cs], "big")
            else:
                break
            if ce > end:
                raise BerError("truncated content")
            segs.append(buf[cs:ce])
            p = ce
        if p >= end:
            return segs
        rest = Tlv(t.cls, True, t.tag, t.start, p, end, end)
        for c in self.children(rest, depth):
            if c.cls != UNIVERSAL or c.tag != TAG_OCTET_STRING:
                raise BerError("bad octet string chunk")
            segs.extend(self.octet_segments(c, depth + 1))
        return segs

    def octets(self, t: Tlv) -> bytes:
        segs = self.octet_segments(t)
        return bytes(segs[0]) if len(segs) == 1 else b"".join(segs)

    def raw(self, t: Tlv) -> bytes:
        return bytes(self.buf[t.start:t.end])


def expect(t: Tlv, cls: int, tag: int, constructed: bool | None = None) -> Tlv:
    if t.cls != cls or t.tag != tag or (constructed is not None and t.constructed != constructed):
        raise BerError("unexpected element")
    return t


def oid_bytes(dotted: str) -> bytes:
    """Content octets of an OBJECT IDENTIFIER, for cheap comparisons."""
    arcs = [int(a) for a in dotted.split(".")]
    values = [arcs[0] * 40 + arcs[1]] + arcs[2:]
    out = bytearray()
    for v in values:
        chunk = [v & 0x7F]
        v >>= 7
        while v:
            chunk.append(0x80 | (v & 0x7F))
            v >>= 7
        out.extend(reversed(chunk))
    return bytes(out)
