"""The archive page (step 9): read-only search; retention; disposal by the kasi."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional

from naskah.agenda.forms import parse_filters
from naskah.audit import chain as audit
from naskah.auth.formchecks import valid_nip
from naskah.auth.guards import roles_required
from naskah.auth.sameorigin import same_origin_only
from naskah.core.errors import DomainError
from naskah.core.forms import page_number
from naskah.extensions import db
from naskah.models.paper import Disposal
from naskah.paper import archive as archive_q
from naskah.paper.printview import pdf_response

bp = Blueprint("archive", __name__, url_prefix="/arsip")
NAV = [("archive.index", "Arsip", {"sandiman", "kasi"}, 35)]


class DisposeForm(FlaskForm):
    witness_name = StringField("Nama saksi", validators=[DataRequired("Wajib diisi."), Length(max=120)])
    witness_nip = StringField("NIP saksi", validators=[DataRequired("Wajib diisi."), Length(max=40), valid_nip])
    witness_title = StringField("Jabatan saksi", validators=[Optional(), Length(max=120)])
    method = StringField("Cara pemusnahan", default=archive_q.DEFAULT_METHOD, validators=[Optional(), Length(max=300)])
    passphrase = PasswordField("Frasa sandi sertifikat Kasi", validators=[Optional(), Length(max=200)])


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
    return render_template("archive/index.html", rows=rows, total=total, page=page, pages=max(1, -(-total // 25)),
                           filters=filters, args=args, errors=errors, due=due, form=form, error=error,
                           is_due=archive_q.is_due, disposals=archive_q.disposals(10)), status


@bp.get("/")
@roles_required("sandiman", "kasi")
def index():
    return _listing()


@bp.post("/musnahkan")
@roles_required("kasi")
def dispose():
    form = DisposeForm()
    ids = [int(v) for v in request.form.getlist("doc_ids") if v.isdigit()]
    if not form.validate():
        return _listing(form, 400, "Periksa isian berita acara.")
    try:
        disposal = archive_q.dispose(ids, current_user, witness_name=form.witness_name.data,
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
