"""The audit trail, read-only, with a chain check."""
from flask import Blueprint, render_template, request

from .. import audit
from ..extensions import db
from ..models import AuditEvent
from ..security import roles_required

bp = Blueprint("audit", __name__, url_prefix="/audit")
NAV = [("audit.index", "Jejak Audit", {"admin", "kasi"}, 90)]


@bp.get("/")
@roles_required("admin", "kasi")
def index():
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 1_000_000 else 1
    per_page = 50
    total = db.session.scalar(db.select(db.func.count(AuditEvent.id)))
    rows = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.seq.desc())
                              .limit(per_page).offset((page - 1) * per_page)).all()
    verified = None
    if request.args.get("verify") == "1":
        verified = audit.verify()
    return render_template("audit/index.html", rows=rows, page=page, pages=max(1, -(-total // per_page)),
                           total=total, verified=verified, details_of=audit.details_of)
