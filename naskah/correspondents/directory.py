"""The correspondent directory: who the sending agencies are, which addresses and keys are theirs.

Free-text agency names (receive form, CLI, key imports) resolve here by full name or short name,
case and spacing ignored, following merges; a merged entry keeps its name as an alias so old
spellings still find the survivor. Every change appends one audit event in the caller's
transaction; committing is the caller's job.
"""
import re

from sqlalchemy import func, or_, update

from naskah.audit import chain as audit
from naskah.core.errors import DomainError, NotFound
from naskah.core.timeutil import utcnow
from naskah.extensions import db
from naskah.models import Document
from naskah.models.correspondent import Correspondent, CorrespondentEmail
from naskah.models.keys import CorrespondentCert, SharedKey

# A pragmatic address check (the mailbox part and a dotted domain); RFC 5322 in full is not
# what people type into a directory, and the stored value is compared, never sent to.
EMAIL_RE = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
LIMITS = {"name": 200, "short_name": 40, "address": 1000, "contact": 200}


def name_key(name: str | None) -> str:
    """The comparison form of an agency name: spaces collapsed, case folded."""
    return " ".join((name or "").split()).casefold()


def clean(name: str | None) -> str:
    return " ".join((name or "").split())


def survivor(entry: Correspondent | None) -> Correspondent | None:
    """Follow merges to the entry that is still in use."""
    seen = set()
    while entry is not None and entry.merged_into_id is not None and entry.id not in seen:
        seen.add(entry.id)
        entry = db.session.get(Correspondent, entry.merged_into_id)
    return entry


def resolve(name: str | None) -> Correspondent | None:
    """The directory entry an agency name (full or short, any case) stands for, or None."""
    key = name_key(name)
    if not key:
        return None
    entry = db.session.scalar(db.select(Correspondent).where(Correspondent.name_key == key))
    if entry is None:
        entry = db.session.scalar(db.select(Correspondent).where(
            func.lower(Correspondent.short_name) == key, Correspondent.merged_into_id.is_(None)))
    return survivor(entry)


def by_email(address: str | None) -> Correspondent | None:
    address = (address or "").strip().lower()
    if not address:
        return None
    row = db.session.scalar(db.select(CorrespondentEmail).where(CorrespondentEmail.address == address))
    return survivor(row.correspondent) if row else None


def by_certificate(fingerprint: str | None) -> Correspondent | None:
    if not fingerprint:
        return None
    row = db.session.scalar(db.select(CorrespondentCert).where(
        CorrespondentCert.fingerprint == fingerprint, CorrespondentCert.retired_at.is_(None),
        CorrespondentCert.correspondent_id.is_not(None)))
    return survivor(db.session.get(Correspondent, row.correspondent_id)) if row else None


def get_or_404(entry_id: int) -> Correspondent:
    entry = db.session.get(Correspondent, entry_id)
    if entry is None:
        raise NotFound("Koresponden tidak ditemukan.")
    return entry


def parse_emails(text: str | None) -> list[str]:
    """Addresses from a textarea: one per line, or separated by commas, semicolons or spaces."""
    seen = []
    for part in re.split(r"[\s,;]+", text or ""):
        part = part.strip().lower()
        if part and part not in seen:
            seen.append(part)
    return seen


def problems(data: dict, entry: Correspondent | None = None) -> dict[str, str]:
    """Every problem with the submitted fields at once: {field: message}."""
    errors = {}
    name = clean(data.get("name"))
    if not name:
        errors["name"] = "Wajib diisi."
    for field, limit in LIMITS.items():
        if len((data.get(field) or "").strip()) > limit:
            errors[field] = f"Paling banyak {limit} karakter."
    if name and "name" not in errors:
        other = db.session.scalar(db.select(Correspondent).where(Correspondent.name_key == name_key(name)))
        if other is not None and (entry is None or other.id != entry.id):
            live = survivor(other)
            errors["name"] = (f"Nama ini sudah ada di direktori: \u201c{live.name}\u201d."
                              if live is not None else "Nama ini sudah ada di direktori.")
    short = clean(data.get("short_name"))
    if short and "short_name" not in errors:
        other = db.session.scalar(db.select(Correspondent).where(
            func.lower(Correspondent.short_name) == short.casefold(), Correspondent.merged_into_id.is_(None)))
        if other is not None and (entry is None or other.id != entry.id):
            errors["short_name"] = f"Singkatan ini sudah dipakai \u201c{other.name}\u201d."
    bad, taken = [], []
    for address in parse_emails(data.get("emails")):
        if len(address) > 254 or not EMAIL_RE.fullmatch(address):
            bad.append(address)
            continue
        owner = by_email(address)
        if owner is not None and (entry is None or owner.id != entry.id):
            taken.append(f"{address} ({owner.name})")
    if bad:
        errors["emails"] = "Alamat surel tidak valid: " + ", ".join(bad) + "."
    elif taken:
        errors["emails"] = "Alamat sudah terdaftar untuk instansi lain: " + ", ".join(taken) + "."
    return errors


def _check(data: dict, entry: Correspondent | None) -> None:
    errors = problems(data, entry)
    if errors:
        field, message = next(iter(errors.items()))
        error = DomainError(message, field=field)
        error.problems = errors
        raise error


def _apply(entry: Correspondent, data: dict) -> list[str]:
    entry.name = clean(data.get("name"))
    entry.name_key = name_key(entry.name)
    entry.short_name = clean(data.get("short_name")) or None
    entry.address = (data.get("address") or "").strip() or None
    entry.contact = clean(data.get("contact")) or None
    wanted = parse_emails(data.get("emails"))
    for row in list(entry.emails):
        if row.address not in wanted:
            db.session.delete(row)
            entry.emails.remove(row)
    have = {row.address for row in entry.emails}
    for address in wanted:
        if address not in have:
            entry.emails.append(CorrespondentEmail(address=address))
    return wanted


def create(data: dict, actor=None, *, audited: bool = True) -> Correspondent:
    _check(data, None)
    entry = Correspondent(created_by_id=getattr(actor, "id", None))
    emails = _apply(entry, data)
    db.session.add(entry)
    db.session.flush()
    if not audited:
        return entry
    audit.append("correspondent.create", object_type="correspondent", object_id=entry.id,
                 **_actor_kw(actor), details={"name": entry.name, "short_name": entry.short_name,
                                              "emails": emails})
    return entry


def update_entry(entry: Correspondent, data: dict, actor=None) -> Correspondent:
    if entry.merged_into_id is not None:
        raise DomainError("Entri ini sudah digabungkan; ubah entri hasil gabungannya.")
    _check(data, entry)
    before = {"name": entry.name, "short_name": entry.short_name}
    emails = _apply(entry, data)
    db.session.flush()
    _rename_keys(entry)
    audit.append("correspondent.update", object_type="correspondent", object_id=entry.id,
                 **_actor_kw(actor), details={"before": before, "name": entry.name,
                                              "short_name": entry.short_name, "emails": emails})
    return entry


def _rename_keys(entry: Correspondent) -> None:
    """Keys and certificates carry their entry's current name (the key page lists it)."""
    for model in (SharedKey, CorrespondentCert):
        db.session.execute(update(model).where(model.correspondent_id == entry.id).values(agency=entry.name)
                           .execution_options(synchronize_session=False))


def merge(source: Correspondent, target: Correspondent, actor=None) -> Correspondent:
    """Fold a duplicate into the surviving entry, keeping the duplicate's name as an alias.

    Documents keep the agency name as it was written at intake (the agenda book's history) and
    now point at the survivor; keys, certificates and e-mail addresses move to it.
    """
    target = survivor(target)
    if source.merged_into_id is not None:
        raise DomainError("Entri ini sudah digabungkan sebelumnya.", field="target_id")
    if target is None or target.id == source.id:
        raise DomainError("Pilih entri lain sebagai hasil gabungan.", field="target_id")
    moved = {}
    for model, label in ((Document, "documents"), (SharedKey, "shared_keys"), (CorrespondentCert, "certificates")):
        result = db.session.execute(update(model).where(model.correspondent_id == source.id)
                                    .values(correspondent_id=target.id)
                                    .execution_options(synchronize_session=False))
        moved[label] = result.rowcount
    _rename_keys(target)
    emails = [row.address for row in source.emails]
    for row in list(source.emails):
        row.correspondent_id = target.id
    for field in ("short_name", "address", "contact"):
        if not getattr(target, field) and getattr(source, field):
            setattr(target, field, getattr(source, field))
            if field == "short_name":
                source.short_name = None
    source.merged_into_id, source.merged_at = target.id, utcnow()
    db.session.flush()
    db.session.expire_all()
    audit.append("correspondent.merge", object_type="correspondent", object_id=target.id, **_actor_kw(actor),
                 details={"merged": source.id, "merged_name": source.name, "into": target.id,
                          "into_name": target.name, "emails": emails, **moved})
    return target


def link(name: str | None) -> int | None:
    """The directory id for an agency name written at intake (None when unknown)."""
    entry = resolve(name)
    return entry.id if entry else None


def listing(q: str | None = None) -> list[Correspondent]:
    stmt = db.select(Correspondent).where(Correspondent.merged_into_id.is_(None)).order_by(Correspondent.name)
    if q and q.strip():
        pattern = f"%{q.strip().lower()}%"
        stmt = stmt.where(or_(Correspondent.name_key.like(pattern), func.lower(Correspondent.short_name).like(pattern),
                              Correspondent.id.in_(db.select(CorrespondentEmail.correspondent_id)
                                                   .where(CorrespondentEmail.address.like(pattern)))))
    return db.session.scalars(stmt).all()


def counts() -> dict[int, dict[str, int]]:
    """Per entry: how many documents, certificates and pre-shared keys point at it."""
    out: dict[int, dict[str, int]] = {}
    for model, label in ((Document, "documents"), (CorrespondentCert, "certificates"), (SharedKey, "keys")):
        for cid, n in db.session.execute(db.select(model.correspondent_id, func.count())
                                         .where(model.correspondent_id.is_not(None))
                                         .group_by(model.correspondent_id)):
            out.setdefault(cid, {}).setdefault(label, n)
    return out


def suggestions() -> list[str]:
    """Names for the receive form's autocomplete: every live entry's name (and short name)."""
    rows = db.session.execute(db.select(Correspondent.name, Correspondent.short_name)
                              .where(Correspondent.merged_into_id.is_(None)).order_by(Correspondent.name)).all()
    return [name for name, _ in rows]


def aliases(entry: Correspondent) -> list[Correspondent]:
    return db.session.scalars(db.select(Correspondent).where(Correspondent.merged_into_id == entry.id)
                              .order_by(Correspondent.name)).all()


def certificates(entry: Correspondent) -> list[CorrespondentCert]:
    return db.session.scalars(db.select(CorrespondentCert).where(CorrespondentCert.correspondent_id == entry.id)
                              .order_by(CorrespondentCert.retired_at.is_not(None), CorrespondentCert.id)).all()


def shared_keys(entry: Correspondent) -> list[SharedKey]:
    return db.session.scalars(db.select(SharedKey).where(SharedKey.correspondent_id == entry.id)
                              .order_by(SharedKey.retired_at.is_not(None), SharedKey.id)).all()


def expected_keys(doc: Document) -> dict:
    """What the decryption step should expect for this document's sender: its pinned
    certificates (signatures) and its pre-shared keys still in force."""
    entry = survivor(doc.correspondent) if doc.correspondent_id else resolve(doc.sender_agency)
    if entry is None:
        return {"entry": None, "certificates": [], "keys": []}
    return {"entry": entry,
            "certificates": [c for c in certificates(entry) if c.retired_at is None],
            "keys": [k for k in shared_keys(entry) if k.retired_at is None]}


def addressee(doc: Document) -> dict:
    """The sender's name and postal address for letters and envelopes going back to it."""
    entry = survivor(doc.correspondent) if doc.correspondent_id else resolve(doc.sender_agency)
    if entry is None:
        return {"name": doc.sender_agency, "address": ""}
    return {"name": entry.name, "address": entry.address or ""}


def _actor_kw(actor) -> dict:
    return {"actor": actor} if actor is not None else {"actor_name": "cli"}


def envelope_addressee(text: str):
    """An envelope's addressee: {name, address} when the text names a directory entry (so the
    postal address is printed), else the text as typed."""
    entry = resolve(text) if text else None
    if entry is None or not entry.address:
        return text
    return {"name": entry.name, "address": entry.address}
