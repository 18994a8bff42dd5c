"""`make bench` at a tiny size: seeds, serves, measures and prints every target line (about 15 s,
so it stays in the normal suite)."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_runs_at_tiny_size(tmp_path):
    out = tmp_path / "benchmarks.md"
    env = {**os.environ, "BENCH_SCALE": "tiny", "BENCH_OUT": str(out), "BENCH_PORT": "0", "BENCH_CLIENTS": "2"}
    env.pop("NASKAH_INSTANCE", None)
    proc = subprocess.run([sys.executable, "bench/run_bench.py"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    text = out.read_text()
    for line in ("cards in progress, p95 server time", "normal day", "step transitions", "20 at once",
                 "agenda search", "document page", "copy letter PDF", "bare xhtml2pdf", "bare pyHanko", "10 MB CMS",
                 "growth", "RSS", "cold start", "three server processes"):
        assert line in text and line in proc.stdout, line
    assert "not measured" not in text
    assert "| step transitions (htmx POST) | 0 |" not in text
