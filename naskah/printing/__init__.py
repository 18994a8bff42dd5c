"""Printing and signing library (no database, no Flask): templates/print/* -> PDF."""
from .qr import qr_data_uri, qr_png  # noqa: F401
from .render import (  # noqa: F401
    COVER_SIGNATURE_BOX_MM,
    ENVELOPE_SIZES_MM,
    PAPER_SIZES_MM,
    RenderError,
    envelope_size_mm,
    page_count,
    page_sizes_pt,
    render_html,
    render_pdf,
)

# sign.py (pyHanko) is imported lazily by callers: `from naskah.printing.sign import ...`
