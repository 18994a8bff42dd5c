"""cProfile of the board and of one transition, in process (the numbers in docs/benchmarks.md).

    .venv/bin/python bench/profile_board.py [--cards 500] [--archived 1000] [--requests 30] [--top 18]
                                            [--statements]

Seeds a throw-away SQLite instance with bench/seed.py, signs a sandiman in through the test
client and profiles `GET /papan` (the full page) and the htmx POSTs of `register`.
"""
import argparse
import cProfile
import io
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def top_lines(prof: cProfile.Profile, n: int, sort: str) -> str:
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    stats.strip_dirs().sort_stats(sort).print_stats(n)
    lines = [ln for ln in out.getvalue().splitlines() if ln.strip()]
    start = next(i for i, ln in enumerate(lines) if ln.lstrip().startswith("ncalls"))
    return "\n".join(lines[start - 1:start + n + 1])


def print_statements(app, client, requests: int) -> None:
    """Each distinct statement of `GET /papan`: time in the cursor and times per request."""
    from sqlalchemy import event

    from naskah.extensions import db
    with app.app_context():
        engine = db.engine
    seen = []

    def before(conn, cursor, statement, params, context, many):
        context._bench_start = time.perf_counter()

    def after(conn, cursor, statement, params, context, many):
        seen.append((time.perf_counter() - context._bench_start, " ".join(statement.split())[:110]))
    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    for _ in range(requests):
        client.get("/papan")
    event.remove(engine, "before_cursor_execute", before)
    event.remove(engine, "after_cursor_execute", after)
    by: dict[str, list] = {}
    for spent, text in seen:
        by.setdefault(text, [0.0, 0])
        by[text][0] += spent
        by[text][1] += 1
    total = sum(spent for spent, _ in seen) * 1000 / requests
    print(f"## SQL of GET /papan: {len(seen) / requests:.0f} statements, {total:.1f} ms per request\n")
    for text, (spent, n) in sorted(by.items(), key=lambda kv: -kv[1][0]):
        print(f"{spent * 1000 / requests:7.2f} ms {n / requests:4.1f}x  {text}")
    print()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=500)
    parser.add_argument("--archived", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--top", type=int, default=18)
    parser.add_argument("--statements", action="store_true",
                        help="also list the SQL statements of one board request, with their time")
    args = parser.parse_args()
    inst = tempfile.mkdtemp(prefix="naskah-prof-")
    os.environ.update({"NASKAH_INSTANCE": inst, "NASKAH_DAILY_CHECK": "0"})
    os.environ.pop("NASKAH_DATABASE_URL", None)
    try:
        return _run(args)
    finally:
        shutil.rmtree(inst, ignore_errors=True)


def _run(args) -> int:
    from flask_migrate import upgrade
    from seed import PASSWORD, Seeder, in_progress_steps
    from sqlalchemy import select

    from naskah import create_app
    from naskah.extensions import db
    from naskah.models import Document

    app = create_app()
    app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        upgrade()
        seeder = Seeder()
        seeder.users_and_blobs(20)
        seeder.documents(in_progress_steps(args.cards), archived_old=False)
        seeder.documents([9] * args.archived, archived_old=True)
        ones = db.session.execute(select(Document.id, Document.version).where(Document.step == 1)).all()
        db.session.remove()
    client = app.test_client()
    resp = client.post("/masuk", data={"username": "sandiman1", "password": PASSWORD})
    assert resp.status_code == 302, resp.status_code
    for _ in range(3):
        assert client.get("/papan").status_code == 200
    start = time.perf_counter()
    for _ in range(args.requests):
        client.get("/papan")
    plain = (time.perf_counter() - start) * 1000 / args.requests
    print(f"## GET /papan without the profiler: {plain:.1f} ms per request (test client, wall)\n")
    if args.statements:
        print_statements(app, client, args.requests)
    prof = cProfile.Profile()
    start = time.perf_counter()
    prof.enable()
    for _ in range(args.requests):
        client.get("/papan")
    prof.disable()
    per = (time.perf_counter() - start) * 1000 / args.requests
    print(f"## GET /papan, {args.cards} cards in progress: {per:.1f} ms per request under cProfile\n")
    print(top_lines(prof, args.top, "tottime"))
    print()
    print(top_lines(prof, args.top, "cumulative"))
    if os.environ.get("PROFILE_DETAIL"):
        pstats.Stats(prof).sort_stats("cumulative").print_stats(os.environ["PROFILE_DETAIL"], 40)
    if os.environ.get("PROFILE_CALLERS"):  # who calls a function, e.g. PROFILE_CALLERS=_get_user
        pstats.Stats(prof).strip_dirs().print_callers(os.environ["PROFILE_CALLERS"])
    prof = cProfile.Profile()
    hx = {"HX-Request": "true", "HX-Current-URL": "http://localhost/papan"}
    start = time.perf_counter()
    done = 0
    prof.enable()
    for doc_id, version in ones[:args.requests]:
        r = client.post(f"/dokumen/{doc_id}/aksi/register", data={"version": str(version)}, headers=hx)
        done += r.status_code == 200
    prof.disable()
    per = (time.perf_counter() - start) * 1000 / max(1, len(ones[:args.requests]))
    print(f"\n## POST register (htmx), {done} transitions: {per:.1f} ms each under cProfile\n")
    print(top_lines(prof, args.top, "cumulative"))
    if os.environ.get("PROFILE_DETAIL"):
        pstats.Stats(prof).sort_stats("cumulative").print_stats(os.environ["PROFILE_DETAIL"], 45)
    return 0


if __name__ == "__main__":
    sys.exit(main())
