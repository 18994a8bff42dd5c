"""Demo set-up for the paper side: the office CA, the demo kasi's certificate, a drawn stamp.

Only `flask demo` uses this; a real office creates its CA with `flask pki init`, issues or
imports the kasi's certificate, and uploads its scanned stamp on the settings page.
"""
import io

from naskah.core import settings
from naskah.paper import esign
from naskah.paper import office as officesettings
from naskah.printing.render import FONT_FILES, FONTS_DIR

STAMP_SIZE = 360
STAMP_RINGS = ((8, 12), (70, 5))          # (inset from the edge, line width) of the outer and inner ring
TEXT_RADIUS = 141                          # arc text baseline: midway between the two rings


def _arc_text(img, text: str, font, ink, *, top: bool) -> None:
    """Write `text` along the band between the rings, each letter turned to follow the circle
    (Pillow draws only straight text; this places rotated glyphs one by one)."""
    from math import cos, radians, sin

    from PIL import Image, ImageDraw
    size = img.size[0]
    c = size / 2
    widths = [font.getlength(ch) for ch in text]
    total = sum(widths) + 2 * (len(text) - 1)
    span = total / TEXT_RADIUS * 57.2958  # degrees the text covers on the circle
    angle = -span / 2
    for ch, w in zip(text, widths, strict=True):
        mid = angle + (w / 2) / TEXT_RADIUS * 57.2958
        theta = radians(mid - 90 if top else 90 - mid)
        x, y = c + TEXT_RADIUS * cos(theta), c + TEXT_RADIUS * sin(theta)
        box = int(font.size * 1.6)
        glyph = Image.new("RGBA", (box, box), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((box / 2, box / 2), ch, fill=ink, font=font, anchor="mm")
        glyph = glyph.rotate(-mid if top else mid, resample=Image.BICUBIC)
        img.alpha_composite(glyph, (int(x - box / 2), int(y - box / 2)))
        angle += (w + 2) / TEXT_RADIUS * 57.2958


def stamp_png(top: str = "PEMERINTAH KOTA", middle: str = "DISKOMINFO", bottom: str = "PEKALONGAN",
              rings: bool = True) -> bytes:
    """A round violet office stamp on a transparent background; the texts stay inside their ring."""
    from PIL import Image, ImageDraw, ImageFont
    size, ink = STAMP_SIZE, (70, 40, 160, 215)
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    if rings:
        for inset, width in STAMP_RINGS:
            d.ellipse((inset, inset, size - inset, size - inset), outline=ink, width=width)
    bold = ImageFont.truetype(str(FONTS_DIR / FONT_FILES["sans_bold"]), 26)
    small = ImageFont.truetype(str(FONTS_DIR / FONT_FILES["sans_bold"]), 24)
    _arc_text(img, top, small, ink, top=True)
    _arc_text(img, bottom, small, ink, top=False)
    d.text((size / 2, size / 2), middle, fill=ink, font=bold, anchor="mm")
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def prepare(kasi, passphrase: str) -> None:
    """Create what the demo needs once; the demo password unlocks the kasi's certificate."""
    if esign.office_ca() is None:
        esign.init_ca(f"CA {settings.get('office_name')} (demo)", settings.get("office_government"))
    if esign.active_cert(kasi.id) is None:
        esign.issue(kasi.username, passphrase)
    if settings.get("office_stamp") is None:
        settings.set_value("office_stamp", officesettings.check_image(stamp_png(), "office_stamp"))
