"""Fixtures in the style of Flask's tutorial: app, client, runner, plus small factories.

The suite runs on SQLite by default; set NASKAH_TEST_DATABASE_URL (e.g.
postgresql+psycopg://postgres@127.0.0.1:5432/test) to run it against PostgreSQL.
"""
import base64
import os
import sys

import pytest
from sqlalchemy import text

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from naskah import create_app  # noqa: E402
from naskah.extensions import db  # noqa: E402
from tests import factories  # noqa: E402

PG_URL = os.environ.get("NASKAH_TEST_DATABASE_URL", "")
TEST_MASTER_KEY = base64.urlsafe_b64encode(b"k" * 32).decode()
TEST_AUDIT_KEY = "test-audit-chain-key"  # like the master key: apps of one test share their database's key
_pg_schema_ready = False


def pytest_report_header(config):
    return f"naskah database: {PG_URL or 'sqlite (per-test file)'}"


def make_config(tmp_path, **extra):
    cfg = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "MASTER_KEY": TEST_MASTER_KEY,
        "AUDIT_KEY": TEST_AUDIT_KEY,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SQLALCHEMY_DATABASE_URI": PG_URL or f"sqlite:///{tmp_path / 'test.sqlite'}",
        "WTF_CSRF_ENABLED": False,
        "BASE_URL": "http://localhost",  # the office address official links use (naskah.core.siteurl)
        "TRUSTED_HOSTS": ["localhost", "127.0.0.1", "192.168.1.10"],  # the host names it answers to
        "LOGIN_MAX_FAILURES": 5,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast in tests; scrypt in production
    }
    cfg.update(extra)
    return cfg


def reset_database(app):
    """SQLite: a fresh file per test. PostgreSQL: build the schema once, then truncate."""
    global _pg_schema_ready
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            if not _pg_schema_ready:
                db.drop_all()
                with db.engine.begin() as conn:
                    conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
                db.create_all()
                _pg_schema_ready = True
            names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            db.create_all()


def _app_for_test(tmp_path, **extra):
    """A fresh app and database for one test; the engine is disposed afterwards."""
    app = create_app(make_config(tmp_path, **extra))
    reset_database(app)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(tmp_path):
    yield from _app_for_test(tmp_path)


@pytest.fixture
def csrf_app(tmp_path):
    """An app with CSRF protection on, as in production."""
    yield from _app_for_test(tmp_path, WTF_CSRF_ENABLED=True)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield app


@pytest.fixture
def make(app):
    """Factories bound to the app: make.user('kasi'), make.document(step=5), ..."""
    return factories.Factories(app)
