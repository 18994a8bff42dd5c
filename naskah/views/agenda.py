"""The digital agenda book: search, pagination, print view, corrections."""
from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import agenda as agenda_q, audit
from ..errors import DomainError
from ..extensions import db
from ..forms import CorrectionForm
from ..models import AgendaEntry
from ..readonly import read_only
from ..security import roles_required
from ..timeutil import utcnow, to_wib
from ..sameorigin import same_origin_only

bp = Blueprint("agenda", __name__, url_prefix="/agenda")
NAV = [("agenda.index", "Buku Agenda", {"sandiman", "kasi", "pejabat"}, 30)]
READERS = ("sandiman", "kasi", "pejabat")


def _parse_filters(args):
    errors = []

    def as_date(name):
        value = args.get(name, "").strip()
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            errors.append(f"Tanggal tidak valid: {value[:20]} (gunakan format TTTT-BB-HH).")
            return None

    def as_int(name, lo, hi):
        value = args.get(name, "").strip()
        if not value:
            return None
        if not value.isdigit() or not lo <= int(value) <= hi:
            errors.append(f"Angka tidak valid untuk {name}.")
            return None
        return int(value)

    filters = {
        "number": as_int("number", 1, 10_000_000),
        "year": as_int("year", 2000, 2999),
        "sender": args.get("sender", "").strip()[:100] or None,
        "date_from": as_date("date_from"),
        "date_to": as_date("date_to"),
        "classification": args.get("classification", "") if args.get("classification", "") in ("SR", "R", "T", "B") else None,
    }
    return filters, errors


def _args(filters):
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in filters.items() if v}


@bp.get("/")
@roles_required(*READERS)
@read_only
def index():
    filters, errors = _parse_filters(request.args)
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1
    per_page = 25
    rows, total = agenda_q.search(**filters, page=page, per_page=per_page)
    pages = max(1, -(-total // per_page))
    return render_template("agenda/index.html", rows=rows, total=total, page=page, pages=pages,
                           filters=filters, args=_args(filters), errors=errors)


@bp.get("/cetak")
@roles_required(*READERS)
@same_origin_only
def print_view():
    filters, errors = _parse_filters(request.args)
    if not any(filters.values()):
        filters["year"] = to_wib(utcnow()).year
    rows, total = agenda_q.search(**filters, page=1, per_page=5000)
    audit.append("agenda.print", actor=current_user, details={"filters": _args(filters), "rows": len(rows)})
    db.session.commit()
    return render_template("agenda/print.html", rows=list(reversed(rows)), total=total, filters=filters,
                           errors=errors)


@bp.route("/<int:entry_id>/koreksi", methods=["GET", "POST"])
@roles_required("sandiman", "kasi")
def correct(entry_id):
    """A correction is a new numbered entry pointing at the one it corrects; nothing is edited."""
    original = db.session.get(AgendaEntry, entry_id)
    if original is None:
        raise DomainError("Entri agenda tidak ditemukan.")
    form = CorrectionForm()
    if form.validate_on_submit():
        now = utcnow()
        entry = agenda_q.add_entry(
            kind="koreksi", year=to_wib(now).year, received_on=to_wib(now).date(), sender=original.sender,
            actor=current_user, letter_number=original.letter_number, letter_date=original.letter_date,
            summary=f"koreksi atas agenda {original.label}", notes=form.notes.data.strip(),
            classification=original.classification, corrects=original)
        entry.document_id = original.document_id
        audit.append("agenda.correct", actor=current_user, document=original.document_id,
                     object_type="agenda", object_id=entry.id,
                     details={"corrects": original.label, "agenda": entry.label})
        db.session.commit()
        flash(f"Koreksi dicatat sebagai agenda {entry.label}.", "success")
        return redirect(url_for(".index"))
    return render_template("agenda/correct.html", form=form, original=original), 400 if form.errors else 200
