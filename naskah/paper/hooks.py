"""What the paper side adds to the nine steps, as workflow hooks (same transaction, same event).

- paraf (6): the cover letter is rendered once, sealed in the vault, and its SHA-256 recorded;
- sign (7): the kasi's certificate signs exactly that PDF (PAdES) or, for an office without
  electronic signatures, the signature is recorded as made by hand ("basah");
- return (7 to 5) and revise: the frozen PDF and its verification code are voided;
- sign (7) also reserves the cover letter's number and writes it in the Nomor field (covernumber);
- number_copy (still 7): the stamp goes on the copy and the cover letter, the receipt is produced;
- archive (9): the retention date is set from the per-classification period.

The paraf's cover letter and the kasi's signature are prepared before the write transaction
("prepare" hooks, from the view's read): the PDF is rendered with a verification code drawn then,
the signature made over the number the outgoing register will give next. The transaction stores
them when the document is the version they were made from and the number, the paper and the
certificate are still those; otherwise it renders or signs again itself. Stamping (number_copy)
likewise, over the copy's incoming agenda number as the register gives it next; every
registration takes from that register too, so on a busy desk the transaction may find the
number taken and stamp again itself.
"""
import hashlib

from dateutil.relativedelta import relativedelta

from naskah.agenda import book as agenda
from naskah.core import settings, vault
from naskah.core.errors import Conflict, DomainError
from naskah.core.timeutil import to_wib
from naskah.paper import covernumber, esign, issued, letters, loans
from naskah.paper import office as officesettings
from naskah.printing import formatting as fmt
from naskah.printing.overlay import stamp_pdf
from naskah.printing.qr import qr_png
from naskah.workflow import engine as workflow

# Cover letter page 1, mm from the top-left: where the stamp, the number note and (for letters
# signed by hand) the QR go at delivery. The signature box is at (115, 200, 75, 28).
STAMP_BOX_MM = (83.0, 195.0, 34.0, 34.0)  # left of the signature box: never over its QR code
NOTE_AT_MM = (20.0, 229.0)
QR_BOX_MM = (20.0, 182.0, 22.0, 22.0)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _replace_blob(doc, column: str, data: bytes | None, purpose: str):
    old = getattr(doc, column)
    setattr(doc, column, vault.store(data, purpose).id if data is not None else None)
    if old is not None:
        vault.destroy(old)


def _paraf_pdf(doc, actor, now, code: str) -> bytes:
    paraf = {"initials": letters.initials(actor.full_name), "time": now}
    return letters.render_pdf("cover_letter.html", letters.cover_context(
        doc, letters.letters_of(doc), code=code, paraf=paraf, frozen=True))


def prepare_paraf(ctx):
    """Before the paraf's transaction: the cover letter, with the code its paper will carry."""
    code = issued.new_code()
    return {"code": code, "pdf": _paraf_pdf(ctx.doc, ctx.actor, ctx.now, code)}


def freeze_cover(ctx):
    """Before the paraf: render the exact cover letter the kasi will sign (or take the one
    rendered before the transaction, from this very version of the document)."""
    doc, actor, now = ctx.doc, ctx.actor, ctx.now
    made = ctx.prepared.get("prepare_paraf")
    issued.void(doc.id, "cover_letter", "diganti paraf baru")
    paper = issued.issue("cover_letter", document=doc, signer_name=letters.kasi_signer()["name"],
                         signer_role="Ditandatangani oleh", classification=doc.classification, issued_at=now,
                         code=made["code"] if made else None)
    pdf = made["pdf"] if made else _paraf_pdf(doc, actor, now, paper.code)
    _replace_blob(doc, "cover_pdf_blob_id", pdf, "cover_letter_paraf")
    issued.add_file(paper, pdf, "diparaf")
    ctx.frozen_pdf_sha256 = _sha(pdf)  # the paraf effect records it; paraf_at is ctx.now as printed
    return {"cover_paper": paper.id}


def _frozen_cover(doc):
    """The paraf'd cover letter, if it is still the one the paraf recorded."""
    frozen = vault.load_id(doc.cover_pdf_blob_id)
    return frozen if frozen is not None and _sha(frozen) == doc.paraf_sha256 else None


def _signed_cover(frozen: bytes, number: str, actor, passphrase, row, paper, at) -> bytes:
    return esign.sign(covernumber.write_number(frozen, number), actor, passphrase, row=row,
                      qr_text=issued.verify_url(paper.code), signing_time=at, location=settings.get("office_city"))


def prepare_signature(ctx):
    """Before the signing transaction: the electronic signature over the number the outgoing
    register gives next (a wrong passphrase is kept, so the attempt is counted once)."""
    doc, actor = ctx.doc, ctx.actor
    row, paper, frozen = esign.usable_cert(actor), issued.current(doc.id, "cover_letter"), _frozen_cover(doc)
    if row is None or paper is None or frozen is None:
        return None
    number = covernumber.predict(ctx.now)
    made = {"number": number, "paper": paper.id, "certificate": row.id}
    try:
        made["signed"] = _signed_cover(frozen, number, actor, ctx.data.get("passphrase"), row, paper, ctx.now)
    except DomainError as refusal:
        made["refused"] = refusal
    return made


def sign_cover(ctx):
    """After the sign effect: number the frozen PDF, then sign it (or record a handwritten
    signature). A signature prepared before the transaction is used when its number, paper and
    certificate are still those."""
    doc, actor, data = ctx.doc, ctx.actor, ctx.data
    row = esign.usable_cert(actor)
    paper = issued.current(doc.id, "cover_letter")
    number = covernumber.reserve(doc)
    if paper is not None:
        paper.signer_name, paper.issued_at, paper.number = actor.full_name, doc.signed_at, number
    frozen = _frozen_cover(doc)
    if row is None:
        doc.signature_kind = "basah"
        if frozen is not None and paper is not None:  # the numbered letter the kasi signs with a pen
            numbered = covernumber.write_number(frozen, number)
            _replace_blob(doc, "signed_pdf_blob_id", numbered, "cover_letter_numbered")
            issued.add_file(paper, numbered, "dinomori")
        return {"signature": "basah", "cover_number": number}
    if frozen is None or paper is None:
        raise Conflict("PDF surat pengantar yang diparaf tidak ditemukan atau berbeda; "
                       "kembalikan ke Sandiman untuk paraf ulang.")
    made = ctx.prepared.get("prepare_signature")
    if made and (made["number"], made["paper"], made["certificate"]) == (number, paper.id, row.id):
        if "refused" in made:
            raise made["refused"]
        signed = made["signed"]
    else:
        signed = _signed_cover(frozen, number, actor, data.get("passphrase"), row, paper, doc.signed_at)
    _replace_blob(doc, "signed_pdf_blob_id", signed, "cover_letter_signed")
    doc.signed_sha256 = _sha(signed)
    doc.signature_kind = "elektronik"
    doc.signing_cert_id = row.id
    issued.add_file(paper, signed, "ditandatangani")
    return {"signature": "elektronik", "certificate": row.fingerprint[:16], "signed_sha256": doc.signed_sha256,
            "cover_number": number}


def void_cover(ctx):
    """After a return (or a revision): the paraf is void, so is its frozen PDF and code."""
    doc = ctx.doc
    if doc.cover_pdf_blob_id is None:
        return {}
    _replace_blob(doc, "cover_pdf_blob_id", None, "")
    issued.void(doc.id, "cover_letter", "dikembalikan untuk perbaikan")
    return {"cover_pdf": "dibatalkan"}


def _stamp_artifacts(doc, now, cover_paper, copy: letters.CopyNumber | None = None,
                     letter_fields: dict | None = None) -> dict:
    """The stamped copy, the stamped cover letter and the receipt, with the codes their papers
    will carry; `copy` stands for the copy's agenda entry before it is written."""
    stamp = officesettings.image_bytes("office_stamp")
    letter_fields = letter_fields if letter_fields is not None else letters.letters_of(doc)
    content = dict(letter_fields, plaintext=(vault.load_id(doc.plaintext_blob_id) or b"").decode("utf-8"))
    out = {"copy_code": issued.new_code(), "receipt_code": issued.new_code(), "stamped": bool(stamp),
           "cover_paper": getattr(cover_paper, "id", None), "cover": None}
    out["copy_pdf"] = letters.render_pdf("copy_letter.html", letters.copy_context(
        doc, content, stamp=True, code=out["copy_code"], copy=copy))
    base = vault.load_id(doc.signed_pdf_blob_id) or vault.load_id(doc.cover_pdf_blob_id)
    if base is not None and cover_paper is not None:
        qr = None if doc.signature_kind == "elektronik" else qr_png(issued.verify_url(cover_paper.code))
        out["cover"] = stamp_pdf(base, stamp_png=stamp, stamp_box_mm=STAMP_BOX_MM,
                                 lines=[f"Dicap: {fmt.tanggal_jam(now)}"], text_at_mm=NOTE_AT_MM,
                                 qr_png=qr, qr_box_mm=QR_BOX_MM)
    out["receipt_pdf"] = letters.render_pdf("receipt.html", letters.receipt_context(
        doc, letter_fields, code=out["receipt_code"], copy=copy))
    return out


def prepare_stamp(ctx):
    """Before numbering the copy: its papers, over the number the incoming register gives next
    (every registration takes from that register too, so the transaction checks it)."""
    doc, now = ctx.doc, ctx.now
    year = to_wib(now).year
    number = agenda.last_number(year) + 1
    fields = letters.letters_of(doc)  # one vault read for the Lampiran and the papers
    copy = letters.CopyNumber(year=year, number=number, received_on=to_wib(now).date(),
                              attachments=letters.lampiran_text(doc, fields),
                              letter_number=settings.format_letter_number(number, year))
    return {"copy": copy, **_stamp_artifacts(doc, now, issued.current(doc.id, "cover_letter"), copy, fields)}


def _fits(made: dict | None, doc, cover_paper) -> bool:
    """A prepared set of papers still fits: the same copy number, entry and cover paper."""
    if not made:
        return False
    entry, copy = letters._copy_entry(doc), made["copy"]
    return (entry is not None and (entry.year, entry.number, entry.received_on, entry.attachments)
            == (copy.year, copy.number, copy.received_on, copy.attachments)
            and doc.letter_number == copy.letter_number and made["cover_paper"] == getattr(cover_paper, "id", None))


def stamp_papers(ctx):
    """After delivery numbering: stamped copy, stamped cover letter, receipt; each with a QR code
    (prepared before the transaction when they still fit, made here otherwise)."""
    doc, actor, now = ctx.doc, ctx.actor, ctx.now
    doc.stamped_at = now
    cover_paper = issued.current(doc.id, "cover_letter")
    made = ctx.prepared.get("prepare_stamp")
    if not _fits(made, doc, cover_paper):
        made = _stamp_artifacts(doc, now, cover_paper)
    copy_paper = issued.issue("copy_letter", document=doc, number=doc.letter_number,
                              signer_name=doc.assigned_to.full_name if doc.assigned_to else None,
                              signer_role="Disalin oleh", classification=doc.classification, issued_at=now,
                              code=made["copy_code"])
    _replace_blob(doc, "stamped_copy_blob_id", made["copy_pdf"], "copy_letter_stamped")
    issued.add_file(copy_paper, made["copy_pdf"], "salinan bercap")
    if made["cover"] is not None:
        cover_paper.number = doc.cover_number or cover_paper.number
        _replace_blob(doc, "stamped_cover_blob_id", made["cover"], "cover_letter_stamped")
        issued.add_file(cover_paper, made["cover"], "ditandatangani dan dicap")
    receipt_paper = issued.issue("receipt", document=doc, number=letters.receipt_number(doc),
                                 signer_name=actor.full_name, signer_role="Diserahkan oleh",
                                 classification=doc.classification, issued_at=now, code=made["receipt_code"])
    _replace_blob(doc, "receipt_blob_id", made["receipt_pdf"], "receipt")
    issued.add_file(receipt_paper, made["receipt_pdf"], "tanda terima")
    return {"stamped": made["stamped"], "papers": [copy_paper.id, getattr(cover_paper, "id", None), receipt_paper.id]}


def copy_attachments(ctx):
    """Before numbering the copy: its "Lampiran", the words the copy letter prints too."""
    ctx.data["attachments"] = letters.lampiran_text(ctx.doc, letters.letters_of(ctx.doc))
    return {}


def retention_years(classification: str) -> int:
    table = settings.get("retention_years") or {}
    default = settings.DEFAULTS["retention_years"]
    return int(table.get(classification) or default.get(classification, 10))


def set_retention(ctx):
    doc = ctx.doc
    years = retention_years(doc.classification)
    doc.retention_until = to_wib(ctx.now).date() + relativedelta(years=years)
    return {"retention_until": doc.retention_until.isoformat(), "retention_years": years}


def init_hooks(app) -> None:
    """The paper side's part of the nine steps (called from naskah.paper.init_app)."""
    workflow.add_hook(app, "initial", prepare_paraf, when="prepare")
    workflow.add_hook(app, "initial", freeze_cover, when="before")
    workflow.add_hook(app, "sign", prepare_signature, when="prepare")
    workflow.add_hook(app, "sign", sign_cover)
    workflow.add_hook(app, "return", void_cover)
    workflow.add_hook(app, "revise", void_cover)
    workflow.add_hook(app, "number_copy", prepare_stamp, when="prepare")
    workflow.add_hook(app, "number_copy", copy_attachments, when="before")
    workflow.add_hook(app, "number_copy", stamp_papers)
    workflow.add_hook(app, "archive", set_retention)
    workflow.add_hook(app, "archive", lambda ctx: loans.set_location(ctx.doc, ctx.actor, ctx.data))
