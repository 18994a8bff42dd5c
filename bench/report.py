"""The bench's table: targets, verdicts, the machine's description, and docs/benchmarks.md."""
import os
import platform
import sqlite3
import sys
from dataclasses import dataclass
from datetime import datetime, timezone


@dataclass
class Line:
    what: str
    target: str
    limit: float
    value: float
    shown: str
    higher_is_better: bool = False

    @property
    def met(self) -> bool:
        return self.value >= self.limit if self.higher_is_better else self.value <= self.limit

    @property
    def verdict(self) -> str:
        if self.value != self.value:  # NaN: not measured
            return "not measured"
        if self.met:
            return "met"
        if self.higher_is_better:
            return f"missed by {(1 - self.value / self.limit) * 100:.0f}% (below target)"
        return f"missed by {(self.value / self.limit - 1) * 100:.0f}% (over target)"


def machine() -> dict:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = "unknown"
    try:
        with open("/proc/meminfo") as fh:
            kb = int(fh.readline().split()[1])
            mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "nproc": os.cpu_count(),
            "memory": mem, "cpu": cpu, "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
            "os": platform.platform(terse=True)}


def table(lines: list[Line]) -> str:
    out = ["| what | target | measured | verdict |", "|---|---|---|---|"]
    out += [f"| {ln.what} | {ln.target} | {ln.shown} | {ln.verdict} |" for ln in lines]
    return "\n".join(out)


def details_table(rows: list[tuple]) -> str:
    out = ["| measurement | requests | median ms | p95 ms | server median ms | server p95 ms | req/s |",
           "|---|---|---|---|---|---|---|"]
    for name, r in rows:
        out.append(f"| {name} | {len(r.wall)} | {r.median():.1f} | {r.p95():.1f} | {r.median('server'):.1f} | "
                   f"{r.p95('server'):.1f} | {r.rps:.1f} |")
    return "\n".join(out)


def write_markdown(path: str, lines, details, info: dict, noise: dict, sizes: dict, database: str) -> None:
    m = machine()
    text = f"""# Benchmarks

`make bench` seeds a throw-away instance in a temporary directory, starts the real server
(`python -m naskah.serve`, waitress, as `make run` does) and measures it with concurrent HTTP
clients on loopback. The table below is from a real run; numbers from another machine differ,
the ratios (measured side by side in the same run) much less so.

## How to run

    make bench                                   # SQLite, full size (about 3-5 minutes)
    BENCH_SCALE=tiny make bench                  # a quick smoke run (does not write this file)
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench make bench   # an EMPTY database

`BENCH_CLIENTS` sets the number of concurrent clients (default 4), `BENCH_OUT` where the report
goes. The harness is `bench/run_bench.py` (orchestration), `bench/seed.py` (Core bulk inserts),
`bench/client.py` (stdlib HTTP client), `bench/report.py` (this file) and `bench/bench_printing.py`
(copy letter render and PAdES signing, in process).

Server time is the app's own request duration, sent back by the app as `Server-Timing: app;dur=`
(naskah/reqlog.py): from the first `before_request` to the last `after_request`, so routing,
session, queries and template rendering, without waitress and the socket.

## Result

Run on {m['date']}, database: {database}.

{table(lines)}

### Every measurement

{details_table(details)}

### Data

{", ".join(f"{k}: {v:,}" for k, v in sizes.items())}.

### Machine

| | |
|---|---|
| CPU | {m['cpu']} |
| cores (nproc) | {m['nproc']} |
| memory | {m['memory']} |
| OS | {m['os']} |
| Python | {m['python']} |
| SQLite | {m['sqlite']} |

### Noise

{noise['text']}

## Notes on the method

- Latency targets (board, transition, agenda search, document page) are measured with one client
  at a time, after a warm-up, over a fixed number of requests; the target is on the server
  time's p95. The same requests from all clients at once are listed as extra rows: the server is
  one Python process (waitress threads share one interpreter lock), so with four requests in
  flight each takes about four times as long; that is throughput, judged by the ratios.
- Ratios (board and transitions against `/healthz`) are throughput under the same concurrency,
  measured in the same run with the trivial endpoint measured just before and just after; the
  mean of the two `/healthz` runs is the denominator.
- Growth: the same board (500 cards) measured with 1,000 archived documents and again after the
  other 99,000 were added, server still running; ratio of the server-time medians.
- Transitions: htmx POSTs that write the document, append one audit event to the hash chain and
  answer with the two re-rendered columns out of band. One at a time: `register` (step 1 to 2,
  takes an agenda number) then `report` (2 to 3) of the same cryptograms. All clients at once
  (the ratio): `report` and `archive` (8 to 9) of other cards.
- 10 MB CMS: an AES-256-CBC EnvelopedData for an office identity (RSA 2048). App path:
  `naskah.decryption.decrypt_bytes` (loads the office keys from the vault, walks the CMS with the
  app's zero-copy reader, decrypts). Raw call: `cryptography`'s
  `pkcs7.pkcs7_decrypt_der(der, cert, key, [])` on the same bytes. Medians of interleaved runs.
- Copy letter PDF: measured both over HTTP (`/cetak/<id>/salinan.pdf` as the assigned sandiman:
  vault reads, audit event, WeasyPrint render) and in process by `bench/bench_printing.py`.
- Cold start: from spawning `python -m naskah.serve` to the first `200` from `/healthz`.
- RSS: `VmRSS` of the server process from `/proc/<pid>/status` after everything above.
"""
    with open(path, "w") as fh:
        fh.write(text)


def noise_text(healthz_runs, load_before, load_after) -> str:
    meds = [r.median() for r in healthz_runs if r.wall]
    p95s = [r.p95() for r in healthz_runs if r.wall]
    rps = [r.rps for r in healthz_runs if r.wall]
    return (f"Load average before the run: {load_before[0]:.2f} / {load_before[1]:.2f} / {load_before[2]:.2f} "
            f"(1/5/15 min), after: {load_after[0]:.2f} / {load_after[1]:.2f} / {load_after[2]:.2f}, on "
            f"{os.cpu_count()} cores shared with other users of the machine. `/healthz` was measured "
            f"{len(meds)} times during the run: median {min(meds):.1f}-{max(meds):.1f} ms, p95 "
            f"{min(p95s):.1f}-{max(p95s):.1f} ms, {min(rps):.0f}-{max(rps):.0f} requests/s "
            f"(spread {(max(rps) / min(rps) - 1) * 100:.0f}% between the fastest and the slowest run).")


def python_line() -> str:
    return sys.version.split()[0]
