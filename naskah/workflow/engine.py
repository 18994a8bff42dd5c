"""The nine steps as data, and the one function that moves a document between them.

A document's `step` is the last step completed: a card in column 4 has been assigned and waits
for decryption. Views never set `step`; they call `apply()`, which checks the transition table
(source step, role, guard), runs the step's effect, and appends exactly one audit event.
"""
import enum
import hashlib
import json
import threading
from dataclasses import dataclass, field
from datetime import datetime

from flask import g
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from naskah.agenda import book as agenda
from naskah.audit import chain as audit
from naskah.core import registry, vault
from naskah.core.errors import Conflict, DomainError, Forbidden
from naskah.core.timeutil import to_wib, utcnow
from naskah.extensions import db
from naskah.models import Document, Role, User
from naskah.workflow import delivery
from naskah.workflow.locks import locked_document


class Step(enum.IntEnum):
    DITERIMA = 1
    DIAGENDAKAN = 2
    DILAPORKAN = 3
    DITUGASKAN = 4
    DIDEKRIPSI = 5
    DIPARAF = 6
    DITANDATANGANI = 7
    DIDISTRIBUSIKAN = 8
    DIARSIPKAN = 9


STEP_LABELS = {
    Step.DITERIMA: "Diterima",
    Step.DIAGENDAKAN: "Diagendakan",
    Step.DILAPORKAN: "Dilaporkan ke Kasi",
    Step.DITUGASKAN: "Ditugaskan",
    Step.DIDEKRIPSI: "Didekripsi",
    Step.DIPARAF: "Diparaf",
    Step.DITANDATANGANI: "Ditandatangani",
    Step.DIDISTRIBUSIKAN: "Didistribusikan",
    Step.DIARSIPKAN: "Diarsipkan",
}
# The service standard's own wording of each step.
STEP_DESCRIPTIONS = {
    Step.DITERIMA: "Sandiman menerima surat bersandi (kriptogram)",
    Step.DIAGENDAKAN: "Mengagendakan kriptogram di buku agenda kriptogram masuk",
    Step.DILAPORKAN: "Melaporkan kriptogram kepada Kasi",
    Step.DITUGASKAN: "Kasi menugaskan Sandiman untuk mendeskripsi",
    Step.DIDEKRIPSI: "Sandiman mendeskripsi kriptogram dan mengetik hasil sebagai surat salinan disertai pengantar",
    Step.DIPARAF: "Memberi paraf pada surat pengantar dan menyampaikan kepada Kasi untuk ditandatangani",
    Step.DITANDATANGANI: "Kasi memberi tanda tangan pada surat pengantar dan menugaskan penyampaian",
    Step.DIDISTRIBUSIKAN: "Menomori surat salinan, memberi cap stempel, amplop, mendistribusikan dengan resi bukti tanda terima",
    Step.DIARSIPKAN: "Mengarsipkan kriptogram dan salinan berita rahasia",
}


@dataclass(frozen=True)
class Transition:
    action: str
    source: Step
    target: Step
    role: Role
    label: str
    guard: str | None = None          # "assignee": only the assigned sandiman; "courier": the delivery assignee
    needs: tuple = ()                 # data keys the effect requires
    condition: str | None = None      # a name in CONDITIONS that must hold (e.g. awaiting a resend)

    @property
    def is_return(self) -> bool:
        return self.target < self.source


TRANSITIONS = (
    Transition("register", Step.DITERIMA, Step.DIAGENDAKAN, Role.SANDIMAN, "Agendakan"),
    Transition("report", Step.DIAGENDAKAN, Step.DILAPORKAN, Role.SANDIMAN, "Laporkan ke Kasi"),
    Transition("assign", Step.DILAPORKAN, Step.DITUGASKAN, Role.KASI, "Tugaskan dekripsi", needs=("assignee_id",)),
    Transition("decrypt", Step.DITUGASKAN, Step.DIDEKRIPSI, Role.SANDIMAN, "Dekripsi & ketik salinan",
               guard="assignee", needs=("addressee", "subject")),  # plaintext: typed, or from the office keys
    Transition("request_resend", Step.DITUGASKAN, Step.DITUGASKAN, Role.SANDIMAN, "Minta kirim ulang",
               guard="assignee", needs=("reason",), condition="not_waiting"),
    Transition("attach_resend", Step.DITUGASKAN, Step.DITUGASKAN, Role.SANDIMAN, "Lampirkan kiriman ulang",
               guard="assignee", condition="waiting"),
    Transition("revise", Step.DIDEKRIPSI, Step.DIDEKRIPSI, Role.SANDIMAN, "Perbaiki salinan",
               guard="assignee", needs=("plaintext", "addressee", "subject")),
    Transition("initial", Step.DIDEKRIPSI, Step.DIPARAF, Role.SANDIMAN, "Paraf & ajukan ke Kasi", guard="assignee"),
    Transition("sign", Step.DIPARAF, Step.DITANDATANGANI, Role.KASI, "Tandatangani", needs=("courier_id",)),
    Transition("return", Step.DIPARAF, Step.DIDEKRIPSI, Role.KASI, "Kembalikan untuk perbaikan", needs=("reason",)),
    # Step 8 in paper order (naskah.workflow.delivery): number and stamp first, print, carry, then record.
    Transition("number_copy", Step.DITANDATANGANI, Step.DITANDATANGANI, Role.SANDIMAN, "Nomori & cap salinan",
               guard="courier", condition="not_numbered"),
    Transition("deliver", Step.DITANDATANGANI, Step.DIDISTRIBUSIKAN, Role.SANDIMAN, "Catat penerimaan",
               guard="courier", needs=("recipient_name",), condition="numbered"),
    Transition("archive", Step.DIDISTRIBUSIKAN, Step.DIARSIPKAN, Role.SANDIMAN, "Arsipkan"),
)
BY_ACTION = {t.action: t for t in TRANSITIONS}
BY_SOURCE: dict[int, tuple] = {}
for _t in TRANSITIONS:
    BY_SOURCE[int(_t.source)] = BY_SOURCE.get(int(_t.source), ()) + (_t,)
ROLE_LABEL = {Role.SANDIMAN: "Sandiman", Role.KASI: "Kasi"}


@dataclass
class TransitionContext:
    """What the effect and every hook of a transition receive (typed: no private keys in `data`).

    `data` holds the validated form values (a hook of the decryption area fills `plaintext`);
    `now` is the one instant of the transition, so the paper side prints the same time the
    record keeps; `frozen_pdf_sha256` is the cover letter a "before" hook froze for the paraf;
    `prepared` holds what the "prepare" hooks made before the transaction (by hook name), when
    the document is still the version they made it from.
    """
    doc: Document
    actor: User
    transition: Transition
    data: dict
    now: datetime
    frozen_pdf_sha256: str | None = None
    prepared: dict = field(default_factory=dict)


@dataclass
class Prepared:
    """What a transition's "prepare" hooks made from a read, before its write transaction."""
    version: int
    now: datetime
    results: dict


WHEN = ("prepare", "before", "after", "failed")


def add_hook(app, action: str, fn, *, when: str = "after") -> None:
    """Other areas attach work to a transition from their `init_app`.

    "prepare" runs before the transition's write transaction, from a read of the document (the
    view's check before it queues for the lock): slow work such as rendering, signing and
    stamping PDFs, returned to the "before"/"after" hooks as ctx.prepared[<hook name>]. It must
    not write; those hooks use its result only when the locked document is the version it was
    made from (and check anything else it assumed), and otherwise do the work themselves.
    "before" runs after the checks and before the effect, "after" after the effect; both run in
    the transition's transaction, take the context and may return audit details for its one
    event. "failed" runs after a refusal's rollback with (doc_id, actor, error), for areas that
    keep a record of failed attempts in their own commit.
    """
    assert when in WHEN and action in BY_ACTION
    hooks = registry.of(app).hooks.setdefault((when, action), [])
    if fn not in hooks:
        hooks.append(fn)


def add_condition(app, name: str, predicate, message: str) -> None:
    """A named condition a transition may require (`Transition.condition`), e.g. a pending resend."""
    registry.of(app).conditions[name] = (predicate, message)


def _hooks(when: str, action: str):
    return registry.of().hooks.get((when, action), ())


def get_transition(action: str) -> Transition:
    try:
        return BY_ACTION[action]
    except KeyError:
        raise DomainError("Tindakan tidak dikenal.") from None


def check(doc: Document, t: Transition, actor: User) -> None:
    """Raise Forbidden or Conflict if `actor` may not take `t` on `doc` now."""
    if actor.role != t.role.value:
        raise Forbidden(f"Tindakan \u201c{t.label}\u201d hanya dapat dilakukan oleh {ROLE_LABEL[t.role]}.")
    if doc.step != t.source:
        raise Conflict(
            f"Tindakan \u201c{t.label}\u201d tidak dapat dilakukan: naskah sudah pada langkah "
            f"{doc.step} ({STEP_LABELS[Step(doc.step)]}). Muat ulang untuk melihat keadaan terbaru.")
    if t.guard == "assignee" and doc.assigned_to_id != actor.id:
        raise Forbidden("Hanya Sandiman yang ditugaskan Kasi yang dapat mengerjakan naskah ini.")
    if t.guard == "courier" and doc.delivery_assignee_id != actor.id:
        raise Forbidden("Hanya Sandiman yang ditugaskan menyampaikan naskah ini yang dapat mendistribusikannya.")
    if t.condition:
        predicate, message = registry.of().conditions[t.condition]
        if not predicate(doc):
            raise Conflict(message)


def check_current(doc: Document, t: Transition, actor: User, expected_version: int | None) -> None:
    """check(), and refuse a form opened on an older version of the document (Conflict)."""
    if expected_version is not None and doc.version != expected_version:
        if doc.step != t.source:
            check(doc, t, actor)  # names the step it is already at
        raise Conflict("Naskah ini telah diubah oleh pengguna lain sejak Anda membukanya. "
                       "Muat ulang lalu periksa kembali.")
    check(doc, t, actor)


def allowed(doc: Document, actor: User) -> list[Transition]:
    """The transitions `actor` may take on `doc` right now (for the buttons on a card).

    Transitions from another step or for another role are skipped before `check()`: the board
    calls this for every card, and raising and catching a refusal per transition was most of it.
    """
    out = []
    role = actor.role
    for t in BY_SOURCE.get(doc.step, ()):
        if t.role.value != role:
            continue
        try:
            check(doc, t, actor)
        except DomainError:
            continue
        out.append(t)
    return out


# (document, version, action) being prepared by a request of this process. Only a saving, never
# needed for correctness: two sessions sending the same step at once (a double submit) would
# both render and sign, and one of them is refused at the lock anyway.
_PREPARING: set = set()
_PREPARING_LOCK = threading.Lock()


def prepare(doc: Document, action: str, actor: User, data: dict | None = None) -> Prepared | None:
    """Run the transition's "prepare" hooks from a read, outside any write transaction. A hook
    that meets a refusal prepares nothing: the transition itself will meet it and say why. When
    another request of this process is preparing the same version already, this one prepares
    nothing (it is refused at the lock, or does the work there if it wins)."""
    t = get_transition(action)
    hooks = _hooks("prepare", t.action)
    if not hooks:
        return None
    key = (doc.id, doc.version, t.action)
    with _PREPARING_LOCK:
        if key in _PREPARING:
            return None
        _PREPARING.add(key)
    try:
        ctx = TransitionContext(doc=doc, actor=actor, transition=t, data=dict(data or {}), now=utcnow())
        results = {}
        for hook in hooks:
            try:
                results[hook.__name__] = hook(ctx)
            except DomainError:
                continue
        return Prepared(version=doc.version, now=ctx.now, results=results)
    finally:
        with _PREPARING_LOCK:
            _PREPARING.discard(key)


def in_write_transaction() -> bool:
    """True while run() holds the document's write transaction (tests check papers are not made
    there)."""
    return g.get("naskah_transition_writing", False)


def apply(doc: Document, action: str, actor: User, data: dict | None = None, *,
          expected_version: int | None = None, prepared: Prepared | None = None):
    """Apply one transition in the caller's transaction and return its audit event."""
    t = get_transition(action)
    data = dict(data or {})
    check_current(doc, t, actor, expected_version)
    for key in t.needs:
        if data.get(key) in (None, ""):
            raise DomainError("Data yang wajib untuk tindakan ini belum lengkap.", field=key)
    ctx = TransitionContext(doc=doc, actor=actor, transition=t, data=data, now=utcnow())
    if prepared is not None and prepared.version == doc.version:
        ctx.now, ctx.prepared = prepared.now, prepared.results  # the papers print the time they were made
    details = {}
    for hook in _hooks("before", t.action):
        details.update(hook(ctx) or {})
    details.update(EFFECTS[t.action](ctx) or {})
    for hook in _hooks("after", t.action):
        details.update(hook(ctx) or {})
    details.update({"from": int(t.source), "to": int(t.target)})
    doc.step = int(t.target)
    db.session.flush()  # the version check happens here: a concurrent change raises StaleDataError
    return audit.append(f"step.{t.action}", actor=actor, document=doc, details=details)


def run(doc_id: int, action: str, actor: User, data: dict | None = None, *,
        expected_version: int | None = None, prepared: Prepared | None = None) -> Document:
    """One transition end to end: lock the row, apply, commit; or roll back and say why.

    Views call only this. A refusal raises DomainError (Conflict for a lost race) after the
    rollback and after the "failed" hooks had their say, so nothing of the attempt is half-saved.
    """
    g.naskah_transition_writing = True
    try:
        doc = locked_document(doc_id)
        apply(doc, action, actor, data, expected_version=expected_version, prepared=prepared)
        db.session.commit()
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        raise Conflict("Naskah ini baru saja diubah oleh pengguna lain. Muat ulang lalu periksa kembali.") from None
    except DomainError as error:
        db.session.rollback()
        for hook in _hooks("failed", action):
            hook(doc_id, actor, error)
        raise
    finally:
        g.naskah_transition_writing = False
    return doc


def _active_sandiman(user_id) -> User:
    user = db.session.get(User, int(user_id)) if str(user_id).isdigit() else None
    if user is None or not user.active or user.role != Role.SANDIMAN.value:
        raise DomainError("Pilih Sandiman yang aktif.", field="assignee_id")
    return user


def _register(ctx):
    doc, actor, data = ctx.doc, ctx.actor, ctx.data
    now = ctx.now
    entry = agenda.add_entry(
        kind="kriptogram", year=to_wib(now).year, received_on=to_wib(doc.received_at).date(),
        sender=doc.sender_agency, actor=actor, document=doc, letter_number=doc.sender_ref_number,
        letter_date=doc.sender_ref_date, summary="kriptogram", attachments=data.get("attachments") or None,
        notes=data.get("note") or None, classification=doc.classification)
    doc.agenda_entry_id, doc.agenda_year, doc.agenda_number = entry.id, entry.year, entry.number
    return {"agenda": entry.label}


def _report(ctx):
    doc, data = ctx.doc, ctx.data
    doc.reported_at = ctx.now
    return {"note": audit.sealed(data.get("note"))}


def _assign(ctx):
    doc, data = ctx.doc, ctx.data
    sandiman = _active_sandiman(data["assignee_id"])
    doc.assigned_to_id = sandiman.id
    doc.assigned_to = sandiman
    doc.assigned_at = ctx.now
    doc.disposition_note = data.get("note") or None
    return {"assignee": sandiman.username}


LETTER_FIELDS = ("subject", "cover_item", "cover_quantity", "cover_notes", "attachments", "addressee_address")


def store_content(doc: Document, data: dict) -> None:
    """Seal the plaintext and letter texts; each edit is a new content version."""
    old = (doc.plaintext_blob_id, doc.letters_blob_id)
    doc.plaintext_blob_id = vault.store(data["plaintext"].encode("utf-8"), "plaintext").id
    letters = {k: data.get(k) or "" for k in LETTER_FIELDS}
    letters["addressee"] = data["addressee"]
    doc.letters_blob_id = vault.store(json.dumps(letters, ensure_ascii=False).encode(), "letters").id
    for blob_id in old:
        vault.destroy(blob_id)
    doc.forwarded_to = data["addressee"][:200]
    doc.copy_index = int(data.get("copy_index") or 1)
    doc.copy_total = int(data.get("copy_total") or 1)
    if doc.copy_index < 1 or doc.copy_total < doc.copy_index:
        raise DomainError("Nomor salinan harus antara 1 dan jumlah salinan.", field="copy_index")
    doc.content_version = (doc.content_version or 0) + 1


def _decrypt(ctx):
    """The plaintext was typed, or a "before" hook of the decryption area filled it."""
    store_content(ctx.doc, ctx.data)
    ctx.doc.decrypted_at = ctx.now
    return {"content_version": ctx.doc.content_version}


def _revise(ctx):
    doc, data = ctx.doc, ctx.data
    store_content(doc, data)
    return {"content_version": doc.content_version}


def content_digest(doc: Document) -> str:
    """SHA-256 over the exact content the paraf vouches for."""
    h = hashlib.sha256()
    for blob_id in (doc.plaintext_blob_id, doc.letters_blob_id):
        h.update(vault.load_id(blob_id) or b"")
        h.update(b"\x00")
    return h.hexdigest()


def _initial(ctx):
    doc, actor = ctx.doc, ctx.actor
    doc.paraf_by_id = actor.id
    doc.paraf_at = ctx.now  # the very instant printed on a frozen cover letter
    doc.paraf_content_version = doc.content_version
    doc.paraf_sha256 = ctx.frozen_pdf_sha256 or content_digest(doc)
    return {"content_version": doc.content_version, "sha256": doc.paraf_sha256}


def _sign(ctx):
    doc, actor, data = ctx.doc, ctx.actor, ctx.data
    if doc.paraf_content_version != doc.content_version:
        raise Conflict("Isi surat telah berubah sejak diparaf; Sandiman perlu memberi paraf ulang.")
    courier = _active_sandiman(data["courier_id"])
    doc.signed_by_id = actor.id
    doc.signed_at = ctx.now
    doc.delivery_assignee_id = courier.id
    doc.delivery_assignee = courier
    doc.delivery_note = data.get("note") or None
    return {"courier": courier.username, "paraf_sha256": doc.paraf_sha256}


def _return(ctx):
    doc, data = ctx.doc, ctx.data
    reason = str(data["reason"]).strip()
    doc.revision_reason = reason
    doc.revision_count = (doc.revision_count or 0) + 1
    doc.paraf_by_id = doc.paraf_at = doc.paraf_sha256 = doc.paraf_content_version = None
    return {"reason": audit.sealed(reason)}


def _number_copy(ctx):
    return delivery.number_copy(ctx.doc, ctx.actor, ctx.data, ctx.now)


def _deliver(ctx):
    return delivery.record_delivery(ctx.doc, ctx.actor, ctx.data, ctx.now)


def _archive(ctx):
    doc, data = ctx.doc, ctx.data
    doc.archived_at = ctx.now
    return {"note": audit.sealed(data.get("note"))}


EFFECTS = {
    "register": _register, "report": _report, "assign": _assign, "decrypt": _decrypt,
    "revise": _revise, "initial": _initial, "sign": _sign, "return": _return,
    "number_copy": _number_copy, "deliver": _deliver, "archive": _archive,
    # the resend area's "after" hooks record the request and the resent cryptogram
    "request_resend": lambda ctx: {}, "attach_resend": lambda ctx: {},
}
assert set(EFFECTS) == set(BY_ACTION)
