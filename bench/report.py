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


def result_block(lines, details, noise: dict, sizes: dict, database: str) -> str:
    """The measured part of docs/benchmarks.md: verdicts, every measurement, data, machine, load."""
    m = machine()
    return f"""Run on {m['date']}, database: {database}.

{table(lines)}

#### Every measurement

{details_table(details)}

#### Data

{", ".join(f"{k}: {v:,}" for k, v in sizes.items())}.

#### Machine

| | |
|---|---|
| CPU | {m['cpu']} |
| cores (nproc) | {m['nproc']} |
| memory | {m['memory']} |
| OS | {m['os']} |
| Python | {m['python']} |
| SQLite | {m['sqlite']} |

#### Noise

{noise['text']}
"""


def write_markdown(path: str, lines, details, info: dict, noise: dict, sizes: dict, database: str,
                   section: str = "sqlite") -> None:
    """Replace the text between <!-- bench:SECTION --> and <!-- /bench:SECTION --> in `path`
    (the prose around it is written by hand); a file without the markers gets them appended."""
    block = result_block(lines, details, noise, sizes, database)
    start, end = f"<!-- bench:{section} -->", f"<!-- /bench:{section} -->"
    try:
        with open(path) as fh:
            text = fh.read()
    except FileNotFoundError:
        text = "# Benchmarks\n"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        text = f"{head}{start}\n{block}{end}{tail}"
    else:
        text = f"{text.rstrip()}\n\n{start}\n{block}{end}\n"
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
