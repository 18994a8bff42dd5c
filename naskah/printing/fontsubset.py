"""The faces the papers embed: DejaVu cut to the scripts and symbols an office's letters use.

reportlab parses the whole TrueType file of every face it registers and keeps it in memory for
the life of the server. DejaVu's full faces carry about 6,000 glyphs each (Armenian, Georgian,
Hebrew, Arabic, Braille ...): five of them cost 12.9 MB of the server's RSS, these four subsets
5 MB (the italic face was never used by any paper). The screen keeps the full faces
(static/fonts); the papers and their print views use static/fonts/print, written from them by

    .venv/bin/python -m naskah.printing.fontsubset

Kept: all of Latin (Basic, Latin-1, Extended A and B, IPA, spacing modifiers, combining marks,
Extended Additional), Greek and Cyrillic, punctuation, currency, letterlike symbols and number
forms, arrows, mathematical operators, enclosed alphanumerics, box drawing, geometric shapes,
miscellaneous symbols, dingbats, the Latin ligatures and U+FFFD. A glyph keeps its outline and
its width, so a page lays out exactly as it did with the full face.
"""
from pathlib import Path

from naskah.printing.render import FONT_FILES, FONTS_DIR

RANGES = (
    (0x0020, 0x007E), (0x00A0, 0x024F), (0x0250, 0x036F), (0x0370, 0x03FF), (0x0400, 0x04FF),
    (0x1E00, 0x1EFF), (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2100, 0x218F), (0x2190, 0x21FF),
    (0x2200, 0x22FF), (0x2460, 0x24FF), (0x2500, 0x25FF), (0x2600, 0x26FF), (0x2700, 0x27BF),
    (0xFB00, 0xFB06), (0xFFFD, 0xFFFD),
)


def unicodes() -> list[int]:
    return [cp for start, end in RANGES for cp in range(start, end + 1)]


def subset_face(source: Path, target: Path) -> None:
    """Write the subset of one face (deterministic: the source's timestamps are kept)."""
    from fontTools import subset
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_legacy = True
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.recommended_glyphs = True
    options.glyph_names = True
    options.drop_tables += ["FFTM"]  # FontForge's own timestamps: nothing reads them
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes())
    subsetter.subset(font)
    target.parent.mkdir(parents=True, exist_ok=True)
    subset.save_font(font, str(target), options)


def write_all(full_dir: Path = FONTS_DIR, out_dir: Path = FONTS_DIR) -> list[Path]:
    """Every face of FONT_FILES ("print/<name>.ttf") from the full face of the same name."""
    written = []
    for name in FONT_FILES.values():
        target = out_dir / name
        subset_face(full_dir / Path(name).name, target)
        written.append(target)
    return written


if __name__ == "__main__":
    for path in write_all():
        print(f"ditulis: {path} ({path.stat().st_size:,} bita)")
