"""Naskah Sandi: receiving classified official documents, step by step."""
import logging
import os

from flask import Flask, jsonify
from sqlalchemy import event, text

from .config import configure
from .extensions import csrf, db, htmx, login_manager, migrate

log = logging.getLogger("naskah")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def create_app(test_config=None):
    from .filemodes import private_folder, secure_umask
    secure_umask()  # everything written below (database, WAL, keys, restores) is owner-only
    app = Flask(__name__, instance_relative_config=True,
                template_folder=os.path.join(ROOT, "templates"),
                static_folder=os.path.join(ROOT, "static"),
                instance_path=(test_config or {}).get("INSTANCE_PATH") or os.environ.get("NASKAH_INSTANCE")
                or os.path.join(ROOT, "instance"))
    private_folder(app.instance_path)
    configure(app, test_config)

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(ROOT, "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)

    from .crypto.vault import load_or_create_master_key
    app.extensions["naskah_master_key"] = load_or_create_master_key(app)
    from .audit import load_key as load_audit_key
    app.extensions["naskah_audit_key"] = load_audit_key(app)

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _tune_sqlite(db.engine)

    from . import reqlog, resend, security, staticfiles, templating  # noqa: F401  (resend: SLA pause source)
    reqlog.init_app(app)
    staticfiles.init_app(app)
    security.init_app(app)
    from . import denials, siteurl, websessions
    denials.init_app(app)
    websessions.init_app(app)
    siteurl.init_app(app)
    templating.init_app(app)
    if app.config.get("PROXY_COUNT"):
        from werkzeug.middleware.proxy_fix import ProxyFix
        n = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n, x_prefix=n)

    from .errors import register_error_handlers
    register_error_handlers(app)

    from .views import register_blueprints
    register_blueprints(app)

    from .cli import register_cli
    register_cli(app)

    from .readonly import read_only

    @app.get("/healthz")
    @security.public
    @read_only
    def healthz():
        try:
            db.session.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001 - any database failure means "not healthy"
            db.session.rollback()
            return jsonify(status="error", database="tidak terjangkau"), 503
        return jsonify(status="ok", database="ok")

    return app


def _tune_sqlite(engine):
    """WAL, a busy timeout, foreign keys, and BEGIN IMMEDIATE so writers queue instead of failing
    (read-only views' GET requests begin deferred: naskah.readonly)."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, record):
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=FULL")
        cur.close()

    from .readonly import deferred_begin_allowed

    @event.listens_for(engine, "begin")
    def on_begin(conn):
        conn.exec_driver_sql("BEGIN" if deferred_begin_allowed() else "BEGIN IMMEDIATE")
