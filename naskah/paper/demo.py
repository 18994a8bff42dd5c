"""Demo set-up for the paper side: the office CA, the demo kasi's certificate, a drawn stamp.

Only `flask demo` uses this; a real office creates its CA with `flask pki init`, issues or
imports the kasi's certificate, and uploads its scanned stamp on the settings page.
"""
import io

from naskah.core import settings
from naskah.paper import esign
from naskah.paper import office as officesettings
from naskah.printing.render import FONT_FILES, FONTS_DIR


def stamp_png(top: str = "PEMERINTAH KOTA", middle: str = "DISKOMINFO", bottom: str = "PEKALONGAN") -> bytes:
    """A round violet office stamp on a transparent background."""
    from PIL import Image, ImageDraw, ImageFont
    size, ink = 360, (70, 40, 160, 215)
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.ellipse((8, 8, size - 8, size - 8), outline=ink, width=12)
    d.ellipse((70, 70, size - 70, size - 70), outline=ink, width=5)
    bold = ImageFont.truetype(str(FONTS_DIR / FONT_FILES["sans_bold"]), 26)
    small = ImageFont.truetype(str(FONTS_DIR / FONT_FILES["sans_bold"]), 22)
    for text, y, font in ((top, 36, small), (middle, size // 2 - 16, bold), (bottom, size - 62, small)):
        width = d.textlength(text, font=font)
        d.text(((size - width) / 2, y), text, fill=ink, font=font)
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
