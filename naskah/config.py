"""Configuration: defaults here, then instance/config.py, then NASKAH_* environment variables."""
import os
import secrets
from datetime import timedelta
from pathlib import Path

from naskah.core.dbtuning import sqlite_connect_args  # the writer queue's connection class
from naskah.core.filemodes import read_or_create
from naskah.core.siteurl import configure as configure_site


class Defaults:
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    # hide_parameters: SQL errors never carry row values (form text) into logs.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024          # whole request
    CRYPTOGRAM_MAX_BYTES = 12 * 1024 * 1024        # one uploaded cryptogram
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_NAME = "naskah_session"
    SESSION_COOKIE_SECURE = False                  # set True behind HTTPS (see README)
    REMEMBER_COOKIE_DURATION = timedelta(seconds=0)
    IDLE_TIMEOUT = timedelta(minutes=30)
    SESSION_ABSOLUTE_LIFETIME = timedelta(hours=10)
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=30)
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCK_MINUTES = 15
    LOGIN_PAIR_FREE_FAILURES = 3                   # per account AND address: free failures, then ...
    LOGIN_PAIR_BASE_DELAY = 2                      # ... this many seconds blocked, doubling per failure ...
    LOGIN_PAIR_MAX_DELAY = 900                     # ... up to 15 minutes
    LOGIN_PAIR_FORGET_SECONDS = 3600               # failures older than this are forgotten
    LOGIN_IP_MAX_FAILURES = 20                     # failed sign-ins (password or code) per address ...
    LOGIN_IP_WINDOW_SECONDS = 600                  # ... in this window, then 429 until it slides
    TWOFACTOR_REQUIRED_ROLES = ("kasi", "admin")
    PROXY_COUNT = 0                                # reverse proxies in front (ProxyFix); see docs/operations.md
    WTF_CSRF_TIME_LIMIT = None                     # the session lifetime bounds the token
    WTF_CSRF_HEADERS = ["X-CSRFToken"]
    BOARD_POLL_SECONDS = 8
    BOARD_PAGE_SIZE = 10        # cards per column before "tampilkan N lagi" (naskah/board.py)
    PAGE_SIZE = 25
    HSTS = False
    DAILY_CHECK_HOUR = 2                           # WIB hour after which the daily integrity check runs
    OFFICE_CITY = "Pekalongan"


def load_secret(instance_path: str, name: str, nbytes: int = 32) -> str:
    """Read an instance secret, creating it (mode 0600) on first use; never logged."""
    return read_or_create(Path(instance_path) / name, lambda: secrets.token_urlsafe(nbytes))


def configure(app, test_config=None):
    app.config.from_object(Defaults)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "naskah.sqlite")
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)
    url = os.environ.get("NASKAH_DATABASE_URL")
    if url and (test_config is None or "SQLALCHEMY_DATABASE_URI" not in test_config):
        app.config["SQLALCHEMY_DATABASE_URI"] = normalise_db_url(url)
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_db_url(app.config["SQLALCHEMY_DATABASE_URI"])
    for key in ("HOST", "PORT"):
        if os.environ.get(f"NASKAH_{key}"):
            app.config[key] = os.environ[f"NASKAH_{key}"]
    if os.environ.get("NASKAH_PROXY_COUNT", "").isdigit():
        app.config["PROXY_COUNT"] = int(os.environ["NASKAH_PROXY_COUNT"])
    if os.environ.get("NASKAH_SECURE_COOKIES") == "1":
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["HSTS"] = True
    configure_site(app)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ.get("NASKAH_SECRET_KEY") or load_secret(app.instance_path, "secret_key")
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": sqlite_connect_args(), "hide_parameters": True}


def normalise_db_url(url: str) -> str:
    """Accept plain postgres:// URLs and use the psycopg 3 driver for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
