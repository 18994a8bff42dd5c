"""Step 5 extras: need-to-know attachment downloads and the printable resend request letter."""
from flask import Blueprint, Response, url_for
from flask_login import current_user

from naskah.auth.guards import roles_required
from naskah.auth.sameorigin import same_origin_only
from naskah.decryption import decrypt as decryption
from naskah.extensions import db
from naskah.models import Role, User
from naskah.paper import printview
from naskah.printing.render import render_html, render_pdf
from naskah.workflow import documents, resend

bp = Blueprint("decryption", __name__, url_prefix="/dokumen")

def _download_name(name: str) -> str:
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in name)
    return safe[:120] or "lampiran"


@bp.get("/<int:doc_id>/lampiran/<int:att_id>")
@roles_required("sandiman", "kasi")
@same_origin_only
def attachment(doc_id, att_id):
    doc = documents.get_document(doc_id, current_user)
    att, payload = decryption.read_attachment(doc, att_id, current_user)
    db.session.commit()
    return Response(payload, mimetype=att.media_type, headers={
        "Content-Disposition": f'attachment; filename="{_download_name(att.filename)}"'})


def _letter_context(doc_id, req_id):
    doc = documents.get_document(doc_id, current_user)
    req = resend.get_request(doc, req_id)
    kasi = current_user if current_user.role == Role.KASI.value else db.session.scalar(
        db.select(User).where(User.active_in(Role.KASI)).order_by(User.id))
    return doc, resend.letter_context(doc, req, kasi)


@bp.get("/<int:doc_id>/kirim-ulang/<int:req_id>/cetak")
@roles_required("sandiman", "kasi")
def resend_letter(doc_id, req_id):
    doc, ctx = _letter_context(doc_id, req_id)
    html = render_html("resend_request.html", ctx,
                       font_base_url=url_for("static", filename="fonts").rstrip("/"))
    return printview.html_response(html, url_for("documents.show", doc_id=doc.id),
                                   url_for(".resend_letter_pdf", doc_id=doc.id, req_id=req_id))


@bp.get("/<int:doc_id>/kirim-ulang/<int:req_id>/surat.pdf")
@roles_required("sandiman", "kasi")
def resend_letter_pdf(doc_id, req_id):
    doc, ctx = _letter_context(doc_id, req_id)
    pdf = render_pdf("resend_request.html", ctx)
    return printview.pdf_response(pdf, f"permintaan-kirim-ulang-{doc.agenda_label.replace('/', '-')}")
