"""Put the office stamp (cap stempel) and a short note on an existing PDF page.

The page is drawn once with ReportLab (image + embedded DejaVu text) and painted over the
target page in an *incremental update* (pyHanko), so the bytes of a signed PDF stay as they
were: its signature still covers the signed revision and verifies as intact.
"""
from __future__ import annotations

import io

from naskah.printing.sign import _load_pyhanko

from .render import FONT_FILES, FONTS_DIR, MM_TO_PT, RenderError

_FONT = "NaskahOverlaySans"
_FONTS = {"sans": "NaskahOverlaySans", "serif": "NaskahOverlaySerif"}


def _font(face: str = "sans") -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    name = _FONTS[face]
    try:
        pdfmetrics.getFont(name)
    except KeyError:
        pdfmetrics.registerFont(TTFont(name, str(FONTS_DIR / FONT_FILES[face])))
    return name


def _overlay_page(width_pt: float, height_pt: float, stamp_png: bytes | None, stamp_box_mm,
                  lines: list[str], text_at_mm, qr_png: bytes | None, qr_box_mm,
                  font_size: float = 8.5, face: str = "sans", baseline_pt: float | None = None) -> bytes:
    """A transparent one-page PDF holding only the stamp image and the note lines."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(width_pt, height_pt), invariant=1)
    if stamp_png:
        left, top, w, h = stamp_box_mm
        c.drawImage(ImageReader(io.BytesIO(stamp_png)), left * MM_TO_PT,
                    height_pt - (top + h) * MM_TO_PT, w * MM_TO_PT, h * MM_TO_PT,
                    mask="auto", preserveAspectRatio=True, anchor="c")
    if qr_png:
        left, top, w, h = qr_box_mm
        c.drawImage(ImageReader(io.BytesIO(qr_png)), left * MM_TO_PT, height_pt - (top + h) * MM_TO_PT,
                    w * MM_TO_PT, h * MM_TO_PT)
    if lines:
        c.setFont(_font(face), font_size)
        x, top = text_at_mm
        y = baseline_pt if baseline_pt is not None else height_pt - top * MM_TO_PT - font_size
        for line in lines:
            c.drawString(x * MM_TO_PT, y, line)
            y -= font_size * 1.3
    c.showPage()
    c.save()
    return buf.getvalue()


def stamp_pdf(pdf: bytes, *, stamp_png: bytes | None, stamp_box_mm: tuple, lines: list[str] = (),
              text_at_mm: tuple = (20.0, 230.0), qr_png: bytes | None = None,
              qr_box_mm: tuple = (20.0, 182.0, 22.0, 22.0), page: int = 0, font_size: float = 8.5,
              face: str = "sans", baseline_pt: float | None = None) -> bytes:
    """Return `pdf` plus an incremental update that paints the stamp, a QR and `lines` on `page`.

    Boxes are in mm from the page's top-left corner: (left, top, width, height); text (left, top).
    """
    _load_pyhanko()
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pypdf import PdfReader

    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        box = PdfReader(io.BytesIO(pdf)).pages[page].mediabox
        overlay = _overlay_page(float(box.width), float(box.height), stamp_png, stamp_box_mm,
                                list(lines), text_at_mm, qr_png, qr_box_mm, font_size, face, baseline_pt)
        xobj = writer.import_page_as_xobject(PdfFileReader(io.BytesIO(overlay)), 0)
        name = f"/NaskahCap{pdf.count(b'/NaskahCap') or ''}"  # each overlay (number, stamp) its own name
        paint = writer.add_object(generic.StreamObject(stream_data=f"q {name} Do Q".encode()))
        resources = generic.DictionaryObject({
            pdf_name("/XObject"): generic.DictionaryObject({pdf_name(name): xobj})})
        writer.add_stream_to_page(page, writer.add_object(generic.StreamObject(stream_data=b"q")),
                                  prepend=True)
        writer.add_stream_to_page(page, writer.add_object(generic.StreamObject(stream_data=b"Q")))
        writer.add_stream_to_page(page, paint, resources)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
    except Exception as exc:  # noqa: BLE001 - any failure here is a print failure
        raise RenderError(f"Cap stempel tidak dapat dibubuhkan: {exc}") from exc
