"""Schema migrations: `flask init` builds the schema through Alembic; upgrades keep data."""
import os
import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _flask(instance, *args, url=None):
    env = dict(os.environ, NASKAH_INSTANCE=str(instance), FLASK_APP="app")
    env.pop("NASKAH_DATABASE_URL", None)
    if url:
        env["NASKAH_DATABASE_URL"] = url
    return subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_init_creates_schema_and_admin_once(tmp_path):
    first = _flask(tmp_path, "init")
    assert first.returncode == 0, first.stderr
    assert "kata sandi" in first.stdout and "admin" in first.stdout
    second = _flask(tmp_path, "init")
    assert second.returncode == 0 and "sudah ada" in second.stdout


def test_upgrade_keeps_data_and_matches_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.sqlite'}"
    base = _flask(tmp_path, "db", "upgrade", "639c1fe19d57", url=url)  # the first schema
    assert base.returncode == 0, base.stderr
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO users (id, username, full_name, role, password_hash, active, "
                          "must_change_password, failed_logins, session_epoch, created_at) VALUES "
                          "(1, 'lama', 'Pengguna Lama', 'sandiman', 'x', 1, 0, 0, 0, '2026-01-02 03:04:05')"))
        conn.execute(text("INSERT INTO agenda_entries (id, book, year, number, kind, received_on, sender, summary, "
                          "created_by_id, created_at) VALUES (1, 'masuk', 2026, 1, 'kriptogram', '2026-01-02', "
                          "'BSSN', 'kriptogram', 1, '2026-01-02 03:04:05')"))
    head = _flask(tmp_path, "db", "upgrade", url=url)
    assert head.returncode == 0, head.stderr
    with engine.connect() as conn:
        assert conn.execute(text("SELECT username FROM users")).scalar_one() == "lama"
        assert conn.execute(text("SELECT sender FROM agenda_entries")).scalar_one() == "BSSN"
        sys.path.insert(0, ROOT)
        import naskah.models  # noqa: F401  (registers every table)
        from naskah.core.search import is_search_object
        from naskah.extensions import db
        context = MigrationContext.configure(conn, opts={"include_name": lambda name, *_: not is_search_object(name)})
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations differ: {diff}"
    engine.dispose()


@pytest.mark.parametrize("statement", ["UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events"])
def test_migrated_audit_table_is_append_only(tmp_path, statement):
    url = f"sqlite:///{tmp_path / 'g.sqlite'}"
    assert _flask(tmp_path, "init", url=url).returncode == 0
    engine = create_engine(url)
    with engine.begin() as conn, pytest.raises(Exception, match="append-only"):
        conn.execute(text(statement))
    engine.dispose()
