"""One JSON line per request on the `naskah.access` logger.

Only the method, the path WITHOUT its query string, the status, the duration, the user id and
the client address are logged: never form fields, query strings, headers or cookies, so no
password, code, key or decrypted text can reach a log file. The same duration goes back to the
client as `Server-Timing: app;dur=<ms>` (the bench reads it; browsers show it in their dev tools).
"""
import json
import logging
import time

from flask import g, request
from flask_login import current_user

log = logging.getLogger("naskah.access")


def _user_id():
    try:
        return current_user.id if current_user.is_authenticated else None
    except Exception:  # noqa: BLE001 - logging must never break a response (e.g. database down)
        return None


def init_app(app):
    @app.before_request
    def start_timer():
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response):
        started = g.get("request_started")
        duration = (time.perf_counter() - started) * 1000 if started else None
        if duration is not None:
            response.headers["Server-Timing"] = f"app;dur={duration:.1f}"
        record = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + "Z",
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round(duration, 1) if duration is not None else None,
            "user_id": _user_id(),
            "remote_addr": request.remote_addr,
        }
        log.info(json.dumps(record, separators=(",", ":")))
        return response


class JsonLineFormatter(logging.Formatter):
    """Access lines are already JSON; other records become JSON with level and logger."""

    def format(self, record):
        if record.name == "naskah.access":
            return record.getMessage()
        out = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"), "level": record.levelname,
               "logger": record.name, "message": record.getMessage()}
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, separators=(",", ":"))
