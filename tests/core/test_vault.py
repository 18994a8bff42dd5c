"""Envelope encryption at rest."""
import base64
import os

import pytest

from naskah.core import vault
from naskah.extensions import db
from naskah.models import SecretBlob
from naskah.operations import masterkey


def test_round_trip_and_no_plaintext_stored(app):
    with app.app_context():
        blob = vault.store(b"RAHASIA-NEGARA-12345", "plaintext")
        db.session.commit()
        assert vault.load(blob) == b"RAHASIA-NEGARA-12345"
        raw = db.session.get(SecretBlob, blob.id)
        assert b"RAHASIA" not in raw.ciphertext and b"RAHASIA" not in raw.wrapped_key


def test_raw_sqlite_file_has_no_trace(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("file check is for SQLite; PostgreSQL is covered by the table check")
    with app.app_context():
        vault.store(b"JEJAK-YANG-TIDAK-BOLEH-ADA", "plaintext")
        db.session.commit()
        path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    data = b"".join(open(p, "rb").read() for p in (path, path + "-wal") if os.path.exists(p))
    assert b"JEJAK-YANG-TIDAK-BOLEH-ADA" not in data


def test_purpose_is_bound(app):
    with app.app_context():
        blob = vault.store(b"x", "plaintext")
        blob.purpose = "letters"
        with pytest.raises(vault.VaultError):
            vault.load(blob)


def test_wrong_master_key_cannot_open(app):
    with app.app_context():
        blob = vault.store(b"x", "plaintext")
        app.extensions["naskah_master_key"] = os.urandom(32)
        with pytest.raises(vault.VaultError):
            vault.load(blob)


def test_rewrap_keeps_every_secret_readable(app):
    with app.app_context():
        blob = vault.store(b"tetap terbaca", "plaintext")
        old = app.extensions["naskah_master_key"]
        new = os.urandom(32)
        assert masterkey.rewrap(old, new) == 1
        app.extensions["naskah_master_key"] = new
        assert vault.load(blob) == b"tetap terbaca"


def test_master_key_file_mode(tmp_path):
    from naskah import create_app
    from tests.conftest import make_config
    cfg = make_config(tmp_path)
    del cfg["MASTER_KEY"], cfg["SECRET_KEY"]
    app = create_app(cfg)
    path = vault.master_key_path(app)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert len(base64.urlsafe_b64decode(path.read_text())) == 32
    assert oct((tmp_path / "instance" / "secret_key").stat().st_mode & 0o777) == "0o600"
