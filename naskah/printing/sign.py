"""PAdES signing and offline verification of printed letters (pyHanko).

The kasi signs the cover letter (surat pengantar) PDF exactly as printed; the
visible signature goes into the rectangle the template leaves empty. Verification
never fetches anything (intranet), and never raises on arbitrary uploads.
"""
from __future__ import annotations

import datetime as dt
import io
import logging
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509 as cx509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from .formatting import WIB, tanggal_jam, to_wib
from .render import COVER_SIGNATURE_BOX_MM, FONT_FILES, FONTS_DIR, MM_TO_PT

log = logging.getLogger(__name__)

#: Where the visible signature goes on page 1 of the cover letter, in mm from the
#: page's top-left corner: (left, top, width, height). Same on A4 and F4.
COVER_SIGNATURE_BOX_MM = COVER_SIGNATURE_BOX_MM
#: The same rectangle in PDF points for an A4 page: (page, x1, y1, x2, y2).
COVER_SIGNATURE_BOX_A4_PT: tuple


def cover_signature_box(page_height_pt: float, page: int = 0) -> tuple:
    """Signature rectangle (page, x1, y1, x2, y2) in PDF points (origin bottom-left)."""
    left, top, width, height = COVER_SIGNATURE_BOX_MM
    x1 = left * MM_TO_PT
    x2 = (left + width) * MM_TO_PT
    y2 = page_height_pt - top * MM_TO_PT
    y1 = y2 - height * MM_TO_PT
    return (page, round(x1, 2), round(y1, 2), round(x2, 2), round(y2, 2))


COVER_SIGNATURE_BOX_A4_PT = cover_signature_box(297 * MM_TO_PT)

WRONG_PASSPHRASE_MSG = "Frasa sandi salah atau berkas sertifikat rusak."  # noqa: S105 - a message, not a secret  # nosec B105


class SigningError(Exception):
    """Signing failed; the message is Indonesian and safe to show to the user."""


@dataclass
class VerifyResult:
    signed: bool = False
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    signer_name: str | None = None
    signing_time: dt.datetime | None = None
    covers_whole_document: bool = False
    revoked: bool = False
    summary: str = ""
    signer_serial: int | None = None
    signature_count: int = 0


# --------------------------------------------------------------------------- helpers

def _load_pyhanko() -> None:
    """Import pyHanko and make asn1crypto see the OIDs it registers.

    pyHanko adds names (e.g. signing_certificate_v2) to asn1crypto's OID maps at import time;
    asn1crypto caches a reverse map on first use, so if our CMS code ran first the new names
    would be missing. Clearing the caches makes them rebuild with pyHanko's entries.
    """
    import pyhanko.sign  # noqa: F401  (registers CAdES attributes and extensions)
    import pyhanko.sign.ades.cades_asn1  # noqa: F401
    from asn1crypto import algos, cms
    from asn1crypto import x509 as ax509
    for cls in (cms.CMSAttributeType, ax509.ExtensionId, algos.SignedDigestAlgorithmId):
        if cls._reverse_map is not None:
            cls._reverse_map = {name: oid for oid, name in cls._map.items()}

def _asn1_cert(cert):
    """cryptography/asn1crypto certificate -> asn1crypto (pyHanko's type), via DER."""
    from asn1crypto import x509 as ax509
    if isinstance(cert, ax509.Certificate):
        return cert
    return ax509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _asn1_key(key):
    from asn1crypto import keys as akeys
    if isinstance(key, akeys.PrivateKeyInfo):
        return key
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    return akeys.PrivateKeyInfo.load(der)


def _first_page_height(pdf: bytes) -> float:
    from pypdf import PdfReader
    return float(PdfReader(io.BytesIO(pdf)).pages[0].mediabox.height)


_STAMP_FONT: str | None = None


def _stamp_font_path() -> str:
    """DejaVu Sans rescaled to 1000 units/em and cut to Latin, cached in the temp dir.

    pyHanko 0.38 writes glyph widths (/W) and kerning in font units, which is
    only right for 1000-unit fonts; DejaVu uses 2048, giving stretched text.
    pyHanko parses and subsets the font for every signature: the full DejaVu
    takes most of the signing time, the Latin cut a small part of it.
    """
    global _STAMP_FONT
    if _STAMP_FONT and os.path.exists(_STAMP_FONT):
        return _STAMP_FONT
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    src = FONTS_DIR / FONT_FILES["sans"]
    target = Path(tempfile.gettempdir()) / f"naskah-stamp-latin-{src.stat().st_size}-{os.getuid()}.ttf"
    if not target.exists():
        from fontTools import subset
        tt = TTFont(str(src))
        options = subset.Options()
        options.layout_features = ["kern", "liga"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=[*range(0x20, 0x7F), *range(0xA0, 0x250), *range(0x2010, 0x2027), 0x20AC])
        subsetter.subset(tt)
        scale_upem(tt, 1000)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tt.save(str(tmp))
        os.replace(tmp, target)
    _STAMP_FONT = str(target)
    return _STAMP_FONT


def _stamp_style(qr: bool):
    from pyhanko.pdf_utils.layout import AxisAlignment, Margins, SimpleBoxLayoutRule
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import QRStampStyle, TextStampStyle

    try:  # embedded DejaVu needs pyHanko[opentype] (uharfbuzz, fonttools)
        from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
        font = GlyphAccumulatorFactory(_stamp_font_path(), font_size=9)
        text_style = TextBoxStyle(font=font, font_size=9, leading=11)
    except ImportError:  # fall back to pyHanko's built-in (non-embedded) Courier
        log.warning("pyHanko[opentype] missing: signature stamp font not embedded")
        text_style = TextBoxStyle(font_size=8, leading=10)
    text = ("Ditandatangani secara elektronik oleh:\n%(nama)s\nNIP %(nip)s\n%(waktu)s")
    common = dict(stamp_text=text, text_box_style=text_style, border_width=1,
                  background=None,
                  inner_content_layout=SimpleBoxLayoutRule(
                      x_align=AxisAlignment.ALIGN_MID, y_align=AxisAlignment.ALIGN_MID,
                      margins=Margins.uniform(3)))
    if qr:
        return QRStampStyle(**common)
    return TextStampStyle(**common)


# --------------------------------------------------------------------------- signing

def _outside_event_loop(fn, *args, **kwargs):
    """pyHanko calls asyncio.run(); if this thread already runs a loop, call it from another."""
    import asyncio
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args, **kwargs)
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args, **kwargs).result()


def sign_pdf(*args, **kwargs) -> bytes:
    """Sign with a PAdES signature; see _sign_pdf (safe to call from any thread)."""
    return _outside_event_loop(_sign_pdf, *args, **kwargs)


_SIGNER_CLASS = None


def _signer_class():
    """SimpleSigner that signs with an already loaded RSA key.

    pyHanko's SimpleSigner re-parses the private key for each raw signature (twice per PDF:
    a dry run to size the signature, then the real one), and OpenSSL 3 re-validates an RSA
    key on every parse, which costs more than the rest of the signing together.
    """
    global _SIGNER_CLASS
    if _SIGNER_CLASS is None:
        from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
        from pyhanko.sign import signers
        from pyhanko.sign.general import get_pyca_cryptography_hash

        class LoadedKeySigner(signers.SimpleSigner):
            loaded_key = None

            def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
                mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
                try:
                    algo = mechanism.signature_algo
                except ValueError:
                    algo = mechanism["algorithm"].native
                if self.loaded_key is not None and algo == "rsassa_pkcs1v15":
                    return self.loaded_key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
                return super().sign_raw(data, digest_algorithm)

        _SIGNER_CLASS = LoadedKeySigner
    return _SIGNER_CLASS


def _sign_pdf(pdf: bytes, *, key, cert, ca_chain: Iterable = (),
             field_name: str = "TandaTanganKasi", box: tuple | None = None,
             signer_name: str, signer_nip: str | None = None,
             reason: str = "Tanda tangan Kepala Seksi", location: str = "",
             qr_text: str | None = None, signing_time: dt.datetime | None = None) -> bytes:
    """Sign `pdf` with a visible PAdES (SHA-256) signature and return the new PDF.

    box = (page, x1, y1, x2, y2) in PDF points; default is the cover letter's
    signature rectangle on page 1. key/cert may be cryptography or asn1crypto objects.
    """
    _load_pyhanko()
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.fields import SigSeedSubFilter
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    try:
        if box is None:
            box = cover_signature_box(_first_page_height(pdf))
        page, x1, y1, x2, y2 = box
        now = to_wib(signing_time) if signing_time else dt.datetime.now(WIB)
        signer = _signer_class()(
            signing_cert=_asn1_cert(cert),
            signing_key=_asn1_key(key),
            cert_registry=SimpleCertificateStore.from_certs([_asn1_cert(c) for c in ca_chain]),
        )
        if isinstance(key, rsa.RSAPrivateKey):
            signer.loaded_key = key
        meta = signers.PdfSignatureMetadata(
            field_name=field_name, md_algorithm="sha256",
            subfilter=SigSeedSubFilter.PADES, reason=reason,
            location=location or None, name=signer_name,
        )
        spec = fields.SigFieldSpec(sig_field_name=field_name, on_page=int(page),
                                   box=(float(x1), float(y1), float(x2), float(y2)))
        pdf_signer = signers.PdfSigner(meta, signer=signer, stamp_style=_stamp_style(bool(qr_text)),
                                       new_field_spec=spec)
        params = {"nama": signer_name, "nip": signer_nip or "-", "waktu": tanggal_jam(now)}
        if qr_text:
            params["url"] = qr_text
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        out = pdf_signer.sign_pdf(writer, appearance_text_params=params)
        return out.getvalue()
    except SigningError:
        raise
    except Exception as exc:
        log.exception("signing failed")
        raise SigningError(f"Penandatanganan dokumen gagal: {exc}") from exc


def sign_pdf_with_p12(pdf: bytes, p12_bytes: bytes, passphrase: bytes, **kwargs) -> bytes:
    """Sign with the kasi's PKCS#12 file; wrong passphrase -> SigningError (Indonesian)."""
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(p12_bytes, passphrase)
    except Exception as exc:
        raise SigningError(WRONG_PASSPHRASE_MSG) from exc
    if key is None or cert is None:
        raise SigningError(WRONG_PASSPHRASE_MSG)
    chain = list(kwargs.pop("ca_chain", None) or []) or list(extra or [])
    return sign_pdf(pdf, key=key, cert=cert, ca_chain=chain, **kwargs)


# --------------------------------------------------------------------------- verification

def _cn(asn1_cert) -> str | None:
    try:
        return asn1_cert.subject.native.get("common_name")
    except Exception:
        return None


def _summary(r: VerifyResult) -> str:
    if not r.signed:
        return r.summary or "Dokumen tidak memiliki tanda tangan elektronik."
    who = f" oleh {r.signer_name}" if r.signer_name else ""
    when = f" pada {tanggal_jam(r.signing_time)}" if r.signing_time else ""
    if not r.intact:
        return f"Dokumen telah diubah setelah ditandatangani{who}; tanda tangan TIDAK SAH."
    if r.revoked:
        return f"Tanda tangan{who} memakai sertifikat yang telah dicabut; tanda tangan TIDAK SAH."
    if not r.valid:
        return f"Tanda tangan{who} tidak sah (kriptografis tidak valid)."
    if not r.trusted:
        return (f"Tanda tangan{who}{when} utuh, tetapi sertifikatnya tidak diterbitkan oleh "
                "otoritas sertifikat yang dipercaya.")
    tail = "" if r.covers_whole_document else " Catatan: ada perubahan setelah penandatanganan."
    return f"Tanda tangan SAH{who}{when}; dokumen utuh.{tail}"


def verify_pdf(pdf: bytes, trust_roots: Iterable = (), revoked_serials: Iterable[int] = (),
               crls: Iterable[bytes] = ()) -> VerifyResult:
    """Verify all signatures offline. Never raises: bad input gives signed=False."""
    result = VerifyResult()
    try:
        return _outside_event_loop(_verify, pdf, list(trust_roots), set(revoked_serials or ()),
                                   list(crls or ()))
    except Exception as exc:  # arbitrary uploads: never raise
        log.info("verify_pdf: unreadable input: %s", exc)
        looks_signed = isinstance(pdf, (bytes, bytearray)) and b"/ByteRange" in pdf
        result.signed = looks_signed
        result.summary = ("Dokumen bertanda tangan tetapi strukturnya rusak; tanda tangan "
                          "tidak dapat dipastikan." if looks_signed else
                          "Berkas bukan PDF yang dapat dibaca atau tidak bertanda tangan.")
        return result


def _verify(pdf: bytes, roots: list, revoked: set, crls: list) -> VerifyResult:
    _load_pyhanko()
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    if not isinstance(pdf, (bytes, bytearray)) or not bytes(pdf[:1024]).lstrip().startswith(b"%PDF"):
        return VerifyResult(summary="Berkas bukan dokumen PDF.")
    reader = PdfFileReader(io.BytesIO(bytes(pdf)), strict=False)
    sigs = list(reader.embedded_signatures)
    if not sigs:
        return VerifyResult(summary="Dokumen tidak memiliki tanda tangan elektronik.")
    result = VerifyResult(signed=True, intact=True, valid=True, trusted=True,
                          signature_count=len(sigs))
    for sig in sigs:
        vc = ValidationContext(trust_roots=[_asn1_cert(c) for c in roots],
                               crls=crls, allow_fetching=False, revocation_mode="soft-fail")
        try:
            status = validate_pdf_signature(sig, signer_validation_context=vc)
        except Exception as exc:
            log.info("signature %s unreadable: %s", sig.field_name, exc)
            result.intact = result.valid = result.trusted = False
            continue
        cert = status.signing_cert
        result.signer_name = _cn(cert) if cert is not None else None
        result.signer_serial = cert.serial_number if cert is not None else None
        ts = status.signer_reported_dt
        result.signing_time = to_wib(ts) if ts else None
        result.covers_whole_document = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        is_revoked = cert is not None and cert.serial_number in revoked
        result.revoked |= is_revoked
        result.intact &= bool(status.intact)
        result.valid &= bool(status.intact and status.valid) and not is_revoked
        result.trusted &= bool(status.trusted) and not is_revoked
    result.summary = _summary(result)
    return result


def load_cert(data: bytes) -> cx509.Certificate:
    """PEM or DER certificate -> cryptography object (for trust roots from settings)."""
    if b"-----BEGIN" in data:
        return cx509.load_pem_x509_certificate(data)
    return cx509.load_der_x509_certificate(data)


__all__ = [
    "COVER_SIGNATURE_BOX_MM", "COVER_SIGNATURE_BOX_A4_PT", "cover_signature_box",
    "SigningError", "VerifyResult", "WRONG_PASSPHRASE_MSG",
    "sign_pdf", "sign_pdf_with_p12", "verify_pdf", "load_cert",
]
