"""QR codes as PNG bytes / data URIs, so xhtml2pdf can embed them without temp files."""
from __future__ import annotations

import base64
import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M


def qr_png(text: str, *, box_size: int = 8, border: int = 2) -> bytes:
    """Return a black-on-white PNG of `text` (error correction M survives a stamp smudge)."""
    if not text:
        raise ValueError("QR text must not be empty")
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=border)
    qr.add_data(text)
    qr.make(fit=True)
    img = qr.make_image(fill_color="black", back_color="white")
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def qr_data_uri(text: str, **kwargs) -> str:
    """Return a data:image/png;base64 URI usable in <img src> for HTML and xhtml2pdf."""
    return "data:image/png;base64," + base64.b64encode(qr_png(text, **kwargs)).decode("ascii")
