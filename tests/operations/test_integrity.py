"""`flask check`, the admin integrity page, and the once-a-day claim."""
import threading
from datetime import datetime

from sqlalchemy import text

from naskah.core.timeutil import WIB
from naskah.extensions import db
from naskah.models import AuditEvent, Document, SecretBlob
from naskah.operations import integrity, scheduler
from tests.factories import login


def run_cli(app):
    return app.test_cli_runner().invoke(args=["check"])


def test_clean_database_passes_and_report_is_stored(app, make):
    make.document(step=6)
    result = run_cli(app)
    assert result.exit_code == 0, result.output
    assert "SEMUA PEMERIKSAAN LULUS" in result.output
    with app.app_context():
        report = integrity.last_report()
        assert report["ok"] and {c["name"] for c in report["checks"]} >= {"database", "audit", "secrets", "cryptograms"}
        assert db.session.scalars(db.select(AuditEvent.action).order_by(AuditEvent.seq.desc())).first() == "integrity.check"


def test_tampered_secret_is_reported(app, make):
    doc_id = make.document(step=2)
    with app.app_context():
        blob_id = db.session.get(Document, doc_id).cryptogram_blob_id
        blob = db.session.get(SecretBlob, blob_id)
        blob.ciphertext = blob.ciphertext[:-1] + bytes([blob.ciphertext[-1] ^ 1])
        db.session.commit()
    result = run_cli(app)
    assert result.exit_code == 1
    assert f"SecretBlob {blob_id}" in result.output and f"naskah {doc_id}: kriptogram gagal dibuka" in result.output


def test_wrong_cryptogram_digest_is_reported(app, make):
    doc_id = make.document(step=1)
    with app.app_context():
        db.session.get(Document, doc_id).cryptogram_sha256 = "0" * 64
        db.session.commit()
    result = run_cli(app)
    assert result.exit_code == 1 and f"naskah {doc_id}: SHA-256 kriptogram tidak cocok" in result.output


def test_broken_audit_chain_is_reported(app, make):
    make.document(step=3)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            db.session.execute(text("DROP TRIGGER audit_events_no_update"))
        else:
            db.session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change"))
        db.session.execute(text("UPDATE audit_events SET details='{}' WHERE seq=2"))
        db.session.commit()
    result = run_cli(app)
    assert result.exit_code == 1 and "kejadian #2" in result.output
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_change"))
            db.session.commit()


def test_sqlite_foreign_key_damage_is_reported(app, make):
    make.document(step=1)
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            return
        raw = db.engine.raw_connection()
        try:
            cur = raw.cursor()
            cur.execute("PRAGMA foreign_keys=OFF")
            cur.execute("BEGIN")
            cur.execute("UPDATE documents SET created_by_id=9999")
            cur.execute("COMMIT")
            cur.execute("PRAGMA foreign_keys=ON")
        finally:
            raw.close()
    result = run_cli(app)
    assert result.exit_code == 1 and "foreign key" in result.output


def test_admin_page_shows_the_result_and_runs_it(app, client, make):
    admin = make.user("admin")
    login(client, admin)
    assert "Belum pernah dijalankan" in client.get("/admin/integritas").get_data(as_text=True)
    r = client.post("/admin/integritas/jalankan")
    assert r.status_code == 302
    page = client.get("/admin/integritas").get_data(as_text=True)
    assert "Semua pemeriksaan lulus" in page and "Rantai hash jejak audit" in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(
            AuditEvent.action == "integrity.check")) == 1


def test_only_one_claim_per_day_even_concurrently(app):
    results = []

    def claim():
        with app.app_context():
            results.append(scheduler.claim_day("2026-11-28"))

    threads = [threading.Thread(target=claim) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False] * 5 + [True]
    with app.app_context():
        assert scheduler.claim_day("2026-11-29") is True


def test_daily_run_waits_for_its_hour_and_runs_once(app):
    app.config["DAILY_CHECK_HOUR"] = 2
    assert scheduler.run_if_due(app, datetime(2026, 11, 28, 1, 30, tzinfo=WIB)) is None
    report = scheduler.run_if_due(app, datetime(2026, 11, 28, 2, 5, tzinfo=WIB))
    assert report is not None and report["trigger"] == "harian"
    assert scheduler.run_if_due(app, datetime(2026, 11, 28, 9, 0, tzinfo=WIB)) is None
    assert scheduler.run_if_due(app, datetime(2026, 11, 29, 3, 0, tzinfo=WIB)) is not None
