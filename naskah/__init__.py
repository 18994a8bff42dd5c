"""Naskah Sandi: receiving classified official documents, step by step."""
import logging
import os

from flask import Flask

from naskah import (
    agenda,
    audit,
    auth,
    complaints,
    core,
    correspondents,
    decryption,
    intake,
    notifications,
    operations,
    paper,
    sla,
    workflow,
)
from naskah.audit import denials
from naskah.audit.chain import load_key as load_audit_key
from naskah.auth import websessions
from naskah.config import configure
from naskah.core import siteurl
from naskah.core.filemodes import private_folder, secure_umask
from naskah.core.vault import load_or_create_master_key
from naskah.extensions import csrf, db, htmx, init_migrate, login_manager

log = logging.getLogger("naskah")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The feature areas, in the order their init_app runs. Each registers its blueprints, workflow
# hooks, audit event labels, settings defaults, navigation entries and commands; nothing
# registers itself on import. Core first (templating, errors); areas that hook into the
# workflow after it.
AREAS = (core, auth, audit, agenda, correspondents, workflow, decryption, paper, complaints, sla, notifications, intake,
         operations)


def create_app(test_config=None, *, migrations=True):
    """The app. migrations=False (the server, naskah.operations.serve) leaves out Flask-Migrate
    and its `flask db` commands, which only the setup and the command line use."""
    secure_umask()  # everything written below (database, WAL, keys, restores) is owner-only
    app = Flask(__name__, instance_relative_config=True,
                template_folder=os.path.join(ROOT, "templates"),
                static_folder=os.path.join(ROOT, "static"),
                instance_path=(test_config or {}).get("INSTANCE_PATH") or os.environ.get("NASKAH_INSTANCE")
                or os.path.join(ROOT, "instance"))
    private_folder(app.instance_path)
    configure(app, test_config)

    db.init_app(app)
    if migrations:
        init_migrate(app, os.path.join(ROOT, "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    app.extensions["naskah_master_key"] = load_or_create_master_key(app)
    app.extensions["naskah_audit_key"] = load_audit_key(app)

    websessions.init_app(app)   # server-side sessions (issue 12)
    siteurl.init_app(app)       # refusal page for host names the office has not configured
    denials.init_app(app)       # every 403 is an audit event
    for area in AREAS:
        area.init_app(app)
    core.cli_i18n.indonesian_metavars(app.cli)  # after every area has added its commands
    return app
