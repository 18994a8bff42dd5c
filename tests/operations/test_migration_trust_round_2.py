"""Issue 12's migration: existing audit chains keep verifying (then continue keyed), and the
plaintext SHA-256 of secret blobs is dropped for a keyed MAC."""
import hashlib
import os
from datetime import datetime, timezone

from sqlalchemy import create_engine, text

from naskah.audit import chain as audit
from naskah.models import AuditEvent
from tests.operations.test_migrations import _flask


def test_existing_chain_and_blobs_migrate(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.sqlite'}"
    assert _flask(tmp_path, "db", "upgrade", "5e1c8a0b7d42", url=url).returncode == 0
    at = datetime(2026, 11, 1, 3, 4, 5, tzinfo=timezone.utc)
    event = AuditEvent(seq=1, at=at, actor_id=None, actor_name="cli", action="user.create", document_id=None,
                       object_type=None, object_id=None, details="{}", prev_hash=audit.GENESIS)
    legacy = hashlib.sha256(audit._canonical(event)).hexdigest()  # the pre-key link
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO audit_head (id, seq, last_hash) VALUES (1, 1, :h)"), {"h": legacy})
        conn.execute(text("INSERT INTO audit_events (seq, at, actor_name, action, details, prev_hash, hash) "
                          "VALUES (1, '2026-11-01 03:04:05', 'cli', 'user.create', '{}', :g, :h)"),
                     {"g": audit.GENESIS, "h": legacy})
    assert _flask(tmp_path, "db", "upgrade", url=url).returncode == 0
    with engine.connect() as conn:
        assert conn.execute(text("SELECT keyed_from_seq FROM audit_head")).scalar_one() == 2
        columns = {row[1] for row in conn.execute(text("PRAGMA table_info(secret_blobs)"))}
    assert "sha256" not in columns and "mac" in columns
    verify = _flask(tmp_path, "audit", "verify", url=url)
    assert "OK: 1 kejadian" in verify.stdout, verify.stdout + verify.stderr
    assert _flask(tmp_path, "init", url=url).returncode == 0  # appends keyed events after the legacy one
    verify = _flask(tmp_path, "audit", "verify", url=url)
    assert "rantai HMAC utuh" in verify.stdout and "RUSAK" not in verify.stderr, verify.stderr
    assert os.path.exists(tmp_path / "audit.key")
    engine.dispose()
