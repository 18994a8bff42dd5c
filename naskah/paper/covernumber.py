"""The cover letter's number: reserved from its register when the kasi signs (step 7).

A letter is numbered when it is signed. The number comes from the outgoing-letter register
(buku agenda surat keluar, counter book "keluar") inside the signing transaction, so a failed
signature gives the number back and no number is skipped. It is written into the frozen PDF's
empty "Nomor" field as an incremental update *before* the signature, so the signed bytes carry
it and the paraf'd revision stays byte for byte what the sandiman initialled.
"""
import io

from naskah.agenda import book as agenda
from naskah.core import settings
from naskah.core.errors import Conflict
from naskah.core.timeutil import to_wib
from naskah.printing.overlay import stamp_pdf
from naskah.printing.render import MM_TO_PT

COVER_BOOK = "keluar"
NUMBER_LABEL = "Nomor"
VALUE_OFFSET_MM = 26.0     # cover_letter.html: label column 22 mm + colon column 4 mm
NUMBER_FONT_PT = 11.0      # the body size of _base.html


def reserve(doc) -> str:
    """The next number of the year's outgoing register, formatted like every office letter."""
    year = to_wib(doc.signed_at).year
    doc.cover_number = settings.format_letter_number(agenda.next_number(year, COVER_BOOK), year)
    return doc.cover_number


def predict(signed_at) -> str:
    """The number reserve() would give a letter signed at `signed_at` now (read only): the
    signature is prepared over it before the transaction that reserves it."""
    year = to_wib(signed_at).year
    return settings.format_letter_number(agenda.last_number(year, COVER_BOOK) + 1, year)


def _label_position(pdf: bytes) -> tuple[float, float]:
    """(x, baseline y) in points of the "Nomor" label in the cover letter's heading, page 1."""
    from pypdf import PdfReader
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    found = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip() == NUMBER_LABEL:
            found.append((cm[4] + tm[4] * cm[0], cm[5] + tm[5] * cm[3]))
    page.extract_text(visitor_text=visit)
    if not found:
        raise Conflict("Kolom Nomor pada PDF surat pengantar tidak ditemukan; kembalikan untuk paraf ulang.")
    return max(found, key=lambda p: p[1])  # the topmost: the heading, not the table


def write_number(pdf: bytes, number: str) -> bytes:
    """`pdf` plus an incremental update that writes `number` in the Nomor field."""
    x, y = _label_position(pdf)
    return stamp_pdf(pdf, stamp_png=None, stamp_box_mm=(0, 0, 0, 0), lines=[number],
                     text_at_mm=(x / MM_TO_PT + VALUE_OFFSET_MM, 0), baseline_pt=y,
                     font_size=NUMBER_FONT_PT, face="serif")
