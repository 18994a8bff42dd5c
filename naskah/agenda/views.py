"""The digital agenda book: search, pagination, print view, corrections."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from naskah.agenda import book as agenda_q
from naskah.agenda.forms import CorrectionForm, filter_args, parse_filters, parse_period
from naskah.auth.guards import roles_required
from naskah.auth.sameorigin import same_origin_only
from naskah.core.dbtuning import read_only
from naskah.core.errors import DomainError
from naskah.core.forms import page_number
from naskah.core.timeutil import to_wib, utcnow
from naskah.extensions import db

bp = Blueprint("agenda", __name__, url_prefix="/agenda")
NAV = [("agenda.index", "Buku Agenda", {"sandiman", "kasi", "pejabat"}, 30)]
READERS = ("sandiman", "kasi", "pejabat")


@bp.get("/")
@roles_required(*READERS)
@read_only
def index():
    filters, errors = parse_filters(request.args)
    page = page_number(request.args)
    per_page = 25
    rows, total = agenda_q.search(**filters, page=page, per_page=per_page)
    pages = max(1, -(-total // per_page))
    # The print form's period comes back here when it was wrong (paper.views.prints): shown in
    # place, next to its field, never as a bare error page.
    period = request.args.get("periode")
    period_error = None
    if period is not None:
        try:
            parse_period(period)
        except DomainError as e:
            period_error = e.message
    return render_template("agenda/index.html", rows=rows, total=total, page=page, pages=pages,
                           filters=filters, args=filter_args(filters), errors=errors,
                           period_error=period_error, period=(period or "")[:20] if period_error else None), \
        (400 if period_error else 200)


@bp.get("/cetak")
@roles_required(*READERS)
@same_origin_only
def print_view():
    filters, errors = parse_filters(request.args)
    if not any(filters.values()):
        filters["year"] = to_wib(utcnow()).year
    label = ", ".join(f"{k}={v}" for k, v in filter_args(filters).items())
    rows, total = agenda_q.print_book(current_user, fmt="screen", label=label, **filters)
    db.session.commit()
    return render_template("agenda/print.html", rows=rows, total=total, filters=filters, errors=errors)


@bp.route("/<int:entry_id>/koreksi", methods=["GET", "POST"])
@roles_required("sandiman", "kasi")
def correct(entry_id):
    """A correction is a new numbered entry pointing at the one it corrects; nothing is edited."""
    original = agenda_q.get_entry(entry_id)
    form = CorrectionForm()
    if form.validate_on_submit():
        entry = agenda_q.correct(original, current_user, form.notes.data)
        db.session.commit()
        flash(f"Koreksi dicatat sebagai agenda {entry.label}.", "success")
        return redirect(url_for(".index"))
    return render_template("agenda/correct.html", form=form, original=original), 400 if form.errors else 200
