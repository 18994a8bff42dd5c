"""Step 8 in the order it happens on paper: the two transitions' effects.

1. `number_copy` (still at step 7): the copy's number through the incoming agenda book; the
   paper area's hook stamps the copy and the cover letter and produces the receipt;
2. the papers are printed and carried (paper.progress shows what is done);
3. `deliver` (7 -> 8): who received them and when, checked against the record, optionally with
   the scan of the signed receipt.
"""
from naskah.agenda import book as agenda
from naskah.core import settings, timechecks, vault
from naskah.core.errors import DomainError
from naskah.core.timeutil import to_wib
from naskah.models import Document

SCAN_MAX_BYTES = 5 * 1024 * 1024
SCAN_MAGIC = {b"%PDF-": "application/pdf", b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


def is_numbered(doc: Document) -> bool:
    return doc.copy_entry_id is not None


def number_copy(doc: Document, actor, data: dict, now) -> dict:
    """The copy's number; `data["attachments"]` (the copy's Lampiran) comes from the paper hook."""
    year = to_wib(now).year
    entry = agenda.add_entry(
        kind="salinan", year=year, received_on=to_wib(now).date(), sender=doc.sender_agency, actor=actor,
        document=doc, letter_number=doc.sender_ref_number, letter_date=doc.sender_ref_date,
        summary=f"salinan kriptogram no. agenda {doc.agenda_label}", forwarded_to=doc.forwarded_to,
        classification=doc.classification, attachments=data.get("attachments") or None,
        notes=f"Salinan ke-{doc.copy_index or 1} dari {doc.copy_total or 1}")
    doc.copy_entry_id = entry.id
    doc.letter_number = settings.format_letter_number(entry.number, year)
    return {"letter_number": doc.letter_number, "agenda": entry.label}


def record_delivery(doc: Document, actor, data: dict, now) -> dict:
    """Who received the papers and when; the time is checked against the document's history."""
    delivered_at = data.get("delivered_at") or now
    timechecks.check(delivered_at, field="delivered_at", what="Waktu diterima penerima",
                     after=(doc.stamped_at or doc.signed_at, "salinan dinomori dan dicap"), now=now)
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
    """The signed receipt's scan (PDF, JPEG or PNG, checked by its bytes), or None."""
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


CONDITIONS = {
    "numbered": (is_numbered, "Nomori dan cap salinan lebih dahulu, lalu cetak salinan, amplop dan tanda terima."),
    "not_numbered": (lambda doc: not is_numbered(doc),
                     "Naskah ini telah diubah: salinannya sudah dinomori dan dicap. Muat ulang lalu periksa kembali."),
}
