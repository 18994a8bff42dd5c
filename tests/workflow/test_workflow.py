"""The transition table, for every transition and every role."""
import pytest

from naskah.core.errors import Conflict, DomainError, Forbidden
from naskah.extensions import db
from naskah.models import AuditEvent, Document, Role, User
from naskah.workflow import engine as workflow
from naskah.workflow.engine import BY_ACTION, TRANSITIONS, Step
from tests.factories import prepare_condition

ROLES = [r.value for r in Role]
PAYLOADS = {
    "assign": lambda s: {"assignee_id": s.id},
    "decrypt": lambda s: {"plaintext": "Teks", "addressee": "Wali Kota", "subject": "Uji"},
    "revise": lambda s: {"plaintext": "Teks baru", "addressee": "Wali Kota", "subject": "Uji"},
    "sign": lambda s: {"courier_id": s.id},
    "return": lambda s: {"reason": "Perbaiki perihal"},
    "deliver": lambda s: {"recipient_name": "Penerima"},
    "request_resend": lambda s: {"reason": "Kriptogram terpotong"},
    "attach_resend": lambda s: {"cryptogram_text": "-----BEGIN CMS-----\nULANG\n-----END CMS-----"},
}
def _prepare(app, t, sandiman, doc_id):
    prepare_condition(app, t.action, sandiman, doc_id)


def _setup(app, make, step):
    sandiman, kasi = make.user("sandiman"), make.user("kasi")
    doc_id = make.document(step=step, sandiman=sandiman, kasi=kasi)
    return sandiman, kasi, doc_id


def _events(doc_id):
    return db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(AuditEvent.document_id == doc_id))


def test_table_covers_nine_steps_in_order():
    assert [s.value for s in Step] == list(range(1, 10))
    forward = [t for t in TRANSITIONS if t.target == t.source + 1]
    assert [int(t.source) for t in forward] == list(range(1, 9))
    ret = BY_ACTION["return"]
    assert (ret.source, ret.target, ret.role) == (Step.DIPARAF, Step.DIDEKRIPSI, Role.KASI)


@pytest.mark.parametrize("t", TRANSITIONS, ids=lambda t: t.action)
@pytest.mark.parametrize("role", ROLES)
def test_each_transition_for_each_role(app, make, t, role):
    sandiman, kasi, doc_id = _setup(app, make, int(t.source))
    _prepare(app, t, sandiman, doc_id)
    other = make.user(role) if role not in ("sandiman", "kasi") else None
    with app.app_context():
        actor = {"sandiman": sandiman, "kasi": kasi}.get(role, other)
        actor = db.session.get(User, actor.id)
        doc = db.session.get(Document, doc_id)
        before = _events(doc_id)
        payload = PAYLOADS.get(t.action, lambda s: {})(sandiman)
        if role == t.role.value:
            event = workflow.apply(doc, t.action, actor, payload)
            db.session.commit()
            assert doc.step == int(t.target)
            assert event.action == f"step.{t.action}"
            assert _events(doc_id) == before + 1
        else:
            with pytest.raises(Forbidden):
                workflow.apply(doc, t.action, actor, payload)
            db.session.rollback()
            assert db.session.get(Document, doc_id).step == int(t.source)
            assert _events(doc_id) == before


@pytest.mark.parametrize("t", TRANSITIONS, ids=lambda t: t.action)
def test_wrong_step_is_a_conflict(app, make, t):
    wrong = 9 if t.source != Step.DIARSIPKAN else 1
    sandiman, kasi, doc_id = _setup(app, make, wrong)
    with app.app_context():
        actor = db.session.get(User, (kasi if t.role == Role.KASI else sandiman).id)
        doc = db.session.get(Document, doc_id)
        with pytest.raises(Conflict) as err:
            workflow.apply(doc, t.action, actor, PAYLOADS.get(t.action, lambda s: {})(sandiman))
        assert "langkah 9" in err.value.message
        db.session.rollback()
        assert db.session.get(Document, doc_id).step == wrong


@pytest.mark.parametrize("action,step", [("decrypt", 4), ("revise", 5), ("initial", 5), ("deliver", 7)])
def test_only_the_assigned_sandiman(app, make, action, step):
    sandiman, kasi, doc_id = _setup(app, make, step)
    stranger = make.user("sandiman")
    with app.app_context():
        doc = db.session.get(Document, doc_id)
        with pytest.raises(Forbidden):
            workflow.apply(doc, action, db.session.get(User, stranger.id),
                           PAYLOADS.get(action, lambda s: {})(sandiman))


def test_stale_version_is_refused(app, make):
    sandiman, kasi, doc_id = _setup(app, make, 1)
    with app.app_context():
        doc = db.session.get(Document, doc_id)
        with pytest.raises(Conflict):
            workflow.apply(doc, "register", db.session.get(User, sandiman.id), {},
                           expected_version=doc.version - 1)


def test_return_voids_paraf_and_keeps_reason(app, make):
    sandiman, kasi, doc_id = _setup(app, make, 6)
    with app.app_context():
        doc = db.session.get(Document, doc_id)
        assert doc.paraf_sha256
        workflow.apply(doc, "return", db.session.get(User, kasi.id), {"reason": "Salah alamat"})
        db.session.commit()
        assert doc.step == 5 and doc.paraf_sha256 is None and doc.paraf_by_id is None
        assert doc.revision_reason == "Salah alamat" and doc.revision_count == 1
        # a new paraf is needed before signing
        with pytest.raises(Conflict):
            workflow.apply(doc, "sign", db.session.get(User, kasi.id), {"courier_id": sandiman.id})


def test_missing_required_data_is_refused(app, make):
    sandiman, kasi, doc_id = _setup(app, make, 6)
    with app.app_context():
        doc = db.session.get(Document, doc_id)
        with pytest.raises(DomainError) as err:
            workflow.apply(doc, "return", db.session.get(User, kasi.id), {"reason": ""})
        assert err.value.field == "reason"


def test_assign_requires_an_active_sandiman(app, make):
    sandiman, kasi, doc_id = _setup(app, make, 3)
    petugas = make.user("petugas")
    with app.app_context():
        doc = db.session.get(Document, doc_id)
        with pytest.raises(DomainError) as err:
            workflow.apply(doc, "assign", db.session.get(User, kasi.id), {"assignee_id": petugas.id})
        assert err.value.field == "assignee_id"


def test_full_path_numbers_and_archives(app, make):
    sandiman, kasi, doc_id = _setup(app, make, 9)
    with app.app_context():
        doc = db.session.get(Document, doc_id)
        assert doc.step == 9 and doc.archived_at is not None
        assert doc.agenda_number == 1
        assert doc.letter_number.startswith("000.5.1/0002/Sandi/")
        assert doc.cover_number.startswith("000.5.1/0001/Sandi/")  # its own register, at signing
        assert _events(doc_id) == 10  # receive + eight transitions + numbering the copy at step 7


def test_waiting_for_resend_pauses_the_sla_clock(app, make):
    """The resend periods (issue 3) feed the SLA clock's pauses (issue 6)."""
    from datetime import timedelta

    from naskah.core.timeutil import utcnow
    from naskah.models.decryption import ResendRequest
    from naskah.sla import due as sla
    sandiman, kasi, doc_id = _setup(app, make, 4)
    with app.app_context():
        start = utcnow() - timedelta(hours=2)
        db.session.add(ResendRequest(document_id=doc_id, requested_at=start, requested_by_id=sandiman.id,
                                     reason="Tidak dapat didekripsi"))
        db.session.commit()
        assert sla.pauses_for([doc_id]) == {doc_id: [(start, None)]}
        assert sla.card_sla(db.session.get(Document, doc_id), utcnow()).status == "paused"


def test_return_reason_and_report_note_are_sealed_in_the_trail(app, make, client):
    """Classified context never lies clear in audit_events.details: the reason and the note go to
    the vault, the event keeps a blob id; the document's page opens it, the audit page does not."""
    from tests.factories import login
    sandiman, kasi, doc_id = _setup(app, make, 6)
    with app.app_context():
        doc = db.session.get(Document, doc_id)
        workflow.apply(doc, "return", db.session.get(User, kasi.id), {"reason": "Perihal menyebut operasi Elang"})
        db.session.commit()
        raw = db.session.scalars(db.select(AuditEvent.details).where(AuditEvent.document_id == doc_id)).all()
        assert not any("Elang" in d for d in raw) and any('"sealed_blob"' in d for d in raw)
    login(client, kasi)
    assert "Alasan: Perihal menyebut operasi Elang" in client.get(f"/dokumen/{doc_id}").get_data(as_text=True)
    trail_page = client.get(f"/audit/?dokumen={doc_id}").get_data(as_text=True)
    assert "Elang" not in trail_page and "tersegel" in trail_page
