"""Desk views: the recorded reveal of a panel's text, the lembar disposisi."""
from flask import Blueprint, render_template, url_for
from flask_login import current_user

from naskah.audit import chain as audit
from naskah.auth.guards import roles_required
from naskah.core import registry, settings
from naskah.core.errors import DomainError
from naskah.core.templating import is_htmx_partial
from naskah.extensions import db
from naskah.paper import printview, svglogo
from naskah.workflow import documents
from naskah.workflow import engine as workflow
from naskah.workflow.desk import panels
from naskah.workflow.views.documents import build_form, card_context

bp = Blueprint("desk", __name__)


@bp.post("/dokumen/<int:doc_id>/aksi/<action>/isi")
@roles_required("sandiman", "kasi")
def reveal(doc_id, action):
    """POST only: reading secret text is a recorded act, never a side effect of a GET."""
    doc = documents.get_document(doc_id, current_user)
    t = workflow.get_transition(action)
    if action not in panels.REVEAL_ACTIONS:
        raise DomainError("Tindakan ini tidak menampilkan isi.")
    workflow.check(doc, t, current_user)
    ctx = {"doc": doc, "transition": t}
    try:
        ctx["revealed"] = panels.reveal(doc, current_user, action)
        db.session.commit()
    except DomainError as e:
        db.session.rollback()
        ctx["reveal_error"] = e.message
    if is_htmx_partial():
        return render_template("desk/_reveal.html", **ctx)
    return render_template("documents/action.html", **card_context(doc, form=build_form(action, doc), **ctx))


@bp.get("/cetak/<int:doc_id>/disposisi.<fmt>")
@roles_required("sandiman", "kasi")
def disposition_sheet(doc_id, fmt):
    """The lembar disposisi: the Kasi's instruction on paper; no classified content on it."""
    doc = documents.get_document(doc_id, current_user)
    if fmt not in ("pdf", "html"):
        raise DomainError("Format cetak tidak dikenal.")
    if doc.step < 4 or doc.assigned_to_id is None:
        raise DomainError("Lembar disposisi tersedia setelah Kasi menugaskan Sandiman (langkah 4).")
    ctx = panels.disposition_context(doc)
    audit.append("print.disposisi", actor=current_user, document=doc,
                 details={"paper": "lembar disposisi", "format": fmt})
    slug = (doc.agenda_label or str(doc.id)).replace("/", "-")
    return printview.emit(
        fmt, "disposition.html", ctx, filename=f"disposisi-{slug}",
        back_url=url_for("documents.show", doc_id=doc.id),
        pdf_url=url_for(".disposition_sheet", doc_id=doc.id, fmt="pdf"),
        failure="Lembar disposisi tidak dapat dicetak.")


def init_app(app):
    """The desk's template globals (its blueprint is in the workflow area's BLUEPRINTS)."""
    app.jinja_env.globals.update(
        htmx_partial=is_htmx_partial, logo_uri=svglogo.data_uri)

    registry.add_layout_data(app, "office_identity", office_identity)


def office_identity():
    """The public pages' header (government, office, logo); None once signed in (not shown)."""
    if current_user.is_authenticated:
        return None
    return {"government": settings.get("office_government"), "name": settings.get("office_name"),
            "logo": svglogo.data_uri(settings.get("office_logo"))}
