"""Printing a document's papers: who may, which version, and the audit event of every print.

PDFs that were issued (frozen at paraf, signed, stamped, receipts) are served byte for byte from
the vault; the browser print view renders the same template with the same context.
"""
import json
from dataclasses import dataclass

from naskah.audit import chain as audit
from naskah.core import vault
from naskah.core.errors import Conflict, Forbidden
from naskah.extensions import db
from naskah.models import Document, User
from naskah.models.paper import IssuedPaper
from naskah.paper import issued, letters, office
from naskah.workflow import documents


@dataclass
class Printed:
    template: str
    context: dict | None = None   # for a fresh render (HTML view, drafts)
    pdf: bytes | None = None      # the stored, issued bytes
    kw: dict | None = None
    filename: str = "cetak"
    variant: str = ""


def _usable(doc: Document, min_step: int, what: str) -> None:
    if doc.disposed_at:
        raise Conflict("Arsip ini telah dimusnahkan; isinya tidak dapat dicetak lagi.")
    if doc.step < min_step:
        raise Conflict(f"{what} belum tersedia pada langkah {doc.step}.")


def _slug(doc: Document) -> str:
    return (doc.agenda_label or str(doc.id)).replace("/", "-")


def copy_letter(doc: Document, user: User, fmt: str) -> Printed:
    """The plaintext copy: need-to-know only; every print is recorded as a content read."""
    if not documents.can_read_content(doc, user):
        raise Forbidden("Surat salinan berisi isi rahasia; hanya Kasi dan Sandiman yang ditugaskan yang dapat mencetaknya.")
    _usable(doc, 5, "Surat salinan")
    out = Printed("copy_letter.html", filename=f"salinan-{_slug(doc)}")
    paper = issued.current(doc.id, "copy_letter")
    if fmt == "pdf" and doc.stamped_copy_blob_id:
        out.pdf, out.variant = vault.load_id(doc.stamped_copy_blob_id), "bercap"
    else:
        content = json.loads(vault.load_id(doc.letters_blob_id) or b"{}")
        content["plaintext"] = vault.load_id(doc.plaintext_blob_id).decode("utf-8")
        stamped = bool(doc.stamped_copy_blob_id)
        out.context = letters.copy_context(doc, content, stamp=stamped, code=paper.code if stamped and paper else None)
        out.variant = "bercap" if stamped else "draf"
    audit.append("content.read", actor=user, document=doc,
                 details={"purpose": "print", "paper": "salinan", "format": fmt, "variant": out.variant,
                          "content_version": doc.content_version})
    return out


def cover_letter(doc: Document, user: User, fmt: str) -> Printed:
    _usable(doc, 5, "Surat pengantar")
    out = Printed("cover_letter.html", filename=f"pengantar-{_slug(doc)}")
    stored = [("dicap", doc.stamped_cover_blob_id), ("ditandatangani", doc.signed_pdf_blob_id),
              ("diparaf", doc.cover_pdf_blob_id if doc.step >= 6 else None)]
    variant, blob_id = next(((v, b) for v, b in stored if b), ("draf", None))
    if fmt == "pdf" and blob_id:
        out.pdf = vault.load_id(blob_id)
    else:
        paper = issued.current(doc.id, "cover_letter") if doc.step >= 6 else None
        out.context = letters.cover_context(doc, letters.letters_of(doc), code=paper.code if paper else None)
    out.variant = variant
    _record(doc, user, "pengantar", fmt, variant)
    return out


def envelope(doc: Document, user: User, kind: str, size: str, fmt: str) -> Printed:
    _usable(doc, 5, "Amplop")
    out = Printed("envelope.html", context=letters.envelope_context(doc, kind, letters.letters_of(doc)),
                  kw=letters.envelope_kw(size), filename=f"amplop-{kind}-{_slug(doc)}", variant=f"{kind} {size}")
    _record(doc, user, "amplop", fmt, out.variant)
    return out


def receipt(doc: Document, user: User, fmt: str) -> Printed:
    _usable(doc, 7, "Tanda terima")
    if not doc.copy_entry_id:
        raise Conflict("Tanda terima tersedia setelah salinan dinomori dan dicap.")
    out = Printed("receipt.html", filename=f"tanda-terima-{_slug(doc)}", variant="resi")
    if fmt == "pdf" and doc.receipt_blob_id:
        out.pdf = vault.load_id(doc.receipt_blob_id)
    else:
        paper = issued.current(doc.id, "receipt")
        out.context = letters.receipt_context(doc, letters.letters_of(doc), code=paper.code if paper else None)
    _record(doc, user, "tanda-terima", fmt, out.variant)
    return out


def _record(doc, user, paper, fmt, variant):
    audit.append(f"print.{paper}", actor=user, document=doc,
                 details={"paper": paper, "format": fmt, "variant": variant})


def available(doc: Document, user: User) -> dict:
    """Which prints the document page offers this user now."""
    if doc.disposed_at or user.role not in ("sandiman", "kasi"):
        return {}
    offers = {}
    if doc.step >= 5 and doc.plaintext_blob_id and documents.can_read_content(doc, user):
        offers["salinan"] = "bercap" if doc.stamped_copy_blob_id else "draf"
    if doc.step >= 5 and doc.letters_blob_id:
        offers["pengantar"] = ("dicap" if doc.stamped_cover_blob_id else "ditandatangani" if doc.signed_pdf_blob_id
                               else "diparaf" if doc.step >= 6 and doc.cover_pdf_blob_id else "draf")
        offers["amplop"] = letters.envelope_kinds(doc)
    if doc.step >= 7 and doc.copy_entry_id:
        offers["tanda-terima"] = "resi"
    return offers


def document_section(doc, user) -> dict:
    """What the document page shows about prints, signature evidence and verification codes."""
    papers = db.session.scalars(db.select(IssuedPaper).where(IssuedPaper.document_id == doc.id)
                                .order_by(IssuedPaper.id)).all()
    return {"offer": available(doc, user), "papers": papers, "display": issued.display,
            "has_stamp": office.image_bytes("office_stamp") is not None,
            "envelope_labels": letters.ENVELOPE_LABELS, "envelope_sizes": letters.ENVELOPE_SIZES}
