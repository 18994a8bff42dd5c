"""The second person's page for Kasi rights: who asked, for whom, why; approve or refuse."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from naskah.auth import approvals
from naskah.auth.forms import DecisionForm
from naskah.auth.guards import roles_required
from naskah.core.errors import DomainError
from naskah.core.forms import CSRF_EXPIRED
from naskah.extensions import db
from naskah.models.approval import KasiApproval

bp = Blueprint("approvals", __name__, url_prefix="/persetujuan")
NAV = [("approvals.index", "Persetujuan", {"kasi", "pejabat"}, 75)]


@bp.get("/")
@roles_required("kasi", "pejabat")
def index():
    rows = approvals.pending_for_approver(current_user._get_current_object())
    return render_template("approvals/index.html", rows=rows, labels=approvals.KIND_LABELS)


@bp.post("/<int:approval_id>")
@roles_required("kasi", "pejabat")
def decide(approval_id):
    row = db.session.get(KasiApproval, approval_id)
    if row is None:
        abort(404)
    form = DecisionForm()
    if not form.validate_on_submit():
        flash("Pilih Setujui atau Tolak." if "csrf_token" not in form.errors
              else CSRF_EXPIRED, "error")
        return redirect(url_for(".index"))
    approve = form.approve
    try:
        password = approvals.decide(row, current_user._get_current_object(), approve)
        db.session.commit()
    except DomainError as e:
        db.session.rollback()
        if e.status == 403:
            abort(403)
        flash(e.message, "error")
        return redirect(url_for(".index"))
    if password:
        return render_template("approvals/password.html", row=row, password=password,
                               labels=approvals.KIND_LABELS)
    flash("Permintaan disetujui." if approve else "Permintaan ditolak.", "success")
    return redirect(url_for(".index"))
