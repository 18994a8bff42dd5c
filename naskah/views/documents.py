"""Documents: intake (step 1), the document page, and every step action (htmx or plain form)."""
from flask import Blueprint, flash, redirect, render_template, request, url_for, current_app
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import CombinedMultiDict

from .. import audit, board as board_q, documents, forms, uploads, workflow
from ..decryption import DecryptFailed, record_failure
from ..errors import Conflict, DomainError
from ..extensions import db
from ..models import Role, User
from ..security import roles_required
from ..sla import card_sla
from ..templating import is_htmx_partial
from ..timeutil import to_wib, utcnow

bp = Blueprint("documents", __name__, url_prefix="/dokumen")
NAV = [("documents.new", "Terima Kriptogram", {"sandiman"}, 20)]
STAFF = ("sandiman", "kasi", "pejabat")


def _sandiman_choices():
    users = db.session.scalars(db.select(User).where(User.role == Role.SANDIMAN.value, User.active.is_(True))
                               .order_by(User.full_name)).all()
    return [("", "— pilih —")] + [(str(u.id), u.full_name) for u in users]


def build_form(action: str, doc, formdata=None):
    form_cls = forms.ACTION_FORMS[action]
    form = form_cls(formdata=formdata) if formdata is not None else form_cls()
    if formdata is None:
        form.version.data = doc.version
    if action == "assign":
        form.assignee_id.choices = _sandiman_choices()
    if action == "sign":
        form.courier_id.choices = _sandiman_choices()
        if formdata is None and doc.assigned_to_id:
            form.courier_id.data = str(doc.assigned_to_id)
    if action == "deliver" and formdata is None:
        form.delivered_at.data = to_wib(utcnow()).replace(tzinfo=None, second=0, microsecond=0)
    if action == "revise" and formdata is None:
        content = documents.read_content(doc, current_user, purpose="edit") or {}
        db.session.commit()
        for key, value in content.items():
            if key in form._fields:
                form[key].data = value
        form.copy_index.data, form.copy_total.data = doc.copy_index, doc.copy_total
    return form


def card_context(doc, **extra):
    return {"doc": doc, "sla": card_sla(doc, utcnow()),
            "actions": workflow.allowed(doc, current_user), **extra}


@bp.route("/baru", methods=["GET", "POST"])
@roles_required("sandiman")
def new():
    form = forms.ReceiveForm()
    if request.method == "GET":
        form.received_at.data = to_wib(utcnow()).replace(tzinfo=None, second=0, microsecond=0)
    if form.validate_on_submit():
        upload = form.cryptogram_file.data
        file_bytes, filename = None, None
        if upload and upload.filename:
            limit = current_app.config["CRYPTOGRAM_MAX_BYTES"]
            file_bytes = upload.read(limit + 1)
            if len(file_bytes) > limit:
                form.cryptogram_file.errors.append(f"Berkas melebihi batas {limit // (1024 * 1024)} MB.")
                return render_template("documents/new.html", form=form), 400
            if not file_bytes:
                form.cryptogram_file.errors.append("Berkas kosong.")
                return render_template("documents/new.html", form=form), 400
            try:
                uploads.check_cryptogram(file_bytes)  # by content, never by name or Content-Type
            except DomainError as e:
                form.cryptogram_file.errors.append(e.message)
                return render_template("documents/new.html", form=form), 400
            filename = uploads.safe_display_name(upload.filename, default="kriptogram")
        data = forms.form_data(form)
        try:
            doc = documents.receive(current_user, data, file_bytes, filename)
            db.session.commit()
        except DomainError as e:
            db.session.rollback()
            getattr(form, e.field, form.cryptogram_file).errors.append(e.message)
            return render_template("documents/new.html", form=form), 400
        flash(f"Kriptogram dari {doc.sender_agency} dicatat. Langkah berikut: agendakan.", "success")
        return redirect(url_for("board.index"))
    status = 400 if request.method == "POST" else 200
    return render_template("documents/new.html", form=form), status


@bp.get("/<int:doc_id>")
@roles_required(*STAFF)
def show(doc_id):
    doc = documents.get_document(doc_id, current_user)
    content = None
    if request.args.get("baca") == "1":
        content = documents.read_content(doc, current_user)
        db.session.commit()
    events = audit.events_for(doc.id)
    return render_template("documents/show.html", events=events, content=content,
                           can_read=documents.can_read_content(doc, current_user),
                           details_of=audit.details_of, **card_context(doc))


@bp.get("/<int:doc_id>/kartu")
@roles_required(*STAFF)
def card(doc_id):
    doc = documents.get_document(doc_id, current_user)
    return render_template("board/_card.html", **card_context(doc))


@bp.get("/<int:doc_id>/aksi/<action>")
@roles_required("sandiman", "kasi")
def action_form(doc_id, action):
    doc = documents.get_document(doc_id, current_user)
    t = workflow.get_transition(action)
    try:
        workflow.check(doc, t, current_user)
    except DomainError as e:
        return _refused(doc, e)
    form = build_form(action, doc)
    ctx = card_context(doc, form=form, transition=t)
    if is_htmx_partial():
        return render_template("board/_card.html", **ctx)
    return render_template("documents/action.html", **ctx)


@bp.post("/<int:doc_id>/aksi/<action>")
@roles_required("sandiman", "kasi")
def action_submit(doc_id, action):
    doc = documents.get_document(doc_id, current_user, for_update=True)
    t = workflow.get_transition(action)
    formdata = CombinedMultiDict((request.files, request.form)) if request.files else request.form
    form = build_form(action, doc, formdata=formdata)
    try:
        workflow.check(doc, t, current_user)  # refuse before reporting field errors
    except DomainError as e:
        return _refused(doc, e)
    if not form.validate():
        return _form_errors(doc, form, t)
    version = form.version.data
    old_step = doc.step
    try:
        workflow.apply(doc, action, current_user, forms.form_data(form),
                       expected_version=int(version) if str(version).isdigit() else None)
        db.session.commit()
    except (StaleDataError, IntegrityError):
        # A concurrent change won the race (the row lock makes this rare): nothing was saved.
        db.session.rollback()
        doc = documents.get_document(doc_id)
        return _refused(doc, Conflict("Naskah ini baru saja diubah oleh pengguna lain. Muat ulang lalu periksa kembali."))
    except DomainError as e:
        db.session.rollback()
        if isinstance(e, DecryptFailed):
            record_failure(doc_id, current_user, e)  # its own commit: the attempt stays on record
        doc = documents.get_document(doc_id)
        if e.field and e.field in form._fields:
            form[e.field].errors = list(form[e.field].errors) + [e.message]
            return _form_errors(doc, form, t)
        return _refused(doc, e)
    done = t.label if t.source == t.target else workflow.STEP_LABELS[workflow.Step(doc.step)]  # e.g. 4->4
    message = f"{done}: {doc.sender_agency} ({doc.agenda_label})."
    if is_htmx_partial():
        return _board_update(doc, old_step, message)
    flash(message, "success")
    return redirect(request.args.get("next") == "doc" and url_for(".show", doc_id=doc.id) or url_for("board.index"))


def _form_errors(doc, form, t):
    ctx = card_context(doc, form=form, transition=t)
    if is_htmx_partial():
        return render_template("board/_card.html", **ctx)  # 200 so htmx swaps the form back in place
    return render_template("documents/action.html", **ctx), 400


def _refused(doc, error: DomainError):
    if is_htmx_partial():
        return render_template("board/_card.html", error=error.message, **card_context(doc)), error.status
    return render_template("error.html", status=error.status, title="Tindakan ditolak",
                           message=error.message, doc=doc), error.status


def _board_update(doc, old_step, message):
    """Re-render the two affected columns out of band, plus the flash; the card moves with them."""
    filters = board_q.Filters.from_url(request.headers.get("HX-Current-URL"))
    steps = sorted({workflow.Step(old_step), workflow.Step(doc.step)})
    cols = board_q.columns(filters, current_user, steps=steps)
    return (render_template("board/_update.html", columns=cols, message=message, filters=filters,
                            marker=board_q.change_marker()),
            200, {"HX-Reswap": "none"})
