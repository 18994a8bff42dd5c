"""Step 8's checklist: which papers are numbered, printed and delivered, in paper order.

Prints are read from the audit trail (every print appends one event), so printing changes no
record; the card and the document page show the list.
"""
import json
from dataclasses import dataclass

from sqlalchemy import select

from naskah.extensions import db
from naskah.models import AuditEvent, Document


@dataclass
class Item:
    key: str
    label: str
    done: bool
    optional: bool = False


def _printed_many(docs: list[Document]) -> dict[int, dict[str, set]]:
    """Papers printed for each stamped document since it was numbered: doc id -> paper ->
    variants, in ONE query for all of them (the board has up to a page of step-7 cards)."""
    stamped = {d.id: d.stamped_at for d in docs if d.stamped_at}
    out: dict[int, dict[str, set]] = {doc_id: {} for doc_id in stamped}
    if not stamped:
        return out
    rows = db.session.execute(select(AuditEvent.document_id, AuditEvent.action, AuditEvent.details, AuditEvent.at)
                              .where(AuditEvent.document_id.in_(list(stamped)),
                                     AuditEvent.action.in_(("print.amplop", "print.tanda-terima", "content.read")),
                                     AuditEvent.at >= min(stamped.values()))).all()
    for doc_id, action, details, at in rows:
        if at < stamped[doc_id]:
            continue
        d = json.loads(details or "{}")
        if action == "content.read" and d.get("paper") != "salinan":
            continue
        out[doc_id].setdefault(d.get("paper") or action, set()).add(str(d.get("variant") or ""))
    return out


def progress(doc: Document) -> list[Item]:
    """The step-8 checklist in the order it is done."""
    return progress_many([doc]).get(doc.id, [])


def progress_many(docs: list[Document]) -> dict[int, list[Item]]:
    """The checklists of several documents (those at step 7 or later that are signed), with
    one audit query for all."""
    docs = [d for d in docs if d.step >= 7 and d.signed_at is not None]
    printed = _printed_many(docs)
    return {d.id: _items(d, printed.get(d.id, {})) for d in docs}


def _items(doc: Document, printed: dict[str, set]) -> list[Item]:
    items = [Item("number", "Salinan dinomori dan dicap", doc.copy_entry_id is not None),
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
