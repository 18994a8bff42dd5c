"""Template contexts for the printed papers, built from a document and the office settings.

Each `*_context` returns the plain dict a templates/print/*.html file documents at its top; the
same context feeds the PDF (render_pdf) and the browser print view (render_html).
"""
import json
import string
from dataclasses import dataclass
from datetime import date

from naskah.core import settings, vault
from naskah.core.errors import Conflict, DomainError
from naskah.core.timeutil import to_wib, utcnow
from naskah.correspondents import directory
from naskah.extensions import db
from naskah.models import AgendaEntry, Document, Role, User
from naskah.paper import issued
from naskah.paper import office as officesettings
from naskah.printing import render as r
from naskah.printing.formatting import terbilang

ENVELOPE_KINDS = {"dalam": "inner", "luar": "outer", "tunggal": "single"}
ENVELOPE_LABELS = {"dalam": "Amplop dalam", "luar": "Amplop luar", "tunggal": "Amplop"}
ENVELOPE_SIZES = ("C4", "C5", "DL", "folio")


def office() -> dict:
    return {
        "name": [settings.get("office_government").upper(), settings.get("office_name").upper()],
        "unit": settings.get("office_unit"),
        "address": settings.get("office_address"),
        "phone": settings.get("office_phone"),
        "email": settings.get("office_email"),
        "website": settings.get("office_website"),
        "city": settings.get("office_city"),
        "logo": officesettings.image_bytes("office_logo"),
    }


def paper() -> str:
    return settings.get("paper") if settings.get("paper") in officesettings.PAPERS else "A4"


def kasi_signer() -> dict:
    """The signature block of the cover letter: the kasi chosen in settings, or typed there."""
    title = settings.get("kasi_title")
    uid = settings.get("kasi_user_id")
    user = db.session.get(User, uid) if uid else None
    if user is None and not settings.get("kasi_name"):
        user = db.session.scalar(db.select(User).where(User.active_in(Role.KASI))
                                 .order_by(User.id))
    if user is not None:
        return {"title": title, "name": user.full_name, "nip": user.nip or ""}
    return {"title": title, "name": settings.get("kasi_name"), "nip": settings.get("kasi_nip")}


def person(user: User | None, title: str) -> dict | None:
    return None if user is None else {"name": user.full_name, "nip": user.nip or "", "title": user.title or title}


def initials(name: str) -> str:
    words = [w for w in (name or "").replace(",", " ").split() if w[:1].isalpha() and not w.endswith(".")]
    return "".join(w[0].upper() for w in words[:3]) or "-"


def number_placeholder(year: int) -> str:
    """The office number format with the serial left blank, for letters not yet numbered."""
    fmt = settings.get("letter_number_format") or settings.DEFAULTS["letter_number_format"]
    out = []
    for literal, name, _spec, _conv in string.Formatter().parse(fmt):
        out.append(literal)
        if name == "nomor":
            out.append("......")
        elif name == "tahun":
            out.append(str(year))
    return "".join(out)


def letters_of(doc: Document) -> dict:
    """The letter fields (addressee, subject, cover rows); not the secret message itself."""
    if doc.letters_blob_id is None:
        raise Conflict("Salinan belum diketik (langkah 5).")
    return json.loads(vault.load_id(doc.letters_blob_id) or b"{}")


def _attachments(text: str | None) -> list[str]:
    parts = [p.strip() for p in (text or "").replace(";", "\n").split("\n")]
    return [p for p in parts if p]


def lampiran_text(doc: Document, content: dict) -> str:
    """The copy letter's "Lampiran", the same words the agenda book writes for it: what was
    registered with the cryptogram, else the number of attachment items (at least the copy)."""
    registered = db.session.get(AgendaEntry, doc.agenda_entry_id) if doc.agenda_entry_id else None
    if registered is not None and registered.attachments:
        return registered.attachments
    n = max(1, len(_attachments(content.get("attachments"))))
    return f"{n} ({terbilang(n)}) berkas"


@dataclass(frozen=True)
class CopyNumber:
    """The copy's agenda entry as number_copy will write it: the papers are prepared from this
    before the transaction that takes the number (naskah.paper.hooks.prepare_stamp)."""
    year: int
    number: int
    received_on: date
    attachments: str | None
    letter_number: str


def _copy_entry(doc: Document, copy: CopyNumber | None = None):
    if copy is not None:
        return copy
    return db.session.get(AgendaEntry, doc.copy_entry_id) if doc.copy_entry_id else None


def copy_context(doc: Document, content: dict, *, stamp: bool = False, code: str | None = None,
                 copy: CopyNumber | None = None) -> dict:
    entry = _copy_entry(doc, copy)
    letter_number = copy.letter_number if copy is not None else doc.letter_number
    agenda = doc.agenda_label + (f" \u00b7 Nomor salinan: {letter_number}" if letter_number else "")
    return {
        "office": office(), "classification": doc.classification, "urgency": doc.urgency_label,
        "copy_number": doc.copy_index or 1, "copy_total": doc.copy_total or 1,
        "agenda_number": agenda, "letter_number": doc.sender_ref_number, "letter_date": doc.sender_ref_date,
        "sender": doc.sender_agency,
        "date": entry.received_on if entry else to_wib(doc.decrypted_at or utcnow()).date(),
        "addressee": content.get("addressee") or "", "subject": content.get("subject") or "",
        "body": content.get("plaintext") or "", "attachments": _attachments(content.get("attachments")),
        "lampiran": (entry.attachments if entry and entry.attachments else lampiran_text(doc, content)),
        "copied_by": person(doc.assigned_to, "Sandiman"),
        "stamp_image": officesettings.image_bytes("office_stamp") if stamp else None,
        "qr_text": issued.verify_url(code) if code else None,
        "verification_code": issued.display(code) if code else None,
    }


def cover_context(doc: Document, letters: dict, *, code: str | None = None, paraf=None,
                  frozen: bool = False) -> dict:
    """`frozen`: the paraf'd PDF leaves the Nomor field empty; signing writes the number there."""
    year = to_wib(utcnow()).year
    items = [{
        "name": letters.get("cover_item") or "Salinan berita rahasia",
        "quantity": letters.get("cover_quantity") or "1 (satu) berkas",
        "notes": letters.get("cover_notes") or
        f"Salinan ke-{doc.copy_index or 1} dari {doc.copy_total or 1}; agenda {doc.agenda_label}",
    }]
    if paraf is None and doc.paraf_by is not None:
        paraf = {"initials": initials(doc.paraf_by.full_name), "time": doc.paraf_at}
    ctx = {
        "office": office(), "classification": doc.classification,
        "number": doc.cover_number or ("" if frozen else number_placeholder(year)),
        "date": doc.paraf_at or utcnow(),  # the letter is dated when it is frozen at paraf
        "addressee": letters.get("addressee") or "", "items": items, "paraf": paraf,
        "signer": kasi_signer(),
    }
    if code:
        ctx["verification_code"] = issued.display(code)
        ctx["qr_text"] = issued.verify_url(code)
    return ctx


def envelope_context(doc: Document, kind: str, letters: dict) -> dict:
    if kind not in ENVELOPE_KINDS:
        raise DomainError("Jenis amplop tidak dikenal.", field="jenis")
    if doc.is_red and kind == "tunggal":
        raise DomainError("Naskah Sangat Rahasia dan Rahasia memakai amplop ganda (dalam dan luar).",
                          field="jenis")
    if not doc.is_red and kind != "tunggal":
        raise DomainError("Naskah Terbatas dan Biasa memakai satu amplop.", field="jenis")
    return {"kind": ENVELOPE_KINDS[kind], "office": office(), "classification": doc.classification,
            "letter_number": doc.letter_number or number_placeholder(to_wib(utcnow()).year),
            "addressee": _envelope_addressee(letters),
            "urgency": doc.urgency_label if doc.urgency != "biasa" else None}


def _envelope_addressee(letters: dict):
    """The directory's entry when the addressee names one, else the name with the address typed
    at step 5; the envelope prints the address lines, then "di Tempat"."""
    name = letters.get("addressee") or ""
    found = directory.envelope_addressee(name)
    if isinstance(found, dict):
        return found
    return {"title": name, "name": None, "address": letters.get("addressee_address") or ""}


def envelope_kinds(doc: Document) -> list[str]:
    return ["dalam", "luar"] if doc.is_red else ["tunggal"]


def receipt_number(doc: Document, copy: CopyNumber | None = None) -> str:
    entry = _copy_entry(doc, copy)
    if entry is None:
        raise Conflict("Tanda terima tersedia setelah salinan dinomori (langkah 8).")
    return f"TT-{entry.year}-{entry.number:04d}"


def receipt_context(doc: Document, letters: dict, *, code: str | None = None,
                    copy: CopyNumber | None = None) -> dict:
    entry = _copy_entry(doc, copy)
    return {
        "office": office(), "number": receipt_number(doc, copy),
        "date": entry.received_on if entry else to_wib(utcnow()).date(),
        "items": [{"letter_number": copy.letter_number if copy is not None else doc.letter_number,
                   "classification": doc.classification,
                   "copy_number": doc.copy_index or 1, "copy_total": doc.copy_total or 1,
                   "agenda_number": doc.agenda_label, "notes": "beserta surat pengantar"}],
        "recipient": letters.get("addressee") or doc.forwarded_to or "",
        "sender": person(doc.delivery_assignee, "Sandiman"),
        "qr_text": issued.verify_url(code) if code else None,
        "verification_code": issued.display(code) if code else None,
    }


def agenda_context(rows, period: str) -> dict:
    return {
        "office": office(), "period": period, "printed_at": utcnow(),
        "rows": [{"received_at": e.received_on, "agenda_number": e.label, "sender": e.sender,
                  "letter_number": e.letter_number or "", "letter_date": e.letter_date,
                  "summary": e.summary + (f" ({e.classification})" if e.classification else ""),
                  "attachments": e.attachments, "forwarded_to": e.forwarded_to,
                  "notes": e.notes} for e in rows],
    }


def render_pdf(template: str, ctx: dict, **kw) -> bytes:
    kw.setdefault("paper", paper())
    return r.render_pdf(template, ctx, **kw)


def render_html(template: str, ctx: dict, **kw) -> str:
    from flask import url_for
    kw.setdefault("paper", paper())
    return r.render_html(template, ctx, font_base_url=url_for("static", filename="fonts"), **kw)


def envelope_kw(size: str) -> dict:
    if size not in ENVELOPE_SIZES:
        raise DomainError("Ukuran amplop tidak dikenal.", field="ukuran")
    return {"page_size_mm": r.envelope_size_mm(size), "orientation": "landscape"}
