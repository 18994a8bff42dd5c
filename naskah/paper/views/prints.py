"""Print endpoints: each paper as PDF (`.pdf`) or as a browser print view (same template)."""

from flask import Blueprint, redirect, request, url_for
from flask_login import current_user

from naskah.agenda import book as agenda_book_q
from naskah.agenda.forms import parse_period
from naskah.audit.chain import head_fingerprint
from naskah.auth.guards import roles_required
from naskah.auth.sameorigin import same_origin_only
from naskah.core.errors import DomainError
from naskah.core.timeutil import to_wib, utcnow
from naskah.paper import letters, printview
from naskah.paper import print_rules as prints
from naskah.workflow import documents

bp = Blueprint("printing", __name__, url_prefix="/cetak")
WORKERS = ("sandiman", "kasi")


def _emit(printed: prints.Printed, fmt: str, doc_id: int, endpoint: str, **args):
    """Commit the print's audit event, then hand out the bytes or the page."""
    return printview.emit(
        fmt, printed.template, printed.context, pdf=printed.pdf, **(printed.kw or {}),
        filename=printed.filename, back_url=url_for("documents.show", doc_id=doc_id),
        pdf_url=url_for(endpoint, doc_id=doc_id, fmt="pdf", **args),
        failure="Dokumen tidak dapat dicetak. Periksa pengaturan kantor atau hubungi administrator.")


def _fmt(fmt: str) -> str:
    if fmt not in ("pdf", "html"):
        raise DomainError("Format cetak tidak dikenal.")
    return fmt


@bp.get("/<int:doc_id>/salinan.<fmt>")
@roles_required(*WORKERS)
@same_origin_only
def copy_letter(doc_id, fmt):
    doc = documents.get_document(doc_id, current_user)
    return _emit(prints.copy_letter(doc, current_user, _fmt(fmt)), fmt, doc_id, ".copy_letter")


@bp.get("/<int:doc_id>/pengantar.<fmt>")
@roles_required(*WORKERS)
@same_origin_only
def cover_letter(doc_id, fmt):
    doc = documents.get_document(doc_id, current_user)
    return _emit(prints.cover_letter(doc, current_user, _fmt(fmt)), fmt, doc_id, ".cover_letter")


@bp.get("/<int:doc_id>/amplop.<fmt>")
@roles_required(*WORKERS)
@same_origin_only
def envelope(doc_id, fmt):
    doc = documents.get_document(doc_id, current_user)
    kind = request.args.get("jenis") or letters.envelope_kinds(doc)[0]
    size = request.args.get("ukuran") or "C5"
    printed = prints.envelope(doc, current_user, kind, size, _fmt(fmt))
    return _emit(printed, fmt, doc_id, ".envelope", jenis=kind, ukuran=size)


@bp.get("/<int:doc_id>/tanda-terima.<fmt>")
@roles_required(*WORKERS)
@same_origin_only
def receipt(doc_id, fmt):
    doc = documents.get_document(doc_id, current_user)
    return _emit(prints.receipt(doc, current_user, _fmt(fmt)), fmt, doc_id, ".receipt")


@bp.get("/agenda.<fmt>")
@roles_required("sandiman", "kasi", "pejabat")
@same_origin_only
def agenda_book(fmt):
    _fmt(fmt)
    try:
        date_from, date_to, label = parse_period(request.args.get("periode") or str(to_wib(utcnow()).year))
    except DomainError:  # back to the agenda page, which shows the message next to the field
        return redirect(url_for("agenda.index", periode=request.args.get("periode", "")[:20]))
    rows, _ = agenda_book_q.print_book(current_user, fmt=fmt, label=label, date_from=date_from, date_to=date_to)
    ctx = letters.agenda_context(rows, label)
    ctx["audit_fingerprint"] = head_fingerprint()  # after this print's own audit event
    return printview.emit(
        fmt, "agenda_book.html", ctx, orientation="landscape",
        filename=f"buku-agenda-{label.lower().replace(' ', '-')}", back_url=url_for("agenda.index"),
        pdf_url=url_for(".agenda_book", fmt="pdf", periode=request.args.get("periode", "")),
        failure="Buku agenda tidak dapat dicetak.")
