"""Print endpoints: each paper as PDF (`.pdf`) or as a browser print view (same template)."""
import re
from datetime import date, timedelta

from flask import Blueprint, current_app, make_response, request, url_for
from flask_login import current_user

from .. import audit, documents, letters, paperflow, prints, printview  # noqa: F401 (paperflow registers hooks)
from ..agenda import search as agenda_search
from ..errors import DomainError
from ..extensions import db
from ..printing.formatting import BULAN
from ..printing.render import RenderError
from ..security import roles_required
from ..templating import EVENT_LABELS
from ..timeutil import to_wib, utcnow
from ..sameorigin import same_origin_only

bp = Blueprint("printing", __name__, url_prefix="/cetak")
WORKERS = ("sandiman", "kasi")


def pdf_response(pdf: bytes, filename: str):
    resp = make_response(pdf)
    resp.headers["Content-Type"] = "application/pdf"
    resp.headers["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    return resp


def html_response(html: str, back_url: str, pdf_url: str):
    html, csp = printview.make_safe(html, back_url=back_url, pdf_url=pdf_url,
                                    script_url=url_for("static", filename="js/app.js"),
                                    favicon_url=url_for("static", filename="img/favicon.svg"))
    resp = make_response(html)
    resp.headers["Content-Security-Policy"] = csp
    return resp


def _emit(printed: prints.Printed, fmt: str, doc_id: int, endpoint: str, **args):
    """Commit the print's audit event, then hand out the bytes or the page."""
    try:
        if fmt == "pdf":
            pdf = printed.pdf or letters.render_pdf(printed.template, printed.context, **(printed.kw or {}))
        else:
            html = letters.render_html(printed.template, printed.context, **(printed.kw or {}))
    except (RenderError, ValueError):
        db.session.rollback()
        current_app.logger.exception("print of document %s failed", doc_id)
        raise DomainError("Dokumen tidak dapat dicetak. Periksa pengaturan kantor atau hubungi administrator.") from None
    db.session.commit()
    if fmt == "pdf":
        return pdf_response(pdf, printed.filename)
    return html_response(html, url_for("documents.show", doc_id=doc_id),
                         url_for(endpoint, doc_id=doc_id, fmt="pdf", **args))


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


def parse_period(value: str):
    """'2026-11' -> month, '2026' -> year; returns (year, month or None, label)."""
    value = (value or "").strip()
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?", value)
    if not m or not 2000 <= int(m.group(1)) <= 2999 or (m.group(2) and not 1 <= int(m.group(2)) <= 12):
        raise DomainError("Periode tidak valid: isi tahun (2026) atau bulan (2026-11).", field="periode")
    year, month = int(m.group(1)), int(m.group(2)) if m.group(2) else None
    return year, month, (f"{BULAN[month - 1]} {year}" if month else f"Tahun {year}")


@bp.get("/agenda.<fmt>")
@roles_required("sandiman", "kasi", "pejabat")
@same_origin_only
def agenda_book(fmt):
    _fmt(fmt)
    year, month, label = parse_period(request.args.get("periode") or str(to_wib(utcnow()).year))
    date_from = date(year, month or 1, 1)
    date_to = (date(year + (month == 12), month % 12 + 1, 1) if month else date(year + 1, 1, 1)) - timedelta(days=1)
    rows, _ = agenda_search(date_from=date_from, date_to=date_to, page=1, per_page=20000)
    rows = sorted(rows, key=lambda e: (e.year, e.number))
    ctx = letters.agenda_context(rows, label)
    audit.append("print.agenda", actor=current_user, object_type="agenda",
                 details={"paper": "buku agenda", "period": label, "rows": len(rows), "format": fmt})
    kw = {"orientation": "landscape"}
    try:
        out = letters.render_pdf("agenda_book.html", ctx, **kw) if fmt == "pdf" else \
            letters.render_html("agenda_book.html", ctx, **kw)
    except (RenderError, ValueError):
        db.session.rollback()
        current_app.logger.exception("agenda book print failed")
        raise DomainError("Buku agenda tidak dapat dicetak.") from None
    db.session.commit()
    if fmt == "pdf":
        return pdf_response(out, f"buku-agenda-{label.lower().replace(' ', '-')}")
    return html_response(out, url_for("agenda.index"),
                         url_for(".agenda_book", fmt="pdf", periode=request.args.get("periode", "")))



@bp.app_template_global()
def paper_side(doc) -> dict:
    """What the document page shows about prints, signature evidence and verification codes."""
    from .. import issued, officesettings
    from ..models.paper import IssuedPaper
    papers = db.session.scalars(db.select(IssuedPaper).where(IssuedPaper.document_id == doc.id)
                                .order_by(IssuedPaper.id)).all()
    return {"offer": prints.available(doc, current_user), "papers": papers, "display": issued.display,
            "has_stamp": officesettings.image_bytes("office_stamp") is not None,
            "envelope_labels": letters.ENVELOPE_LABELS, "envelope_sizes": letters.ENVELOPE_SIZES}


EVENT_LABELS.update({
    "print.salinan": "Surat salinan dicetak", "print.pengantar": "Surat pengantar dicetak",
    "print.amplop": "Amplop dicetak", "print.tanda-terima": "Tanda terima dicetak",
    "print.agenda": "Buku agenda dicetak", "print.disposal_report": "Berita acara pemusnahan dicetak",
    "archive.dispose": "Arsip dimusnahkan", "settings.update": "Pengaturan kantor diubah",
    "pki.issue": "Sertifikat tanda tangan diterbitkan", "pki.import": "Sertifikat tanda tangan diimpor",
    "pki.revoke": "Sertifikat tanda tangan dicabut", "pki.trust_root": "CA tepercaya ditambahkan",
})
