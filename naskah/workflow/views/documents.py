"""Documents: intake (step 1), the document page, and every step action (htmx or plain form)."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import CombinedMultiDict

from naskah.audit import chain as audit
from naskah.auth.guards import roles_required
from naskah.core import registry, uploads
from naskah.core.dbtuning import read_first, read_only, reads_from_here, writes_from_here
from naskah.core.errors import DomainError
from naskah.core.forms import VersionedForm, form_data, show_errors
from naskah.core.templating import is_htmx_partial, layout_data
from naskah.core.timeutil import to_wib, utcnow
from naskah.correspondents import directory
from naskah.extensions import db
from naskah.models import Role, User
from naskah.paper import progress as paper_progress
from naskah.sla.due import card_sla
from naskah.workflow import board as board_q
from naskah.workflow import documents, forms
from naskah.workflow import engine as workflow
from naskah.workflow.desk import panels
from naskah.workflow.desk.messages import result_message

bp = Blueprint("documents", __name__, url_prefix="/dokumen")
NAV = [("documents.new", "Terima Kriptogram", {"sandiman"}, 20)]
STAFF = ("sandiman", "kasi", "pejabat")


def _sandiman_choices():
    users = db.session.scalars(db.select(User).where(User.active_in(Role.SANDIMAN))
                               .order_by(User.full_name)).all()
    return [("", "— pilih —")] + [(str(u.id), u.full_name) for u in users]


def build_form(action: str, doc, formdata=None, *, reveal=False):
    """The action's form; the revise form is filled with the decrypted text only when `reveal`
    (a POST with CSRF: reading is audited, and GET never reveals)."""
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
    if action == "revise" and formdata is None and reveal:
        # Reading the plaintext is audited, so this request writes: end the deferred read and
        # take the writer's path for the reading (naskah.core.dbtuning).
        doc_id = doc.id
        db.session.rollback()
        writes_from_here()
        doc = documents.get_document(doc_id, current_user)
        content = documents.read_content(doc, current_user, purpose="edit") or {}
        db.session.commit()
        reads_from_here()
        for key, value in content.items():
            if key in form._fields:
                form[key].data = value
        form.copy_index.data, form.copy_total.data = doc.copy_index, doc.copy_total
    return form


def card_context(doc, **extra):
    """A card's template data; with a transition, also its side panel's (`pn`, naskah.workflow.desk.panels)."""
    if extra.get("transition") is not None:
        extra["pn"] = panels.panel(doc, extra["transition"].action, current_user)
    return {"doc": doc, "sla": card_sla(doc, utcnow()), "actions": workflow.allowed(doc, current_user),
            "progress": paper_progress.progress(doc) if doc.step == 7 else None, **extra}


@bp.route("/baru", methods=["GET", "POST"])
@roles_required("sandiman")
def new():
    form = forms.ReceiveForm()
    if request.method == "GET":
        form.received_at.data = to_wib(utcnow()).replace(tzinfo=None, second=0, microsecond=0)
    if request.method == "POST":
        valid = form.validate()  # every field's problem, plus the cryptogram's, reported at once
        file_bytes, filename = _received_cryptogram(form)
        if not valid or form.cryptogram_file.errors:
            return render_template("documents/new.html", form=form, agency_suggestions=directory.suggestions()), 400
        data = form_data(form)
        try:
            doc = documents.receive(current_user, data, file_bytes, filename)
            db.session.commit()
        except DomainError as e:
            db.session.rollback()
            getattr(form, e.field, form.cryptogram_file).errors.append(e.message)
            return render_template("documents/new.html", form=form, agency_suggestions=directory.suggestions()), 400
        flash(f"Kriptogram dari {doc.sender_agency} dicatat. Langkah berikut: agendakan.", "success")
        return redirect(url_for("board.index"))
    return render_template("documents/new.html", form=form, agency_suggestions=directory.suggestions())


def _received_cryptogram(form) -> tuple[bytes | None, str | None]:
    """The uploaded file (checked by content) or None for pasted text; problems go on the field."""
    upload = form.cryptogram_file.data
    field = form.cryptogram_file
    if not (upload and upload.filename):
        if not (form.cryptogram_text.data or "").strip():
            field.errors = list(field.errors) + ["Unggah berkas kriptogram atau tempelkan teksnya."]
        return None, None
    again = f" Pilih ulang berkasnya ({uploads.safe_display_name(upload.filename, default='kriptogram')})."
    limit = current_app.config["CRYPTOGRAM_MAX_BYTES"]
    file_bytes = upload.read(limit + 1)
    problem = None
    if len(file_bytes) > limit:
        problem = f"Berkas melebihi batas {limit // (1024 * 1024)} MB."
    elif not file_bytes:
        problem = "Berkas kosong."
    else:
        try:
            uploads.check_cryptogram(file_bytes)  # by content, never by name or Content-Type
        except DomainError as e:
            problem = e.message
    if problem:
        field.errors = list(field.errors) + [problem + again]
        return None, None
    if form.errors:  # the browser cannot keep a chosen file across the re-rendered form
        field.errors = list(field.errors) + ["Berkas sudah diperiksa, tetapi harus dipilih lagi karena isian lain belum benar."]
    return file_bytes, uploads.safe_display_name(upload.filename, default="kriptogram")


@bp.get("/<int:doc_id>")
@roles_required(*STAFF)
def show(doc_id):
    return _show(documents.get_document(doc_id, current_user))


@bp.post("/<int:doc_id>/baca")
@roles_required(*STAFF)
def read(doc_id):
    """Reveal the decrypted text: a POST with CSRF, so no link elsewhere can make a user read."""
    doc = documents.get_document(doc_id, current_user)
    content = documents.read_content(doc, current_user)
    db.session.commit()
    return _show(doc, content)


def _show(doc, content=None):
    events = audit.events_for(doc.id)
    return render_template("documents/show.html", events=events, content=content,
                           facts=registry.document_facts(doc, current_user),
                           can_read=documents.can_read_content(doc, current_user),
                           details_of=audit.details_of, sections=registry.document_sections(doc, current_user),
                           **card_context(doc))


@bp.get("/<int:doc_id>/kartu")
@roles_required(*STAFF)
def card(doc_id):
    doc = documents.get_document(doc_id, current_user)
    return render_template("board/_card.html", **card_context(doc))


@bp.get("/<int:doc_id>/aksi/<action>")
@roles_required("sandiman", "kasi")
@read_only
def action_form(doc_id, action):
    doc = documents.get_document(doc_id, current_user)
    t = workflow.get_transition(action)
    try:
        workflow.check(doc, t, current_user)
    except DomainError as e:
        return _refused(doc, e)
    form = build_form(action, doc)
    ctx = card_context(doc, form=form, transition=t, reveal_needed=action == "revise")
    if is_htmx_partial():
        return render_template("board/_card.html", **ctx)
    return render_template("documents/action.html", **ctx)


@bp.post("/<int:doc_id>/aksi/revise/buka")
@roles_required("sandiman", "kasi")
def revise_open(doc_id):
    """The revise form filled with the current text: revealing it is a POST (audited read)."""
    doc = documents.get_document(doc_id, current_user)
    t = workflow.get_transition("revise")
    try:
        workflow.check(doc, t, current_user)
    except DomainError as e:
        return _refused(doc, e)
    ctx = card_context(doc, form=build_form("revise", doc, reveal=True), transition=t)
    if is_htmx_partial():
        return render_template("board/_card.html", **ctx)
    return render_template("documents/action.html", **ctx)


@bp.post("/<int:doc_id>/aksi/<action>")
@roles_required("sandiman", "kasi")
@read_first
def action_submit(doc_id, action):
    t = workflow.get_transition(action)
    early, prepared = _check_and_prepare(doc_id, t)
    if early is not None:
        return early
    doc = documents.get_document(doc_id, current_user, for_update=True)
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
        doc = workflow.run(doc_id, action, current_user, form_data(form),
                           expected_version=int(version) if str(version).isdigit() else None, prepared=prepared)
    except DomainError as e:
        reads_from_here()  # the refusal only renders: a deferred snapshot
        doc = documents.get_document(doc_id)
        if show_errors(form, e):
            return _form_errors(doc, form, t)
        return _refused(doc, e)
    reads_from_here()  # committed: what follows only renders, from a deferred snapshot (never the lock)
    message = result_message(action, doc)
    if is_htmx_partial():
        return _moved(doc_id, old_step, message)
    flash(message, "success")
    return redirect(request.args.get("next") == "doc" and url_for(".show", doc_id=doc_id) or url_for("board.index"))


def _check_and_prepare(doc_id, t):
    """From a read, before queueing for the write lock: a form sent for an older version or step
    (the other session won) is refused, and the transition's slow work (the PDFs of steps 6 to
    8: render, sign, stamp) is prepared, so the write transaction only stores it. Passing here
    proves nothing: the locked path checks again, and redoes what no longer fits.
    Returns (refusal or None, prepared or None)."""
    version = str(VersionedForm(meta={"csrf": False}).version.data or "")  # the transition's form checks the rest
    reads_from_here()
    doc = documents.get_document(doc_id, current_user)
    try:
        workflow.check_current(doc, t, current_user, int(version) if version.isdigit() else None)
    except DomainError as e:
        return _refused(doc, e), None
    prepared = workflow.prepare(doc, t.action, current_user, request.form.to_dict())
    db.session.rollback()
    writes_from_here()
    return None, prepared


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


def _moved(doc_id, old_step, message):
    """Answer a transition with what moved, out of band: the card leaves its column and enters
    the other at its place on the first page (or is replaced in place), both counts, the flash."""
    filters = board_q.Filters.from_url(request.headers.get("HX-Current-URL"))
    doc = documents.get_document(doc_id)
    target = board_q.columns(filters, current_user, steps=[workflow.Step(doc.step)], load=False)[0]
    cols = [target]
    if old_step != doc.step:  # the column it left: its count alone (nothing there is re-rendered)
        cols = sorted([target, board_q.counted(filters, current_user, workflow.Step(old_step))], key=lambda c: c.step)
    ids = [r.id for r in target.cards]
    place, after_id = None, None
    if old_step == doc.step:
        place = "replace"
    elif doc.id in ids:
        index = ids.index(doc.id)
        place, after_id = ("first", None) if index == 0 else ("after", ids[index - 1])
    return (render_template("board/_moved.html", place=place, after_id=after_id, columns=cols,
                            message=message, **card_context(doc), **layout_data()),  # + the badge
            200, {"HX-Reswap": "none"})
