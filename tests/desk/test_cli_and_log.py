"""The server log carries no per-request library noise; the command line speaks Indonesian (item 15)."""
import io
import logging
import os

from naskah import serve
from naskah.printing.render import FONTS_DIR


def test_font_subsetting_during_signing_leaves_no_log_lines(monkeypatch):
    from fontTools import subset
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", list(root.handlers))
    old_level = root.level
    try:
        serve.configure_logging()
        stream = io.StringIO()
        capture = logging.StreamHandler(stream)
        root.addHandler(capture)
        options = subset.Options()
        options.verbose = True          # as chatty as it gets: INFO lines from fontTools.subset
        font = subset.load_font(os.path.join(FONTS_DIR, "DejaVuSans.ttf"), options)
        sub = subset.Subsetter(options)
        sub.populate(text="Naskah Sandi")
        sub.subset(font)
        assert stream.getvalue() == ""
        logging.getLogger("naskah").info("tetap tercatat")
        assert "tetap tercatat" in stream.getvalue()
    finally:
        root.setLevel(old_level)
        for name in serve.QUIET_LIBRARIES:
            logging.getLogger(name).setLevel(logging.NOTSET)
