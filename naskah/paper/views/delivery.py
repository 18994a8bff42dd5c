"""Step 8 helpers on pages: the paper-order checklist and the scan of the signed receipt."""
from flask import Blueprint, abort, make_response
from flask_login import current_user

from naskah.audit import chain as audit
from naskah.auth.guards import roles_required
from naskah.core import vault
from naskah.extensions import db
from naskah.workflow import delivery, documents

bp = Blueprint("delivery", __name__, url_prefix="/dokumen")


@bp.get("/<int:doc_id>/pindaian-tanda-terima")
@roles_required("sandiman", "kasi")
def receipt_scan(doc_id):
    """The uploaded scan; reading it is audited like any print of the receipt."""
    doc = documents.get_document(doc_id, current_user)
    payload = vault.load_id(doc.receipt_scan_blob_id) if doc.receipt_scan_blob_id else None
    if payload is None:
        abort(404)
    audit.append("print.tanda-terima", actor=current_user, document=doc,
                 details={"paper": "tanda-terima", "format": "pindaian", "variant": "pindaian"})
    db.session.commit()
    resp = make_response(payload)
    resp.headers["Content-Type"] = delivery.scan_type(payload)
    resp.headers["Content-Disposition"] = f'inline; filename="tanda-terima-{doc.id}"'
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp
