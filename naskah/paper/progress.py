"""Step 8's checklist: which papers are numbered, printed and delivered, in paper order.

Prints are read from the audit trail (every print appends one event), so printing changes no
record; the card and the document page show the list.
"""
import json
from dataclasses import dataclass

from sqlalchemy import select

from naskah.core.timeutil import utcnow
from naskah.extensions import db
from naskah.models import AuditEvent, Document


@dataclass
class Item:
    key: str
    label: str
    done: bool
    optional: bool = False


def _printed(doc: Document) -> dict[str, set]:
    """Papers printed for this document since it was numbered: paper -> variants (one query)."""
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
