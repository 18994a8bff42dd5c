"""Restore validates and bounds every header field before any work (issue 12 item 14)."""
import json
import os
import subprocess
import sys

import pytest

from naskah.operations.backup import MAGIC
from tests.operations.test_backup import ENV, fresh_target, invoke

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _edit(path, out, **changes):
    data = path.read_bytes()
    line_end = data.index(b"\n", len(MAGIC))
    header = json.loads(data[len(MAGIC):line_end])
    for key, value in changes.items():
        if value is ...:
            header.pop(key)
        else:
            header[key] = value
    out.write_bytes(MAGIC + json.dumps(header).encode() + data[line_end:])
    return out


HOSTILE = [
    {"n": 2 ** 32}, {"n": 2 ** 22, "r": 8}, {"n": 3}, {"n": "32768"}, {"n": -1}, {"r": 10 ** 9}, {"p": 0},
    {"p": 10 ** 6}, {"salt": "!!!"}, {"salt": ""}, {"nonce_prefix": "AAAA"}, {"size": -1}, {"size": 2 ** 62},
    {"chunk": 2 ** 31}, {"sha256": "xyz"}, {"kdf": "argon2"}, {"n": ...}, {"salt": ...}, {"n": None},
    {"n": True}, {"r": 1.5},
]


def test_every_edited_header_is_refused_cleanly(app, make, tmp_path):
    make.document(step=2)
    path = tmp_path / "b.nsb"
    assert invoke(app, "backup", str(path)).exit_code == 0
    target = fresh_target(tmp_path, app)
    for i, change in enumerate(HOSTILE):
        bad = _edit(path, tmp_path / f"bad{i}.nsb", **change)
        result = invoke(target, "restore", str(bad))
        assert result.exit_code != 0, change
        assert "Kepala berkas cadangan" in result.output, (change, result.output)
        assert not isinstance(result.exception, (MemoryError, KeyError, TypeError, ValueError)), change


@pytest.mark.parametrize("raw", [MAGIC + b"{not json\n", MAGIC + b"x" * 9000, MAGIC + b"[1, 2]\n"])
def test_broken_header_lines(app, tmp_path, raw):
    bad = tmp_path / "x.nsb"
    bad.write_bytes(raw)
    result = invoke(app, "restore", str(bad))
    assert result.exit_code != 0 and "Kepala berkas cadangan" in result.output


def test_command_line_has_no_traceback(app, make, tmp_path):
    make.document(step=1)
    path = tmp_path / "b.nsb"
    assert invoke(app, "backup", str(path)).exit_code == 0
    bad = _edit(path, tmp_path / "n.nsb", n=2 ** 40)
    env = dict(os.environ, FLASK_APP="app", NASKAH_INSTANCE=str(tmp_path / "cli"),
               NASKAH_DATABASE_URL=f"sqlite:///{tmp_path / 'cli.sqlite'}", **ENV)
    done = subprocess.run([sys.executable, "-m", "flask", "restore", str(bad)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "Traceback" not in done.stderr + done.stdout
    assert "Kepala berkas cadangan tidak sah" in done.stderr
