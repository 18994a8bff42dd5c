"""The complaint transition table, for every transition and every role, and the numbering."""
import threading
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from naskah.complaints import accesscodes
from naskah.complaints import flow as complaints
from naskah.complaints.flow import TRANSITIONS, Status
from naskah.core.errors import Conflict, DomainError, Forbidden
from naskah.extensions import db
from naskah.models import AuditEvent, Role, SecretBlob, User
from naskah.models.complaint import Complaint
from tests.complaint_helpers import SECRET_CONTACT, SECRET_NAME, make_complaint, payload

ROLES = [r.value for r in Role]
# The state that puts a complaint at each transition's source (reopen rows differ by history).
SETUP = {
    ("baru", None): "baru", ("ditanggapi", None): "ditanggapi", ("dieskalasi", None): "dieskalasi",
    ("selesai", "not_escalated"): "selesai", ("selesai", "escalated"): "selesai_eskalasi",
}


def _events(complaint_id):
    return db.session.scalar(select(db.func.count(AuditEvent.id)).where(
        AuditEvent.object_type == "complaint", AuditEvent.object_id == str(complaint_id)))


@pytest.fixture
def staff(make):
    return {"petugas": make.user("petugas"), "pejabat": make.user("pejabat")}


def test_table_is_the_documented_flow():
    rows = {(t.action, t.source.value, t.target.value) for t in TRANSITIONS}
    assert ("respond", "baru", "ditanggapi") in rows
    assert ("escalate", "ditanggapi", "dieskalasi") in rows
    assert ("close", "ditanggapi", "selesai") in rows
    assert ("close", "dieskalasi", "selesai") in rows
    assert ("reopen", "selesai", "dieskalasi") in rows and ("reopen", "selesai", "ditanggapi") in rows
    closers_of_escalated = {r for t in TRANSITIONS if t.action == "close" and t.source == Status.DIESKALASI
                            for r in t.roles}
    assert closers_of_escalated == {"pejabat"}
    assert all("reason" in t.needs for t in TRANSITIONS if t.action in ("escalate", "reopen"))
    assert set(complaints.EFFECTS) == set(complaints.ACTIONS)


@pytest.mark.parametrize("t", TRANSITIONS, ids=lambda t: f"{t.key}-{t.when or 'any'}")
@pytest.mark.parametrize("role", ROLES)
def test_each_transition_for_each_role(app, make, staff, t, role):
    state = SETUP[(t.source.value, t.when)]
    cid, _ = make_complaint(app, staff["petugas"], staff["pejabat"], state)
    actor = staff.get(role) or make.user(role)
    with app.app_context():
        actor = db.session.get(User, actor.id)
        c = db.session.get(Complaint, cid)
        before = _events(cid)
        data = payload(t.action, staff["pejabat"].id)
        if role in t.roles:
            event = complaints.apply(c, t.action, actor, data)
            db.session.commit()
            assert c.status == t.target.value
            assert event.action == f"complaint.{t.action}"
            assert _events(cid) == before + 1
            details = event.details
            assert SECRET_NAME not in details and SECRET_CONTACT not in details
        else:
            with pytest.raises(Forbidden):
                complaints.apply(c, t.action, actor, data)
            db.session.rollback()
            assert db.session.get(Complaint, cid).status == t.source.value
            assert _events(cid) == before


@pytest.mark.parametrize("t", TRANSITIONS, ids=lambda t: f"{t.key}-{t.when or 'any'}")
def test_wrong_status_is_a_conflict(app, staff, t):
    role = sorted(t.roles)[0]
    # A status from which this role has no row for this action at all.
    wrong = next(s.value for s in (Status.SELESAI, Status.BARU) if not any(
        o.action == t.action and o.source == s and role in o.roles for o in TRANSITIONS))
    cid, _ = make_complaint(app, staff["petugas"], staff["pejabat"], wrong)
    with app.app_context():
        actor = db.session.get(User, staff[role].id)
        c = db.session.get(Complaint, cid)
        before = _events(cid)
        with pytest.raises(Conflict) as err:
            complaints.apply(c, t.action, actor, payload(t.action, staff["pejabat"].id))
        assert "berstatus" in err.value.message
        db.session.rollback()
        assert db.session.get(Complaint, cid).status == wrong
        assert _events(cid) == before


@pytest.mark.parametrize("action", ["respond", "close"])
def test_only_the_pejabat_it_was_escalated_to(app, make, staff, action):
    cid, _ = make_complaint(app, staff["petugas"], staff["pejabat"], "dieskalasi")
    other = make.user("pejabat")
    with app.app_context():
        c = db.session.get(Complaint, cid)
        with pytest.raises(Forbidden):
            complaints.apply(c, action, db.session.get(User, other.id), payload(action))
        db.session.rollback()
        assert db.session.get(Complaint, cid).status == "dieskalasi"


@pytest.mark.parametrize("action,state,missing", [
    ("respond", "baru", "text"), ("escalate", "ditanggapi", "reason"), ("escalate", "ditanggapi", "pejabat_id"),
    ("close", "ditanggapi", "solution"), ("reopen", "selesai", "reason")])
def test_required_data(app, staff, action, state, missing):
    cid, _ = make_complaint(app, staff["petugas"], staff["pejabat"], state)
    with app.app_context():
        c = db.session.get(Complaint, cid)
        data = payload(action, staff["pejabat"].id)
        data[missing] = "   " if missing != "pejabat_id" else None
        before = _events(cid)
        with pytest.raises(DomainError) as err:
            complaints.apply(c, action, db.session.get(User, staff["petugas"].id), data)
        assert err.value.field == missing
        db.session.rollback()
        assert _events(cid) == before


def test_escalation_needs_an_active_pejabat(app, make, staff):
    cid, _ = make_complaint(app, staff["petugas"], staff["pejabat"], "ditanggapi")
    kasi = make.user("kasi")
    with app.app_context():
        c = db.session.get(Complaint, cid)
        with pytest.raises(DomainError) as err:
            complaints.apply(c, "escalate", db.session.get(User, staff["petugas"].id),
                             {"reason": "x", "pejabat_id": kasi.id})
        assert err.value.field == "pejabat_id"


def test_reopen_returns_to_whoever_had_it(app, staff):
    plain, _ = make_complaint(app, staff["petugas"], staff["pejabat"], "selesai")
    escalated, _ = make_complaint(app, staff["petugas"], staff["pejabat"], "selesai_eskalasi")
    with app.app_context():
        petugas = db.session.get(User, staff["petugas"].id)
        for cid, expected in ((plain, "ditanggapi"), (escalated, "dieskalasi")):
            c = db.session.get(Complaint, cid)
            complaints.apply(c, "reopen", petugas, {"reason": "Belum tuntas."})
            assert c.status == expected and c.closed_at is None and c.reopen_count == 1
            assert c.responses[-1].kind == "dibuka" and not c.responses[-1].public
        db.session.commit()
        # After reopening an escalated complaint, the front desk still cannot close it.
        c = db.session.get(Complaint, escalated)
        with pytest.raises(Forbidden):
            complaints.apply(c, "close", petugas, {"solution": "x"})


def test_stale_version_is_a_conflict(app, staff):
    cid, _ = make_complaint(app, staff["petugas"], staff["pejabat"], "baru")
    with app.app_context():
        c = db.session.get(Complaint, cid)
        with pytest.raises(Conflict):
            complaints.apply(c, "respond", db.session.get(User, staff["petugas"].id), payload("respond"),
                             expected_version=c.version - 1)


def test_first_response_and_handler_are_recorded(app, staff):
    cid, _ = make_complaint(app, staff["petugas"], staff["pejabat"], "dieskalasi")
    with app.app_context():
        c = db.session.get(Complaint, cid)
        assert c.first_response_at is not None and c.handler_id == staff["petugas"].id
        assert c.escalated_to_id == staff["pejabat"].id and c.escalation_reason
        kinds = [r.kind for r in c.responses]
        assert kinds == ["tanggapan", "eskalasi"]
        assert [r.public for r in c.responses] == [True, False]


def test_only_petugas_logs_complaints(app, make):
    for role in ("sandiman", "kasi", "pejabat", "admin"):
        user = make.user(role)
        with app.app_context():
            with pytest.raises(Forbidden):
                complaints.create(db.session.get(User, user.id), {"channel": "telepon", "name": "anonim", "text": "x"})


@pytest.mark.parametrize("data,field", [
    ({"channel": "faks"}, "channel"), ({"text": "  "}, "text"), ({"name": ""}, "name"),
    ({"contact": ""}, "contact"), ({"contact": "bukan kontak"}, "contact"),
    ({"channel": "lapor", "lapor_id": ""}, "lapor_id"), ({"text": "x" * 4001}, "text"),
    ({"name": "n" * 121}, "name")])
def test_create_validation(app, make, data, field):
    petugas = make.user("petugas")
    fields = {"channel": "telepon", "name": "Budi", "contact": "0812-1111-2222", "text": "Lambat."}
    fields.update(data)
    with app.app_context():
        with pytest.raises(DomainError) as err:
            complaints.create(db.session.get(User, petugas.id), fields)
        assert err.value.field == field


def test_anonymous_without_contact_needs_no_identity(app, make):
    petugas = make.user("petugas")
    with app.app_context():
        c, _ = complaints.create(db.session.get(User, petugas.id),
                                 {"channel": "telepon", "name": "Anonim", "text": "Lambat."})
        assert c.anonymous and c.identity_blob_id is None
        assert complaints.identity(c, db.session.get(User, petugas.id))["name"] == "Anonim"


def test_identity_is_sealed_and_only_for_the_desk(app, make, staff):
    cid, code = make_complaint(app, staff["petugas"], staff["pejabat"], "baru")
    others = [make.user(role) for role in ("sandiman", "kasi", "admin")]
    with app.app_context():
        c = db.session.get(Complaint, cid)
        row = db.session.execute(select(Complaint.__table__)).mappings().one()
        assert not any(SECRET_NAME in str(v) or SECRET_CONTACT in str(v) for v in row.values())
        blob = db.session.get(SecretBlob, c.identity_blob_id)
        assert SECRET_NAME.encode() not in blob.ciphertext and blob.purpose == "complaint_identity"
        for role in ("petugas", "pejabat"):
            assert complaints.identity(c, db.session.get(User, staff[role].id))["name"] == SECRET_NAME
        for other in others:
            with pytest.raises(Forbidden):
                complaints.identity(c, db.session.get(User, other.id))
        # The access code is stored only as a keyed digest.
        assert code not in str(dict(row)) and accesscodes.normalize(code) not in str(dict(row))
        assert row["access_code_digest"] == accesscodes.digest(code)


def test_access_codes():
    for _ in range(50):
        code = accesscodes.generate()
        raw = accesscodes.normalize(code)
        assert len(raw) >= 8 and set(raw) <= set(accesscodes.ALPHABET)
    assert not set("01ILO") & set(accesscodes.ALPHABET)
    assert accesscodes.normalize(" abcde-fghjk ") == "ABCDEFGHJK"
    assert accesscodes.normalize("ABCDE-FGHJ0") is None  # 0 is not in the alphabet
    assert accesscodes.normalize(None) is None


def test_lookup_accepts_typing_variants_and_refuses_wrong_pairs(app, staff):
    cid, code = make_complaint(app, staff["petugas"], staff["pejabat"], "baru")
    other, other_code = make_complaint(app, staff["petugas"], staff["pejabat"], "baru")
    with app.app_context():
        ticket = db.session.get(Complaint, cid).ticket
        assert complaints.lookup(ticket.lower(), code.lower().replace("-", " ")).id == cid
        assert complaints.lookup(ticket.replace("-0001", "-1"), code).id == cid
        assert complaints.lookup(ticket, other_code) is None
        assert complaints.lookup("ADU-2026-9999", code) is None
        assert complaints.lookup("rubbish", code) is None


def test_ticket_numbers_per_year(app, make, monkeypatch):
    petugas = make.user("petugas")
    data = {"channel": "telepon", "name": "anonim", "text": "x"}
    with app.app_context():
        user = db.session.get(User, petugas.id)
        monkeypatch.setattr(complaints, "utcnow", lambda: datetime(2026, 12, 31, 16, 0, tzinfo=timezone.utc))
        first = [complaints.create(user, data)[0].ticket for _ in range(2)]
        # 17:00 UTC on 31 December is already 1 January in WIB: a new year, a new series.
        monkeypatch.setattr(complaints, "utcnow", lambda: datetime(2026, 12, 31, 17, 0, tzinfo=timezone.utc))
        second = [complaints.create(user, data)[0].ticket for _ in range(2)]
        db.session.commit()
    assert first == ["ADU-2026-0001", "ADU-2026-0002"]
    assert second == ["ADU-2027-0001", "ADU-2027-0002"]


def test_concurrent_tickets_are_unique_and_gapless(app, make):
    petugas = make.user("petugas")
    tickets, errors = [], []

    def worker():
        try:
            with app.app_context():
                for _ in range(3):
                    c, _ = complaints.create(db.session.get(User, petugas.id),
                                             {"channel": "telepon", "name": "anonim", "text": "x"})
                    db.session.commit()
                    tickets.append(c.number)
                db.session.remove()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    assert sorted(tickets) == list(range(1, 13))


def test_code_key_is_an_instance_secret_that_survives_a_master_key_change(app, tmp_path):
    import base64
    from pathlib import Path

    from naskah import create_app
    from tests.conftest import make_config
    with app.app_context():
        before = accesscodes.digest("ABCDE-FGHJK")
    path = Path(app.instance_path) / "access_code_key"
    assert path.exists() and path.stat().st_mode & 0o777 == 0o600
    rotated = create_app(make_config(tmp_path, MASTER_KEY=base64.urlsafe_b64encode(b"m" * 32).decode()))
    with rotated.app_context():
        assert accesscodes.digest("ABCDE-FGHJK") == before
        assert accesscodes.digest("ABCDE-FGHJM") != before
