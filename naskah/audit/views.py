"""The audit trail, read-only, with filters, pages and a chain check."""
from flask import Blueprint, render_template, request

from naskah.audit import chain as audit
from naskah.audit import trail
from naskah.auth.guards import roles_required
from naskah.core.forms import page_number

bp = Blueprint("audit", __name__, url_prefix="/audit")
NAV = [("audit.index", "Jejak Audit", {"admin", "kasi"}, 90)]


@bp.get("/")
@roles_required("admin", "kasi")
def index():
    page = page_number(request.args)
    filters, errors = trail.parse_filters(request.args)
    rows, total = ([], 0) if errors else trail.search(filters, page)
    verified = audit.verify() if request.args.get("verify") == "1" else None
    return render_template("audit/index.html", rows=rows, page=page,
                           pages=max(1, -(-total // trail.PER_PAGE)), total=total, verified=verified,
                           filters=filters, args=filters.args(), errors=errors,
                           actors=trail.actor_choices(), actions=trail.action_choices(),
                           doc_labels=trail.document_labels(rows), details=trail.readable_details,
                           label=trail.action_label), 400 if errors else 200
