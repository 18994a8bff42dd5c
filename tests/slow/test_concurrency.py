"""20 clients move N documents through the real HTTP server at once.

Every sandiman and kasi account is signed in twice (two browsers), and both sessions try every
step of their documents: each opens the action form (reading the version) and submits it. Exactly
one submit per transition may win; the other must get a clear conflict (409), never a 500 or a
silent second write. Afterwards: every document archived, every transition audited exactly once,
agenda numbers 1..2N without duplicates or gaps, the audit chain intact.

NASKAH_CONCURRENCY_DOCS sets N (default 1000 in the slow run). SQLite: one server process
(WAL, busy timeout). PostgreSQL (NASKAH_TEST_DATABASE_URL): three server processes.
"""
import os
import re
import threading
import time
from collections import Counter, defaultdict
from datetime import datetime
from urllib.parse import urlsplit

import pytest

from naskah import create_app
from naskah.audit import chain as audit
from naskah.core.timeutil import WIB
from naskah.extensions import db
from naskah.models import AgendaEntry, AuditEvent, Document
from tests.conftest import PG_URL, make_config, reset_database
from tests.factories import PASSWORD, Factories, second_factor_code
from tests.slow.harness import Client, Server

pytestmark = pytest.mark.slow
N_DOCS = int(os.environ.get("NASKAH_CONCURRENCY_DOCS", "100"))
SANDIMAN_USERS, KASI_USERS = 8, 2            # x 2 sessions each = 20 clients
SANDIMAN_STEPS = {"A": ["register", "report"], "B": ["decrypt", "initial"], "C": ["number_copy", "deliver", "archive"]}
VERSION_RE = re.compile(r'name="version" type="hidden" value="(\d+)"')
CONFLICT_WORDS = ("telah diubah", "baru saja diubah", "sudah pada langkah")


def payload(action, sandiman_id):
    return {
        "register": {"attachments": "1 berkas"},
        "report": {"note": "mohon disposisi"},
        "assign": {"assignee_id": str(sandiman_id), "note": "segera"},
        "decrypt": {"plaintext": "Isi berita uji.", "addressee": "Wali Kota", "subject": "Uji",
                    "copy_index": "1", "copy_total": "1"},
        "initial": {"confirm": "y"},
        "sign": {"courier_id": str(sandiman_id)},
        "number_copy": {},
        "deliver": {"recipient_name": "Penerima", "delivered_at": _wib_now()},
        "archive": {"archive_cabinet": "L1", "archive_shelf": "R1", "archive_box": "B1", "archive_folder": "M1"},
    }[action]


def _wib_now() -> str:
    from naskah.core.timeutil import to_wib, utcnow
    return to_wib(utcnow()).strftime("%Y-%m-%dT%H:%M")


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.wins = Counter()
        self.statuses = Counter()
        self.errors = []

    def record(self, key, status, body=""):
        with self.lock:
            self.statuses[status] += 1
            if status == 302:
                self.wins[key] += 1
            elif status == 409:
                if not any(w in body for w in CONFLICT_WORDS):
                    self.errors.append(f"{key}: 409 without a clear message")
            else:
                self.errors.append(f"{key}: unexpected {status}")


def attempt(client, doc_id, action, data, tally):
    """Open the action form (reads the version), then submit it; the way a person does."""
    status, _, body = client.get(f"/dokumen/{doc_id}/aksi/{action}")
    if status == 409:  # already done by the other session: the form says so
        tally.record((doc_id, action), 409, body)
        return
    if status != 200:
        tally.record((doc_id, action), status)
        return
    client.read_csrf(body)
    version = VERSION_RE.search(body).group(1)
    status, _, body = client.post(f"/dokumen/{doc_id}/aksi/{action}", {**data, "version": version})
    tally.record((doc_id, action), status, body)


def run_parallel(jobs):
    errors = []

    def wrap(fn):
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 - surfaced in the assertion below
            errors.append(repr(exc))

    threads = [threading.Thread(target=wrap, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:5]


def scenario(tmp_path, database_url, processes):
    app = create_app(make_config(tmp_path / "setup", SQLALCHEMY_DATABASE_URI=database_url))
    reset_database(app)
    make = Factories(app)
    sandimans = [make.user("sandiman") for _ in range(SANDIMAN_USERS)]
    kasis = [make.user("kasi") for _ in range(KASI_USERS)]
    servers = [Server(tmp_path / "instance", database_url).start() for _ in range(processes)]
    timings = {}
    try:
        started = time.perf_counter()
        clients = {}
        n = 0
        for user in sandimans + kasis:
            totp = (lambda u=user: second_factor_code(u.username)) if user.role == "kasi" else None
            clients[user.username] = [Client(servers[(n + i) % processes]).login(user.username, PASSWORD, totp)
                                      for i in range(2)]
            n += 2
        timings["login"] = time.perf_counter() - started

        # Intake: each sandiman session receives its share of the N cryptograms.
        t0 = time.perf_counter()
        tally = Tally()
        now = datetime.now(WIB).strftime("%Y-%m-%dT%H:%M")
        sessions = [(u, c) for u in sandimans for c in clients[u.username]]

        def intake(k, user, client):
            for i in range(k, N_DOCS, len(sessions)):
                status, _, _ = client.post("/dokumen/baru", {
                    "sender_agency": f"Instansi {user.username}", "sender_ref_number": f"CC/{i}/2026",
                    "channel": "kurir", "classification": "R", "urgency": "segera", "received_at": now,
                    "cryptogram_text": f"KRIPTOGRAM {i} 48213 99812"})
                tally.record(("intake", i), status)
        run_parallel([lambda k=k, u=u, c=c: intake(k, u, c) for k, (u, c) in enumerate(sessions)])
        assert not tally.errors, tally.errors[:5]
        with app.app_context():
            owner = {d.id: int(d.sender_agency.rsplit("sandiman", 1)[1]) for d in db.session.scalars(db.select(Document))}
            by_name = {u.username: u for u in sandimans}
            owner = {doc_id: next(u for u in sandimans if u.username == f"sandiman{num}") for doc_id, num in owner.items()}
            db.session.remove()
        assert len(owner) == N_DOCS and by_name
        timings["intake"] = time.perf_counter() - t0

        def sandiman_phase(steps):
            def work(user, client):
                for doc_id in sorted(d for d, u in owner.items() if u.id == user.id):
                    for action in steps:
                        attempt(client, doc_id, action, payload(action, user.id), tally)
            run_parallel([lambda u=u, c=c: work(u, c) for u, c in sessions])

        def kasi_phase(action):
            docs = sorted(owner)

            def work(index, client):
                for doc_id in docs[index::KASI_USERS]:
                    attempt(client, doc_id, action, payload(action, owner[doc_id].id), tally)
            run_parallel([lambda i=i, c=c: work(i, c) for i, k in enumerate(kasis) for c in clients[k.username]])

        t0 = time.perf_counter()
        sandiman_phase(SANDIMAN_STEPS["A"])
        kasi_phase("assign")
        sandiman_phase(SANDIMAN_STEPS["B"])
        kasi_phase("sign")
        sandiman_phase(SANDIMAN_STEPS["C"])
        timings["workflow"] = time.perf_counter() - t0
        timings["total"] = time.perf_counter() - started
        timings["requests"] = sum(tally.statuses.values())
    finally:
        for server in servers:
            server.stop()

    assert not tally.errors, tally.errors[:10]
    assert tally.statuses[500] == 0
    actions = ["register", "report", "assign", "decrypt", "initial", "sign", "number_copy", "deliver", "archive"]
    for doc_id in owner:
        for action in actions:
            assert tally.wins[(doc_id, action)] == 1, (doc_id, action, tally.wins[(doc_id, action)])
    assert tally.statuses[409] > 0  # the races did happen
    with app.app_context():
        docs = db.session.scalars(db.select(Document)).all()
        assert len(docs) == N_DOCS and all(d.step == 9 for d in docs)
        assert {d.version for d in docs} == {docs[0].version}, {d.version for d in docs}
        assert all(d.assigned_to_id and d.paraf_by_id and d.signed_by_id and d.letter_number and d.archived_at
                   for d in docs)
        per_doc = defaultdict(Counter)
        for doc_id, action in db.session.execute(db.select(AuditEvent.document_id, AuditEvent.action)
                                                 .where(AuditEvent.document_id.is_not(None))):
            per_doc[doc_id][action] += 1
        expected = Counter({"document.receive": 1, **{f"step.{a}": 1 for a in actions}})
        bad = [d for d in owner if per_doc[d] != expected]
        assert not bad, (bad[:3], per_doc[bad[0]] if bad else None)
        numbers = sorted(db.session.scalars(db.select(AgendaEntry.number)))
        assert numbers == list(range(1, 2 * N_DOCS + 1))
        assert audit.verify()[0]
        db.session.remove()
        db.engine.dispose()
    print(f"\n[concurrency {urlsplit(database_url).scheme.split('+')[0]}] docs={N_DOCS} processes={processes} "
          + " ".join(f"{k}={v:.1f}s" if isinstance(v, float) else f"{k}={v}" for k, v in timings.items()))
    return timings


def test_twenty_clients_sqlite(tmp_path):
    scenario(tmp_path, f"sqlite:///{tmp_path}/concurrency.sqlite", processes=1)


@pytest.mark.skipif(not PG_URL.startswith("postgresql"), reason="PostgreSQL not configured")
def test_twenty_clients_postgresql_three_processes(tmp_path):
    scenario(tmp_path, PG_URL, processes=3)
