"""The audit trail, read-only, with a chain check."""
from flask import Blueprint, render_template, request

from naskah.audit import chain as audit
from naskah.auth.guards import roles_required
from naskah.core.forms import page_number
from naskah.extensions import db
from naskah.models import AuditEvent

bp = Blueprint("audit", __name__, url_prefix="/audit")
NAV = [("audit.index", "Jejak Audit", {"admin", "kasi"}, 90)]


@bp.get("/")
@roles_required("admin", "kasi")
def index():
    page = page_number(request.args)
    per_page = 50
    total = db.session.scalar(db.select(db.func.count(AuditEvent.id)))
    rows = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.seq.desc())
                              .limit(per_page).offset((page - 1) * per_page)).all()
    verified = None
    if request.args.get("verify") == "1":
        verified = audit.verify()
    return render_template("audit/index.html", rows=rows, page=page, pages=max(1, -(-total // per_page)),
                           total=total, verified=verified, details_of=audit.details_of)
