"""The papers' faces are subsets of the full DejaVu faces (naskah/printing/fontsubset.py): written
by the script as committed, covering every character the paper templates use, with the full
faces' glyph widths, so a page lays out as it did with the full face."""
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from naskah.printing import fontsubset
from naskah.printing.render import FONT_FILES, FONTS_DIR, ROOT_DIR

FACES = sorted(FONT_FILES.values())
# What letters from Indonesian offices carry beyond ASCII: names and places with diacritics,
# typographic quotes and dashes, the degree and section signs, the checklist's marks.
SAMPLE = "ÀÁÂÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÖØÙÚÛÜÝàáâäåçèéêëìíîïñòóôöøùúûüýÿ ĞğİıŞş “”‘’–—…·•°§±×÷€ Rp ✓○●■□→№"


def test_the_committed_subsets_are_what_the_script_writes(tmp_path):
    written = fontsubset.write_all(out_dir=tmp_path)
    for path in written:
        name = path.relative_to(tmp_path)
        assert path.read_bytes() == (FONTS_DIR / name).read_bytes(), name


@pytest.mark.parametrize("face", FACES)
def test_a_subset_keeps_every_character_of_the_paper_templates_and_its_width(face):
    subset, full = TTFont(FONTS_DIR / face), TTFont(FONTS_DIR / Path(face).name)
    cmap, full_cmap = subset.getBestCmap(), full.getBestCmap()
    text = SAMPLE + "".join(p.read_text() for folder in ("print", "printing")
                            for p in (ROOT_DIR / "templates" / folder).glob("*.html"))
    wanted = {ord(ch) for ch in text if ord(ch) >= 0x20 and ord(ch) in full_cmap}
    assert sorted(cp for cp in wanted if cp not in cmap) == []
    assert len(subset.getGlyphOrder()) < 0.65 * len(full.getGlyphOrder())  # or no memory is saved
    widths, full_widths = subset["hmtx"].metrics, full["hmtx"].metrics
    for cp, glyph in cmap.items():
        assert widths[glyph][0] == full_widths[full_cmap[cp]][0], hex(cp)
