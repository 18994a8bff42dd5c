"""`/healthz`: 200 when the database answers, 503 otherwise (for the reverse proxy and monitoring)."""
from flask import jsonify
from sqlalchemy import text

from naskah.auth.guards import public
from naskah.core.dbtuning import read_only
from naskah.extensions import db


@public
@read_only
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        db.session.rollback()
        return jsonify(status="error", database="tidak terjangkau"), 503
    return jsonify(status="ok", database="ok")
