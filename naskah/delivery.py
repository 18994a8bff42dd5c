"""Step 8 in the order it happens on paper.

1. number and stamp the copy (`number_copy`, still at step 7): the copy's number from the incoming
   agenda book, the stamped copy, the stamped cover letter and the receipt are produced;
2. print the copy, the envelopes (inner and outer for SR/R) and the receipt; carry them;
3. record who received it and when (`deliver`, 7 -> 8), optionally with the scan of the signed
   receipt.

`progress(doc)` tells the card and the document page which of these is done; prints are read
from the audit trail (every print appends one event), so printing changes no record.
"""
from dataclasses import dataclass

from sqlalchemy import select

from . import agenda, settings, timechecks
from .crypto import vault
from .errors import DomainError
from .extensions import db
from .models import AuditEvent, Document
from .timeutil import to_wib, utcnow

SCAN_MAX_BYTES = 5 * 1024 * 1024
SCAN_MAGIC = {b"%PDF-": "application/pdf", b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


@dataclass
class Item:
    key: str
    label: str
    done: bool
    optional: bool = False


def number_copy(doc: Document, actor, data: dict) -> dict:
    """Effect of `number_copy`: the copy's number through the incoming agenda book."""
    now = utcnow()
    year = to_wib(now).year
    entry = agenda.add_entry(
        kind="salinan", year=year, received_on=to_wib(now).date(), sender=doc.sender_agency, actor=actor,
        document=doc, letter_number=doc.sender_ref_number, letter_date=doc.sender_ref_date,
        summary=f"salinan kriptogram no. agenda {doc.agenda_label}", forwarded_to=doc.forwarded_to,
        classification=doc.classification, attachments=attachments_text(doc),
        notes=f"Salinan ke-{doc.copy_index or 1} dari {doc.copy_total or 1}")
    doc.copy_entry_id = entry.id
    doc.letter_number = settings.format_letter_number(entry.number, year)
    return {"letter_number": doc.letter_number, "agenda": entry.label}


def attachments_text(doc: Document) -> str:
    """The copy's "Lampiran" as the agenda book and the copy letter both write it."""
    from . import letters
    return letters.lampiran_text(doc, letters.letters_of(doc))


def is_numbered(doc: Document) -> bool:
    return doc.copy_entry_id is not None


def record_delivery(doc: Document, actor, data: dict) -> dict:
    """Effect of `deliver`: who received the papers and when (checked against the record)."""
    delivered_at = data.get("delivered_at") or utcnow()
    timechecks.check(delivered_at, field="delivered_at", what="Waktu diterima penerima",
                     after=(doc.stamped_at or doc.signed_at, "salinan dinomori dan dicap"))
    scan = read_scan(data.get("receipt_scan"))
    doc.delivered_at = delivered_at
    doc.recipient_name = str(data["recipient_name"]).strip()
    doc.recipient_nip = (data.get("recipient_nip") or "").strip() or None
    details = {"recipient": doc.recipient_name, "letter_number": doc.letter_number}
    if scan is not None:
        doc.receipt_scan_blob_id = vault.store(scan, "receipt_scan").id
        details["receipt_scan_bytes"] = len(scan)
    return details


def read_scan(upload) -> bytes | None:
    """The signed receipt's scan (PDF, JPEG or PNG, checked by content), or None."""
    if upload is None or not getattr(upload, "filename", None):
        return None
    payload = upload.read(SCAN_MAX_BYTES + 1)
    if len(payload) > SCAN_MAX_BYTES:
        raise DomainError("Pindaian tanda terima paling besar 5 MB.", field="receipt_scan")
    if not any(payload.startswith(magic) for magic in SCAN_MAGIC):
        raise DomainError("Pindaian tanda terima harus berupa PDF, JPEG atau PNG.", field="receipt_scan")
    return payload


def scan_type(payload: bytes) -> str:
    return next(t for magic, t in SCAN_MAGIC.items() if payload.startswith(magic))


def _printed(doc: Document) -> dict[str, set]:
    """Papers printed for this document since it was numbered: paper -> variants (one query)."""
    import json
    rows = db.session.execute(select(AuditEvent.action, AuditEvent.details).where(
        AuditEvent.document_id == doc.id, AuditEvent.action.in_(("print.amplop", "print.tanda-terima",
                                                                  "content.read")),
        AuditEvent.at >= (doc.stamped_at or utcnow()))).all()
    out: dict[str, set] = {}
    for action, details in rows:
        d = json.loads(details or "{}")
        if action == "content.read" and d.get("paper") != "salinan":
            continue
        out.setdefault(d.get("paper") or action, set()).add(str(d.get("variant") or ""))
    return out


def progress(doc: Document) -> list[Item]:
    """The step-8 checklist in the order it is done."""
    if doc.step < 7 or doc.signed_at is None:
        return []
    printed = _printed(doc) if doc.stamped_at else {}
    items = [Item("number", "Salinan dinomori dan dicap", is_numbered(doc)),
             Item("copy", "Salinan dicetak", "salinan" in printed)]
    envelopes = printed.get("amplop", set())
    kinds = ("dalam", "luar") if doc.is_red else ("tunggal",)
    names = {"dalam": "Amplop dalam dicetak", "luar": "Amplop luar dicetak", "tunggal": "Amplop dicetak"}
    for kind in kinds:
        items.append(Item(f"envelope-{kind}", names[kind], any(v.startswith(kind) for v in envelopes)))
    items += [Item("receipt", "Tanda terima dicetak", "tanda-terima" in printed),
              Item("delivered", "Penerimaan dicatat", doc.delivered_at is not None),
              Item("scan", "Pindaian tanda terima", doc.receipt_scan_blob_id is not None, optional=True)]
    return items
