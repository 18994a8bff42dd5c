"""The e-mail intake settings page (/admin/surel) for the administrator: mailboxes, a connection
test, a poll now, the last poll's result and error, and what was refused and why."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from naskah.audit import chain as audit
from naskah.auth.guards import roles_required
from naskah.core.errors import DomainError
from naskah.extensions import db
from naskah.intake import mailboxes
from naskah.intake.forms import MailboxForm
from naskah.intake.imap import MailboxError
from naskah.workflow import documents

bp = Blueprint("intake", __name__, url_prefix="/admin/surel")
NAV = [("intake.index", "Surel Masuk", {"admin"}, 87)]


def _errors(form, error: DomainError):
    for name, message in getattr(error, "problems", {error.field: error.message}).items():
        if name and name in form._fields:
            form[name].errors = list(form[name].errors) + [message]
        else:
            form.form_errors.append(message)


def _page(form=None, status=200):
    return render_template("intake/index.html", mailboxes=mailboxes.listing(), form=form or MailboxForm(formdata=None),
                           messages=mailboxes.recent_messages()), status


@bp.get("/")
@roles_required("admin")
def index():
    return _page()


@bp.post("/")
@roles_required("admin")
def add():
    form = MailboxForm()
    if not form.validate_on_submit():
        return _page(form, 400)
    try:
        mb = mailboxes.add(form.data_dict(), form.password.data or "", current_user)
        db.session.commit()
    except DomainError as e:
        db.session.rollback()
        _errors(form, e)
        return _page(form, 400)
    flash(f"Kotak surat {mb.name} ditambahkan. Uji sambungannya.", "success")
    return redirect(url_for(".index"))


@bp.route("/<int:mb_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit(mb_id):
    mb = mailboxes.get_or_404(mb_id)
    if request.method == "GET":
        form = MailboxForm(formdata=None, obj=mb)
        form.username.data = mb.username
        return render_template("intake/edit.html", mb=mb, form=form)
    form = MailboxForm()
    if form.validate_on_submit():
        try:
            mailboxes.update_settings(mb, form.data_dict(), form.password.data or None, current_user)
            db.session.commit()
            flash(f"Pengaturan {mb.name} disimpan.", "success")
            return redirect(url_for(".index"))
        except DomainError as e:
            db.session.rollback()
            mb = mailboxes.get_or_404(mb_id)
            _errors(form, e)
    return render_template("intake/edit.html", mb=mb, form=form), 400


@bp.post("/<int:mb_id>/uji")
@roles_required("admin")
def test(mb_id):
    mb = mailboxes.get_or_404(mb_id)
    try:
        flash(mailboxes.test_connection(mb, current_user), "success")
    except DomainError as e:
        flash(f"{mb.name}: {e.message}", "error")
    return redirect(url_for(".index"))


@bp.post("/<int:mb_id>/periksa")
@roles_required("admin")
def poll(mb_id):
    mb = mailboxes.get_or_404(mb_id)
    try:
        result = mailboxes.poll(mb, current_user)
        flash(f"{mb.name}: {result.summary}", "success")
    except MailboxError as e:
        flash(f"{mb.name}: tidak dapat dibaca: {e.message}", "error")
    return redirect(url_for(".index"))


@bp.post("/bukti/<int:doc_id>")
@roles_required("sandiman", "kasi")
def evidence(doc_id):
    """The original message (sealed evidence), for those who may read the document's content."""
    doc = documents.get_document(doc_id, current_user)
    if not documents.can_read_content(doc, current_user):
        audit.append("mail.evidence_denied", actor=current_user, document=doc)
        db.session.commit()
        abort(403)
    row = mailboxes.message_for(doc.id)
    if row is None or row.evidence_blob_id is None:
        abort(404)
    raw = mailboxes.evidence(row)
    audit.append("mail.evidence_download", actor=current_user, document=doc, object_type="mail_message",
                 object_id=row.id, details={"message_id": row.message_id, "sha256": row.content_sha256})
    db.session.commit()
    return Response(raw, mimetype="message/rfc822",
                    headers={"Content-Disposition": f'attachment; filename="surel-{doc.id}.eml"',
                             "Cache-Control": "no-store"})
