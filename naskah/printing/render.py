"""Render print templates (templates/print/*.html) to HTML and PDF.

App-independent: callers pass plain dict contexts. The same template is used for
the browser print view (render_html) and for the PDF (render_pdf via xhtml2pdf).
"""
from __future__ import annotations

import base64
import io
import mimetypes
import threading
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from . import formatting as fmt
from .qr import qr_data_uri

ROOT_DIR = Path(__file__).resolve().parents[2]
TEMPLATES_DIR = ROOT_DIR / "templates" / "print"
FONTS_DIR = ROOT_DIR / "static" / "fonts"

MM_TO_PT = 72.0 / 25.4

#: Paper sizes in millimetres, portrait (width, height).
PAPER_SIZES_MM: dict[str, tuple[float, float]] = {
    "A4": (210.0, 297.0),
    "F4": (215.0, 330.0),  # "folio" paper used by Indonesian offices
    "A5": (148.0, 210.0),
    "A6": (105.0, 148.0),
}

#: Envelope sizes in millimetres (short side, long side); printed landscape.
#: "folio": the brown Indonesian "amplop folio", sold as 25 x 35 cm. It takes an
#: unfolded F4 letter (215 x 330 mm) with room to spare, which is what the cipher
#: section uses for copy letters that must not be folded.
#: "kabinet": the common Indonesian office envelope (~DL, 110 x 230 mm).
ENVELOPE_SIZES_MM: dict[str, tuple[float, float]] = {
    "C4": (229.0, 324.0),
    "C5": (162.0, 229.0),
    "DL": (110.0, 220.0),
    "folio": (250.0, 350.0),
    "kabinet": (110.0, 230.0),
}

ENVELOPE_KINDS = ("inner", "outer", "single")

#: Cover letter (surat pengantar) page-1 layout, mm from the TOP-LEFT corner of
#: the page: (left, top, width, height). Measured from the top so A4 and F4 share
#: it. The empty signature rectangle is where sign.py puts the visible signature.
COVER_SIGNATURE_BOX_MM = (115.0, 200.0, 75.0, 28.0)
COVER_LAYOUT_MM = {
    "content_bottom": 178.0,       # main text frame ends here on page 1
    "signer_title": (110.0, 181.0, 85.0, 18.0),
    "signature_box": COVER_SIGNATURE_BOX_MM,
    "signer_name": (110.0, 229.0, 85.0, 14.0),
    "paraf": (20.0, 208.0, 42.0, 18.0),
    "receiving": (20.0, 245.0, 170.0, 36.0),
}

# The papers' faces: subsets of the screen's full DejaVu faces (printing/fontsubset.py says why).
FONT_FILES = {
    "sans": "print/DejaVuSans.ttf",
    "sans_bold": "print/DejaVuSans-Bold.ttf",
    "serif": "print/DejaVuSerif.ttf",
    "serif_bold": "print/DejaVuSerif-Bold.ttf",
}

_LOCK = threading.Lock()


class RenderError(RuntimeError):
    """The PDF could not be produced (template or xhtml2pdf error)."""


# --------------------------------------------------------------------------- helpers

def resolve_page_size_mm(paper: str = "A4", orientation: str = "portrait",
                 size_mm: tuple[float, float] | None = None) -> tuple[float, float]:
    """Resolve (width, height) in mm from a paper name or explicit size + orientation."""
    if orientation not in ("portrait", "landscape"):
        raise ValueError(f"unknown orientation {orientation!r}")
    if size_mm is not None:
        w, h = (float(size_mm[0]), float(size_mm[1]))
    else:
        key = paper.upper() if paper.upper() in PAPER_SIZES_MM else paper
        if key not in PAPER_SIZES_MM:
            raise ValueError(f"unknown paper {paper!r}")
        w, h = PAPER_SIZES_MM[key]
    if w <= 0 or h <= 0:
        raise ValueError("page size must be positive")
    short, long_ = min(w, h), max(w, h)
    return (long_, short) if orientation == "landscape" else (short, long_)


def envelope_size_mm(name: str) -> tuple[float, float]:
    """Envelope size by name (C4, C5, DL, folio, kabinet) for page_size_mm=."""
    try:
        return ENVELOPE_SIZES_MM[name]
    except KeyError:
        raise ValueError(f"unknown envelope size {name!r}") from None


def _img_src(value) -> str:
    """Turn a path / bytes / data URI into a data URI so no file access is needed at render."""
    if not value:
        return ""
    if isinstance(value, (bytes, bytearray)):
        head = bytes(value[:256]).lstrip()
        mime = "image/svg+xml" if head.startswith((b"<svg", b"<?xml")) else "image/png"  # an SVG office logo
        return f"data:{mime};base64," + base64.b64encode(bytes(value)).decode("ascii")
    text = str(value)
    if text.startswith("data:"):
        return text
    path = Path(text)
    mime = mimetypes.guess_type(path.name)[0] or "image/png"
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RenderError(f"Gambar tidak dapat dibaca: {path.name}") from exc
    return f"data:{mime};base64," + base64.b64encode(data).decode("ascii")


def _paragraphs(text) -> list[Markup]:
    """Split a decrypted message into paragraphs, keeping line breaks and indentation."""
    if not text:
        return []
    text = str(text).replace("\r\n", "\n").replace("\r", "\n").expandtabs(4)
    blocks, current = [], []
    for line in text.split("\n"):
        if line.strip():
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    out = []
    for block in blocks:
        lines = []
        for line in block:
            stripped = line.lstrip(" ")
            indent = len(line) - len(stripped)
            # Only a literal entity is marked safe; the text itself goes through escape().
            lines.append(Markup("&#160;" * indent) + escape(stripped.rstrip()))  # noqa: S704  # nosec B704
        out.append(Markup("<br/>").join(lines))
    return out


def _font_urls(base_url: str | None) -> dict[str, str]:
    if base_url:
        base = base_url.rstrip("/") + "/"
        return {k: base + v for k, v in FONT_FILES.items()}
    return {k: str(FONTS_DIR / v) for k, v in FONT_FILES.items()}


def _make_env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters.update(
        tanggal=fmt.tanggal,
        tanggal_singkat=fmt.tanggal_singkat,
        jam=fmt.jam,
        tanggal_jam=fmt.tanggal_jam,
        hari_tanggal=fmt.hari_tanggal,
        hari_tanggal_terbilang=fmt.hari_tanggal_terbilang,
        kalimat=fmt.kalimat,
        terbilang=fmt.terbilang,
        klasifikasi=fmt.classification_label,
        kode_klasifikasi=fmt.classification_code,
        img_src=_img_src,
        paragraphs=_paragraphs,
    )
    env.globals["cover_layout"] = COVER_LAYOUT_MM
    env.globals.update(
        tempat_tanggal=fmt.tempat_tanggal,
        is_red=fmt.is_red,
        qr_data_uri=_qr_data_uri,
    )
    return env



def _qr_data_uri(text) -> str:
    return qr_data_uri(str(text)) if text else ""


_ENV = _make_env()


def _validate(template_name: str, context: dict) -> None:
    """Refuse contexts that would print something the rules forbid."""
    if template_name == "envelope.html":
        kind = context.get("kind")
        if kind not in ENVELOPE_KINDS:
            raise ValueError(f"envelope kind must be one of {ENVELOPE_KINDS}, got {kind!r}")
        if kind == "single" and fmt.is_red(context.get("classification")):
            raise ValueError("SR/R letters need a double envelope (inner + outer), not 'single'")


# --------------------------------------------------------------------------- public API

def render_html(template_name: str, context: dict, *, paper: str = "A4",
                orientation: str = "portrait",
                page_size_mm: tuple[float, float] | None = None,
                font_base_url: str | None = None, for_pdf: bool = False) -> str:
    """Render a print template to HTML.

    For the browser print view pass font_base_url (e.g. "/static/fonts"); the PDF
    path uses absolute font file paths instead.
    """
    _validate(template_name, context)
    width, height = resolve_page_size_mm(paper, orientation, page_size_mm)
    ctx = dict(context)
    ctx["_page"] = {
        "width_mm": width,
        "height_mm": height,
        "landscape": width > height,
        "paper": paper,
    }
    ctx["_fonts"] = _font_urls(None if for_pdf else font_base_url)
    ctx["_for_pdf"] = for_pdf
    try:
        return _ENV.get_template(template_name).render(ctx)
    except RenderError:
        raise
    except Exception as exc:  # template missing, bad context...
        raise RenderError(f"Templat {template_name} gagal dirender: {exc}") from exc


def render_pdf(template_name: str, context: dict, *, paper: str = "A4",
               orientation: str = "portrait",
               page_size_mm: tuple[float, float] | None = None,
               deterministic: bool = False) -> bytes:
    """Render a print template to PDF bytes with xhtml2pdf.

    Local file access during rendering is confined to the templates and font
    directories, with no network: images come in as data URIs (see img_src).
    deterministic=True fixes timestamps and document IDs (useful for tests/hashes).
    """
    from reportlab import rl_config
    from reportlab.platypus.tables import CellStyle
    from xhtml2pdf import pisa
    from xhtml2pdf.config.resources import ResourceAccessPolicy

    html = render_html(template_name, context, paper=paper, orientation=orientation,
                       page_size_mm=page_size_mm, for_pdf=True)
    policy = ResourceAccessPolicy.server(
        TEMPLATES_DIR, extra_roots=(FONTS_DIR,), allow_remote=False,
        max_render_seconds=120, max_document_bytes=50 * 1024 * 1024,
    )
    out = io.BytesIO()
    with _LOCK:
        old = rl_config.invariant, rl_config.canvas_basefontname, CellStyle.fontname
        rl_config.invariant = 1 if deterministic else old[0]
        # ReportLab starts every page and every table cell with Helvetica, which
        # is never embedded; use an embedded DejaVu face so no font is left out.
        rl_config.canvas_basefontname = CellStyle.fontname = _base_font()
        try:
            status = pisa.CreatePDF(html, dest=out, encoding="utf-8",
                                    path=str(TEMPLATES_DIR / template_name),
                                    resource_policy=policy)
        except Exception as exc:
            raise RenderError(f"PDF {template_name} gagal dibuat: {exc}") from exc
        finally:
            rl_config.invariant, rl_config.canvas_basefontname, CellStyle.fontname = old
    if getattr(status, "err", 0):
        raise RenderError(f"PDF {template_name} gagal dibuat ({status.err} galat xhtml2pdf)")
    data = out.getvalue()
    if not data.startswith(b"%PDF"):
        raise RenderError(f"PDF {template_name} kosong")
    return data


def _base_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    name = "NaskahDejaVuSerif"
    try:
        pdfmetrics.getFont(name)
    except KeyError:
        pdfmetrics.registerFont(TTFont(name, str(FONTS_DIR / FONT_FILES["serif"])))
    return name


def page_count(pdf_bytes: bytes) -> int:
    """Number of pages in a PDF."""
    from pypdf import PdfReader
    return len(PdfReader(io.BytesIO(pdf_bytes)).pages)


def page_sizes_pt(pdf_bytes: bytes) -> list[tuple[float, float]]:
    """(width, height) of each page in points, for checks and signature placement."""
    from pypdf import PdfReader
    reader = PdfReader(io.BytesIO(pdf_bytes))
    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]


__all__ = [
    "RenderError", "render_html", "render_pdf", "page_count", "page_sizes_pt",
    "resolve_page_size_mm", "envelope_size_mm", "PAPER_SIZES_MM", "ENVELOPE_SIZES_MM",
    "ENVELOPE_KINDS", "MM_TO_PT", "TEMPLATES_DIR", "FONTS_DIR", "COVER_SIGNATURE_BOX_MM",
]
