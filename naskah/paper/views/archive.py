"""The archive page (step 9): read-only search; retention; disposal by the kasi."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from naskah.agenda.forms import parse_filters
from naskah.audit import chain as audit
from naskah.auth.guards import roles_required
from naskah.auth.sameorigin import same_origin_only
from naskah.core.errors import DomainError
from naskah.core.forms import page_number
from naskah.core.timeutil import to_wib, utcnow, wib_to_utc
from naskah.extensions import db
from naskah.models.archive import ArchiveLoan
from naskah.models.paper import Disposal
from naskah.paper import archive as archive_q
from naskah.paper import letters
from naskah.paper import loans as archiveloans
from naskah.paper.forms import DisposeForm, LendForm, ReturnForm
from naskah.paper.printview import pdf_response
from naskah.workflow import documents

bp = Blueprint("archive", __name__, url_prefix="/arsip")
NAV = [("archive.index", "Arsip", {"sandiman", "kasi"}, 35)]


def _now_wib():
    return to_wib(utcnow()).replace(tzinfo=None, second=0, microsecond=0)


def _listing(form=None, status=200, error=None):
    filters, errors = parse_filters(request.values)
    due = request.values.get("due") == "1"
    page = page_number(request.values)
    rows, total = archive_q.search(**filters, due=due, page=page, per_page=25)
    args = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in filters.items() if v}
    if due:
        args["due"] = "1"
    if form is None and current_user.role == "kasi":
        form = DisposeForm(formdata=None)
    eligible = any(archive_q.is_due(d) for d in rows)  # the disposal form only when one can be chosen
    return render_template("archive/index.html", rows=rows, total=total, page=page, pages=max(1, -(-total // 25)),
                           filters=filters, args=args, errors=errors, due=due, form=form, error=error,
                           eligible=eligible, is_due=archive_q.is_due, disposals=archive_q.disposals(10)), status


@bp.get("/")
@roles_required("sandiman", "kasi")
def index():
    return _listing()


@bp.post("/musnahkan")
@roles_required("kasi")
def dispose():
    form = DisposeForm()
    if not form.validate():
        return _listing(form, 400, "Periksa isian berita acara.")
    try:
        disposal = archive_q.dispose([i for i in form.doc_ids.data or [] if i > 0], current_user, witness_name=form.witness_name.data,
                                     witness_nip=form.witness_nip.data, witness_title=form.witness_title.data or "",
                                     method=form.method.data or "", passphrase=form.passphrase.data)
        db.session.commit()
    except DomainError as e:
        db.session.rollback()
        if e.field in form._fields:
            form[e.field].errors = list(form[e.field].errors) + [e.message]
        return _listing(form, e.status, e.message)
    flash(f"{disposal.record_count} arsip dimusnahkan. Berita acara {disposal.number} dibuat.", "success")
    return redirect(url_for(".disposal", disposal_id=disposal.id))


@bp.get("/pemusnahan/<int:disposal_id>")
@roles_required("sandiman", "kasi")
def disposal(disposal_id):
    row = db.session.get(Disposal, disposal_id) or abort(404)
    import json
    return render_template("archive/disposal.html", disposal=row, records=json.loads(row.records_json))


@bp.get("/pemusnahan/<int:disposal_id>.pdf")
@roles_required("sandiman", "kasi")
@same_origin_only
def disposal_pdf(disposal_id):
    row = db.session.get(Disposal, disposal_id) or abort(404)
    pdf = archive_q.report_pdf(row) or abort(404)
    audit.append("print.disposal_report", actor=current_user, object_type="disposal", object_id=row.id,
                 details={"number": row.number})
    db.session.commit()
    return pdf_response(pdf, f"berita-acara-{row.number.replace('/', '-')}")


# -- borrowing log (naskah.archiveloans) --------------------------------------------------------
def _loans_page(doc, lend_form=None, return_form=None, status=200):
    lend_form = lend_form or LendForm(formdata=None, borrowed_at=_now_wib())
    return_form = return_form or ReturnForm(formdata=None, returned_at=_now_wib())
    return render_template("archive/loans.html", doc=doc, loans=archiveloans.loans_of(doc),
                           open_loan=archiveloans.open_loan(doc), lend_form=lend_form, return_form=return_form,
                           location=archiveloans.location_text(doc)), status


def _archived(doc_id):
    doc = documents.get_document(doc_id, current_user)
    if doc.step != 9:
        abort(404)
    return doc


@bp.get("/<int:doc_id>/peminjaman")
@roles_required("sandiman", "kasi")
def loans(doc_id):
    return _loans_page(_archived(doc_id))


def _apply_errors(form, error: DomainError) -> None:
    target = form[error.field] if error.field in form._fields else None
    if target is not None:
        target.errors = list(target.errors) + [error.message]
    else:
        flash(error.message, "error")


@bp.post("/<int:doc_id>/peminjaman")
@roles_required("sandiman", "kasi")
def lend(doc_id):
    doc = _archived(doc_id)
    form = LendForm()
    if not form.validate():
        return _loans_page(doc, lend_form=form, status=400)
    try:
        archiveloans.lend(doc, current_user, borrower_name=form.borrower_name.data, purpose=form.purpose.data,
                          borrower_unit=form.borrower_unit.data or "", borrowed_at=wib_to_utc(form.borrowed_at.data),
                          due_on=form.due_on.data)
        db.session.commit()
    except DomainError as e:
        db.session.rollback()
        _apply_errors(form, e)
        return _loans_page(_archived(doc_id), lend_form=form, status=e.status if e.field is None else 400)
    flash(f"Peminjaman oleh {form.borrower_name.data} dicatat.", "success")
    return redirect(url_for(".loans", doc_id=doc.id))


@bp.post("/peminjaman/<int:loan_id>/kembali")
@roles_required("sandiman", "kasi")
def give_back(loan_id):
    loan = db.session.get(ArchiveLoan, loan_id) or abort(404)
    doc = _archived(loan.document_id)
    form = ReturnForm()
    if not form.validate():
        return _loans_page(doc, return_form=form, status=400)
    try:
        archiveloans.give_back(loan, current_user, returned_at=wib_to_utc(form.returned_at.data))
        db.session.commit()
    except DomainError as e:
        db.session.rollback()
        _apply_errors(form, e)
        return _loans_page(_archived(doc.id), return_form=form, status=e.status if e.field is None else 400)
    flash("Pengembalian berkas arsip dicatat.", "success")
    return redirect(url_for(".loans", doc_id=doc.id))


@bp.get("/<int:doc_id>/peminjaman.pdf")
@roles_required("sandiman", "kasi")
def loans_pdf(doc_id):
    doc = _archived(doc_id)
    context = {"office": letters.office(), "doc": {"agenda_number": doc.agenda_label, "classification": doc.classification,
                                                   "sender": doc.sender_agency, "location": archiveloans.location_text(doc),
                                                   "note": doc.archive_note},
               "loans": archiveloans.loans_of(doc), "printed_at": utcnow(), "printed_by": current_user.full_name}
    pdf = letters.render_pdf("archive_loans.html", context)
    audit.append("print.archive_loans", actor=current_user, document=doc, details={"loans": len(context["loans"])})
    db.session.commit()
    return pdf_response(pdf, f"peminjaman-arsip-{doc.agenda_label.replace('/', '-')}")
