"""The complaint desk's flow: statuses as data, and the one function that moves a complaint.

Baru -> Ditanggapi (the petugas responds, as often as needed) -> Selesai (solution recorded), or
Ditanggapi -> Dieskalasi (reason required) to a pejabat, who responds until Selesai. Only that
pejabat closes an escalated complaint. A closed complaint can be reopened with a reason; it
goes back to whoever last had it (Dieskalasi if it had been escalated, else Ditanggapi).

Views never set `status`; they call `apply()`, which checks the transition table (source status,
role, guard), runs the effect and appends exactly one audit event. Audit details never carry the
complainant's identity nor the complaint text: the audit log is readable by kasi and admin.
"""
import enum
import json
import re
from dataclasses import dataclass

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm.exc import StaleDataError

from naskah.agenda import book as agenda
from naskah.audit import chain as audit
from naskah.complaints import accesscodes, survey
from naskah.complaints.targets import due_after, is_overdue, next_due, overdue_clause, target_days  # noqa: F401
from naskah.core import vault
from naskah.core.errors import Conflict, DomainError, Forbidden, Invalid
from naskah.core.timeutil import to_wib, utcnow
from naskah.extensions import db
from naskah.models import AgendaEntry, Role, User
from naskah.models.complaint import COMPLAINT_CHANNELS, COMPLAINT_STATUSES, Complaint, ComplaintResponse

COUNTER_BOOK = "pengaduan"          # ticket numbers share the agenda's atomic per-year counter
TEXT_MAX = 4000
NAME_MAX = 120
CONTACT_MAX = 120
IDENTITY_ROLES = (Role.PETUGAS.value, Role.PEJABAT.value)
ANONYMOUS_WORDS = {"", "anonim", "anonymous", "-", "tanpa nama"}
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-.]{5,19}$")
_TICKET = re.compile(r"^ADU-(\d{4})-(\d{1,6})$")
_AGENDA = re.compile(r"^0*(\d{1,6})\s*/\s*(\d{4})$")



class Status(str, enum.Enum):
    BARU = "baru"
    DITANGGAPI = "ditanggapi"
    DIESKALASI = "dieskalasi"
    SELESAI = "selesai"

    @property
    def label(self) -> str:
        return COMPLAINT_STATUSES[self.value]


@dataclass(frozen=True)
class Transition:
    action: str
    source: Status
    target: Status
    roles: frozenset
    label: str
    when: str | None = None      # state that selects this row: "escalated" / "not_escalated"
    guard: str | None = None     # "escalated_to": only the pejabat the complaint was escalated to
    needs: tuple = ()

    @property
    def key(self) -> str:
        return f"{self.action}-{self.source.value}"


P, J = frozenset({Role.PETUGAS.value}), frozenset({Role.PEJABAT.value})
TRANSITIONS = (
    Transition("respond", Status.BARU, Status.DITANGGAPI, P, "Tanggapi", needs=("text",)),
    Transition("respond", Status.DITANGGAPI, Status.DITANGGAPI, P, "Tambah tanggapan", needs=("text",)),
    Transition("escalate", Status.DITANGGAPI, Status.DIESKALASI, P, "Eskalasi ke pejabat",
               needs=("reason", "pejabat_id")),
    Transition("close", Status.DITANGGAPI, Status.SELESAI, P, "Selesaikan", needs=("solution",)),
    Transition("respond", Status.DIESKALASI, Status.DIESKALASI, J, "Tanggapi", guard="escalated_to",
               needs=("text",)),
    Transition("close", Status.DIESKALASI, Status.SELESAI, J, "Selesaikan", guard="escalated_to",
               needs=("solution",)),
    Transition("reopen", Status.SELESAI, Status.DITANGGAPI, P | J, "Buka kembali", when="not_escalated",
               needs=("reason",)),
    Transition("reopen", Status.SELESAI, Status.DIESKALASI, P | J, "Buka kembali", when="escalated",
               needs=("reason",)),
)
ACTIONS = tuple(dict.fromkeys(t.action for t in TRANSITIONS))
ROLE_NAMES = {Role.PETUGAS.value: "Petugas Layanan", Role.PEJABAT.value: "Pejabat Dinas"}


def _when_ok(t: Transition, c: Complaint) -> bool:
    if t.when == "escalated":
        return c.was_escalated
    if t.when == "not_escalated":
        return not c.was_escalated
    return True


def find(c: Complaint, action: str, actor: User) -> Transition:
    """The row for `action` from the complaint's status; Forbidden/Conflict/DomainError otherwise."""
    rows = [t for t in TRANSITIONS if t.action == action]
    if not rows:
        raise DomainError("Tindakan tidak dikenal.")
    here = [t for t in rows if t.source.value == c.status and _when_ok(t, c)]
    if not here:
        if not any(actor.role in t.roles for t in rows):
            raise Forbidden(f"Tindakan \u201c{rows[0].label}\u201d tidak boleh dilakukan oleh peran Anda.")
        raise Conflict(f"Tindakan \u201c{rows[0].label}\u201d tidak dapat dilakukan: pengaduan {c.ticket} "
                       f"berstatus {c.status_label}. Muat ulang untuk melihat keadaan terbaru.")
    return here[0]


def check(c: Complaint, t: Transition, actor: User) -> None:
    if actor.role not in t.roles:
        names = " atau ".join(ROLE_NAMES[r] for r in sorted(t.roles))
        raise Forbidden(f"Tindakan \u201c{t.label}\u201d pada status {c.status_label} hanya dapat dilakukan oleh {names}.")
    if t.guard == "escalated_to" and c.escalated_to_id != actor.id:
        raise Forbidden("Hanya pejabat yang menerima eskalasi pengaduan ini yang dapat menanganinya.")


def allowed(c: Complaint, actor: User) -> list[Transition]:
    """The transitions `actor` may take now (for the forms on the detail page)."""
    out = []
    for action in ACTIONS:
        try:
            t = find(c, action, actor)
            check(c, t, actor)
        except DomainError:
            continue
        out.append(t)
    return out


def apply(c: Complaint, action: str, actor: User, data: dict | None = None, *,
          expected_version: int | None = None):
    """Apply one transition in the caller's transaction and return its audit event."""
    data = dict(data or {})
    t = find(c, action, actor)
    check(c, t, actor)
    if expected_version is not None and c.version != expected_version:
        raise Conflict("Pengaduan ini telah diubah oleh pengguna lain sejak Anda membukanya. "
                       "Muat ulang lalu periksa kembali.")
    for key in t.needs:
        value = data.get(key)
        if value is None or not str(value).strip():
            raise DomainError("Wajib diisi.", field=key)
    for key in ("text", "reason", "solution"):
        if len(str(data.get(key) or "")) > TEXT_MAX:
            raise DomainError(f"Paling banyak {TEXT_MAX} karakter.", field=key)
    source, now = c.status, utcnow()
    details = EFFECTS[t.action](c, actor, data, now) or {}
    c.status = t.target.value
    c.updated_at = now  # every transition touches the row, so its version moves
    db.session.flush()  # version check: a concurrent change raises StaleDataError here
    details.update({"ticket": c.ticket, "from": source, "to": c.status})
    return audit.append(f"complaint.{t.action}", actor=actor, object_type="complaint",
                        object_id=c.id, details=details)


def run(c: Complaint, action: str, actor: User, data: dict | None = None, *,
        expected_version: int | None = None) -> Complaint:
    """One transition end to end, as the nine steps' `workflow.engine.run`: apply and commit, or
    roll back and raise the DomainError (a lost race is a Conflict) so nothing is half-saved."""
    try:
        apply(c, action, actor, data, expected_version=expected_version)
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise Conflict("Pengaduan ini baru saja diubah oleh pengguna lain. Muat ulang lalu periksa kembali.") from None
    except DomainError:
        db.session.rollback()
        raise
    return c


def _entry(c, actor, kind, text, public, now):
    db.session.add(ComplaintResponse(complaint=c, author_id=actor.id, at=now, kind=kind,
                                     text=str(text).strip(), public=bool(public)))


def _respond(c, actor, data, now):
    public = bool(data.get("public"))
    _entry(c, actor, "tanggapan", data["text"], public, now)
    if c.first_response_at is None:
        c.first_response_at = now
    if c.handler_id is None and actor.role == Role.PETUGAS.value:
        c.handler_id = actor.id
    return {"public": public}


def _escalate(c, actor, data, now):
    pejabat = db.session.get(User, int(data["pejabat_id"])) if str(data["pejabat_id"]).isdigit() else None
    if pejabat is None or not pejabat.active or pejabat.role != Role.PEJABAT.value:
        raise DomainError("Pilih pejabat yang aktif.", field="pejabat_id")
    c.escalated_to_id, c.escalated_to = pejabat.id, pejabat
    c.escalated_at = now
    c.escalation_reason = str(data["reason"]).strip()
    _entry(c, actor, "eskalasi", c.escalation_reason, False, now)
    return {"pejabat": pejabat.username}


def _close(c, actor, data, now):
    public = bool(data.get("public", True))
    c.solution = str(data["solution"]).strip()
    c.closed_at, c.closed_by_id = now, actor.id
    _entry(c, actor, "penyelesaian", c.solution, public, now)
    survey.register_digest(c.access_code_digest, "pengaduan", c.ticket)
    return {"public": public}


def _reopen(c, actor, data, now):
    c.closed_at = c.closed_by_id = None
    c.reopened_at = now
    c.reopen_count = (c.reopen_count or 0) + 1
    c.solution_due = due_after(now, target_days()[1])
    _entry(c, actor, "dibuka", data["reason"], False, now)
    return {"reopen_count": c.reopen_count}


EFFECTS = {"respond": _respond, "escalate": _escalate, "close": _close, "reopen": _reopen}
assert set(EFFECTS) == set(ACTIONS)


# -- creation and identity ----------------------------------------------------------------
def check_input(data: dict, *, public: bool = False) -> dict:
    """Cleaned complaint fields; raises Invalid with every problem found (one per field)."""
    errors = {}

    def text_of(key, limit, label):
        value = str(data.get(key) or "").strip()
        if len(value) > limit:
            errors.setdefault(key, f"{label} paling banyak {limit} karakter.")
        return value

    clean = {
        "channel": "website" if public else str(data.get("channel") or ""),
        "text": text_of("text", TEXT_MAX, "Isi pengaduan"),
        "name": text_of("name", NAME_MAX, "Nama"),
        "contact": text_of("contact", CONTACT_MAX, "Kontak"),
        "lapor_id": text_of("lapor_id", 40, "Nomor pelacakan SP4N-LAPOR!"),
        "related_agenda": text_of("related_agenda", 40, "Nomor agenda"),
    }
    clean["anonymous"] = clean["name"].lower() in ANONYMOUS_WORDS
    if clean["channel"] not in COMPLAINT_CHANNELS:
        errors.setdefault("channel", "Pilih saluran pengaduan.")
    if not clean["text"]:
        errors.setdefault("text", "Isi pengaduan wajib diisi.")
    if not public and not clean["name"]:
        errors.setdefault("name", "Tulis nama pelapor, atau \u201canonim\u201d.")
    contact = clean["contact"]
    if contact and not (_EMAIL.match(contact) or _PHONE.match(contact)):
        errors.setdefault("contact", "Tulis nomor telepon atau alamat email yang valid.")
    if not clean["anonymous"] and not contact and clean["name"]:
        errors.setdefault("contact", "Kontak wajib diisi bila nama disebutkan (boleh kosong bila anonim).")
    if clean["channel"] == "lapor" and not clean["lapor_id"]:
        errors.setdefault("lapor_id", "Nomor pelacakan SP4N-LAPOR! wajib diisi untuk saluran ini.")
    if errors:
        raise Invalid([DomainError(message, field=field) for field, message in errors.items()])
    return clean


def create(actor: User | None, data: dict, *, public: bool = False) -> tuple[Complaint, str]:
    """Record a complaint; returns it with its access code (shown once, never stored)."""
    if not public and (actor is None or actor.role != Role.PETUGAS.value):
        raise Forbidden("Hanya Petugas Layanan yang dapat mencatat pengaduan.")
    clean = check_input(data, public=public)
    channel, text, name, contact = clean["channel"], clean["text"], clean["name"], clean["contact"]
    anonymous, lapor_id, related = clean["anonymous"], clean["lapor_id"], clean["related_agenda"]

    now = utcnow()
    year = to_wib(now).year
    number = agenda.next_number(year, book=COUNTER_BOOK)
    code = accesscodes.generate()
    blob_id = None
    if contact or not anonymous:
        identity = {"name": None if anonymous else name, "contact": contact or None}
        blob_id = vault.store(json.dumps(identity, ensure_ascii=False).encode(), "complaint_identity").id
    first_days, solution_days = target_days()
    c = Complaint(
        year=year, number=number, ticket=f"ADU-{year}-{number:04d}",
        access_code_digest=accesscodes.digest(code), channel=channel,
        lapor_id=(lapor_id or None) if channel == "lapor" else None, anonymous=anonymous,
        identity_blob_id=blob_id, text=text, related_agenda=related or None,
        related_document_id=_document_for_agenda(related), status=Status.BARU.value,
        created_at=now, first_response_due=due_after(now, first_days),
        solution_due=due_after(now, solution_days), created_by_id=getattr(actor, "id", None),
        handler_id=getattr(actor, "id", None),
    )
    db.session.add(c)
    db.session.flush()
    details = {"ticket": c.ticket, "channel": channel, "anonymous": anonymous}
    if public:
        details["ip"] = None  # a complainant's address is identity too: not in the audit log
    audit.append("complaint.create", actor=actor, actor_name=None if actor else "publik",
                 object_type="complaint", object_id=c.id, details=details)
    return c, code


def _document_for_agenda(text: str):
    m = _AGENDA.match(text or "")
    if not m:
        return None
    return db.session.scalar(select(AgendaEntry.document_id).where(
        AgendaEntry.book == agenda.BOOK_INCOMING, AgendaEntry.kind == "kriptogram",
        AgendaEntry.number == int(m.group(1)), AgendaEntry.year == int(m.group(2))))


def can_see_identity(user) -> bool:
    return getattr(user, "role", None) in IDENTITY_ROLES


def identity(c: Complaint, user: User) -> dict:
    """Name and contact, for petugas and pejabat only."""
    if not can_see_identity(user):
        raise Forbidden("Identitas pelapor hanya dapat dilihat Petugas Layanan dan Pejabat Dinas.")
    data = json.loads(vault.load_id(c.identity_blob_id) or b"{}")
    return {"name": data.get("name") or "Anonim", "contact": data.get("contact") or "",
            "anonymous": c.anonymous}


def new_code(c: Complaint, actor: User) -> str:
    """Replace the access code (e.g. to reprint a slip); the old one stops working."""
    if actor.role != Role.PETUGAS.value:
        raise Forbidden("Hanya Petugas Layanan yang dapat membuat kode akses baru.")
    old = c.access_code_digest
    code = accesscodes.generate()
    c.access_code_digest = accesscodes.digest(code)
    survey.replace_digest(old, c.access_code_digest)
    db.session.flush()
    audit.append("complaint.new_code", actor=actor, object_type="complaint", object_id=c.id,
                 details={"ticket": c.ticket})
    return code


# -- lookups ------------------------------------------------------------------------------
def normalize_ticket(text: str | None) -> str | None:
    m = _TICKET.match(re.sub(r"\s", "", str(text or "")).upper()[:30])
    return f"ADU-{m.group(1)}-{int(m.group(2)):04d}" if m else None


def lookup(ticket: str | None, code: str | None) -> Complaint | None:
    """The complaint for a ticket + access code pair, or None; same work whichever part is wrong."""
    norm = normalize_ticket(ticket) or ""
    c = db.session.scalar(select(Complaint).where(Complaint.ticket == norm))
    ok = accesscodes.matches(code, c.access_code_digest if c is not None else None)
    return c if ok else None


def get(complaint_id: int, user: User) -> Complaint:
    from flask import abort
    if not can_see_identity(user):
        abort(403)
    c = db.session.get(Complaint, complaint_id)
    if c is None:
        abort(404)
    return c


def queue(user: User, *, status="terbuka", channel=None, overdue_only=False, q=None,
          page=1, per_page=50):
    """A page of the complaint list; overdue first, and for a pejabat escalated ones first."""
    now = utcnow()
    conds = []
    if status == "terbuka":
        conds.append(Complaint.status != Status.SELESAI.value)
    elif status in COMPLAINT_STATUSES:
        conds.append(Complaint.status == status)
    if channel in COMPLAINT_CHANNELS:
        conds.append(Complaint.channel == channel)
    if overdue_only:
        conds.append(overdue_clause(now))
    if q:
        conds.append(Complaint.ticket.like(f"%{q.upper()}%"))
    where = and_(*conds) if conds else True
    order = []
    if user.role == Role.PEJABAT.value:
        esc = Complaint.status == Status.DIESKALASI.value
        order.append(case((and_(esc, Complaint.escalated_to_id == user.id), 0), (esc, 1), else_=2))
    order += [case((Complaint.status == Status.SELESAI.value, 1), else_=0),
              case((overdue_clause(now), 0), else_=1),
              case((Complaint.status == Status.SELESAI.value, Complaint.closed_at), else_=None).desc(),
              case((Complaint.first_response_at.is_(None), Complaint.first_response_due),
                   else_=Complaint.solution_due),
              Complaint.id]
    total = db.session.scalar(select(func.count(Complaint.id)).where(where))
    rows = db.session.scalars(select(Complaint).where(where).order_by(*order)
                              .limit(per_page).offset((page - 1) * per_page)).all()
    return rows, total


def counts() -> dict:
    """Open complaints per status and how many are overdue (for the list's tabs)."""
    rows = db.session.execute(select(Complaint.status, func.count(Complaint.id)).group_by(Complaint.status)).all()
    out = {s.value: 0 for s in Status}
    out.update({status: n for status, n in rows})
    out["overdue"] = db.session.scalar(select(func.count(Complaint.id)).where(overdue_clause(utcnow())))
    out["terbuka"] = out["baru"] + out["ditanggapi"] + out["dieskalasi"]
    return out
