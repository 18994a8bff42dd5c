"""The server log carries no per-request library noise; the command line speaks Indonesian (item 15)."""
import io
import logging
import os
import re

from naskah.operations import serve
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


OURS_SKIP = {"db", "run", "shell", "routes"}   # Flask's and Flask-Migrate's own commands


def _walk(group, prefix=()):
    for name, command in group.commands.items():
        if not prefix and name in OURS_SKIP:
            continue
        yield prefix + (name,), command
        if hasattr(command, "commands"):
            yield from _walk(command, prefix + (name,))


def test_every_command_helps_in_indonesian(app):
    runner = app.test_cli_runner()
    english = re.compile(r"\b(the|and|or|of|with|every|from|into|Show|Create|Print)\b")
    for path, command in _walk(app.cli):
        text = (command.help or "").split("\n\n")[0]
        assert text and not english.search(text), f"{' '.join(path)}: {text!r}"
        out = runner.invoke(args=[*path, "--help"]).output
        assert "Penggunaan:" in out and "Tampilkan bantuan ini lalu keluar." in out and "[OPSI]" in out
        assert "Show this message" not in out


def test_usage_errors_in_indonesian(app):
    out = app.test_cli_runner().invoke(args=["user", "create"]).output
    assert "Galat:" in out and "belum diisi" in out and "Error" not in out
