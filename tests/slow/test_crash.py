"""Crash safety: SIGKILL the server in the middle of a stream of registrations.

Clients stream intake + register through the real server; the server is killed without warning
while requests are in flight, then started again on the same files. Every registration whose
HTTP answer (302) arrived must be there, the database must pass its integrity check, the agenda
must have no gap, and the audit chain must verify.
"""
import os
import re
import sqlite3
import threading
import time
from datetime import datetime

import pytest

from naskah import create_app
from naskah.audit import chain as audit
from naskah.core.timeutil import WIB
from naskah.extensions import db
from naskah.models import AgendaEntry, Document
from naskah.operations import integrity
from tests.conftest import make_config, reset_database
from tests.factories import PASSWORD, Factories
from tests.slow.harness import Client, Server

pytestmark = pytest.mark.slow
VERSION_RE = re.compile(r'name="version" type="hidden" value="(\d+)"')
STREAMS = 4


def test_sigkill_mid_stream_loses_no_acknowledged_registration(tmp_path):
    db_path = tmp_path / "crash.sqlite"
    url = f"sqlite:///{db_path}"
    app = create_app(make_config(tmp_path / "setup", SQLALCHEMY_DATABASE_URI=url))
    reset_database(app)
    users = [Factories(app).user("sandiman") for _ in range(STREAMS)]
    server = Server(tmp_path / "instance", url).start()
    acked_intake, acked_register, lock, stop = set(), set(), threading.Lock(), threading.Event()
    now = datetime.now(WIB).strftime("%Y-%m-%dT%H:%M")
    started = time.perf_counter()

    def stream(k, user):
        client = Client(server).login(user.username, PASSWORD)
        reader = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
        i = 0
        try:
            while not stop.is_set():
                ref = f"K{k}/{i}/2026"
                i += 1
                status, _, _ = client.post("/dokumen/baru", {
                    "sender_agency": "BSSN", "sender_ref_number": ref, "channel": "radio", "classification": "SR",
                    "urgency": "kilat", "received_at": now, "cryptogram_text": f"SANDI {ref}"})
                if status != 302:
                    return
                with lock:
                    acked_intake.add(ref)
                doc_id = reader.execute("SELECT id FROM documents WHERE sender_ref_number = ?", (ref,)).fetchone()[0]
                status, _, body = client.get(f"/dokumen/{doc_id}/aksi/register")
                client.read_csrf(body)
                version = VERSION_RE.search(body).group(1)
                status, _, _ = client.post(f"/dokumen/{doc_id}/aksi/register", {"version": version})
                if status == 302:
                    with lock:
                        acked_register.add(doc_id)
        except (OSError, ConnectionError, AttributeError, TypeError):
            return  # the server died under us: what was acknowledged so far is what counts
        finally:
            reader.close()

    threads = [threading.Thread(target=stream, args=(k, u)) for k, u in enumerate(users)]
    for t in threads:
        t.start()
    while len(acked_register) < 40 and time.perf_counter() - started < 60:
        time.sleep(0.05)
    time.sleep(0.13)  # land the kill somewhere inside a request
    server.kill()
    stop.set()
    for t in threads:
        t.join(30)
    killed_after = time.perf_counter() - started
    assert len(acked_register) >= 40, "the stream did not get going"
    assert not (tmp_path / "crash.sqlite-journal").exists()

    server = Server(tmp_path / "instance", url).start()
    try:
        client = Client(server).login(users[0].username, PASSWORD)
        status, _, _ = client.post("/dokumen/baru", {
            "sender_agency": "BSSN", "sender_ref_number": "AFTER/1", "channel": "radio", "classification": "R",
            "urgency": "biasa", "received_at": now, "cryptogram_text": "SETELAH RESTART"})
        assert status == 302  # the restarted server works
    finally:
        server.stop()

    with app.app_context():
        report = integrity.run_all()
        assert report["ok"], integrity.format_report(report)
        refs = set(db.session.scalars(db.select(Document.sender_ref_number)))
        assert acked_intake <= refs, f"lost intakes: {sorted(acked_intake - refs)[:5]}"
        registered = {d.id: d.agenda_number for d in db.session.scalars(db.select(Document))}
        lost = [d for d in acked_register if registered.get(d) is None]
        assert not lost, f"lost registrations: {lost[:5]}"
        numbers = sorted(db.session.scalars(db.select(AgendaEntry.number)))
        assert numbers == list(range(1, len(numbers) + 1))
        assert audit.verify()[0]
        db.session.remove()
        db.engine.dispose()
    print(f"\n[crash] acknowledged registrations={len(acked_register)} intakes={len(acked_intake)} "
          f"killed after {killed_after:.1f}s, total {time.perf_counter() - started:.1f}s; pid gone: "
          f"{not os.path.exists(f'/proc/{server.proc.pid}')}")
