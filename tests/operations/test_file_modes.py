"""Everything the app writes in the instance folder is 0600 in a 0700 folder; `flask check`
reports looser modes (issue 12 item 11)."""
import os
import stat

from naskah import create_app
from naskah.extensions import db
from tests.conftest import make_config


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_database_wal_and_keys_are_private(tmp_path):
    old = os.umask(0o022)  # a typical login shell
    try:
        instance = tmp_path / "instance"
        cfg = make_config(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{instance / 'naskah.sqlite'}")
        cfg.pop("SECRET_KEY"), cfg.pop("AUDIT_KEY")
        app = create_app(cfg)
        with app.app_context():
            db.create_all()
            db.session.execute(db.text("CREATE TABLE IF NOT EXISTS t (x)"))
            db.session.commit()
            files = [p for p in instance.iterdir()]
            assert {"naskah.sqlite", "naskah.sqlite-wal", "secret_key", "audit.key"} <= {p.name for p in files}
            assert _mode(instance) == 0o700
            for path in files:
                assert _mode(path) == 0o600, path.name
            db.engine.dispose()
    finally:
        os.umask(old)


def test_check_reports_looser_modes(app):
    loose = os.path.join(app.instance_path, "salinan.sqlite")
    with open(loose, "w") as fh:
        fh.write("x")
    os.chmod(loose, 0o644)
    result = app.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 1 and "salinan.sqlite" in result.output and "0o644" in result.output
