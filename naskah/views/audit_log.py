"""The audit trail, read-only, with filters, pages and a chain check."""
from flask import Blueprint, render_template, request

from .. import audit, auditview
from ..security import roles_required

bp = Blueprint("audit", __name__, url_prefix="/audit")
NAV = [("audit.index", "Jejak Audit", {"admin", "kasi"}, 90)]


@bp.get("/")
@roles_required("admin", "kasi")
def index():
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 1_000_000 else 1
    filters, errors = auditview.parse_filters(request.args)
    rows, total = ([], 0) if errors else auditview.search(filters, page)
    verified = audit.verify() if request.args.get("verify") == "1" else None
    return render_template("audit/index.html", rows=rows, page=page,
                           pages=max(1, -(-total // auditview.PER_PAGE)), total=total, verified=verified,
                           filters=filters, args=filters.args(), errors=errors,
                           actors=auditview.actor_choices(), actions=auditview.action_choices(),
                           doc_labels=auditview.document_labels(rows), details=auditview.readable_details,
                           label=auditview.action_label), 400 if errors else 200
