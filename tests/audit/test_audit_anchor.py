"""The audit chain is keyed with a secret outside the database and anchored by signed checkpoints
and printed fingerprints (issue 12 item 9)."""
import hashlib
import hmac
import json

from sqlalchemy import text

from naskah.audit import chain as audit
from naskah.audit import checkpoint as auditcheckpoint
from naskah.extensions import db
from naskah.models import AuditEvent, AuditHead
from tests import paperkit as kit


def _unprotect():
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("DROP TRIGGER IF EXISTS audit_events_no_update"))
    else:
        db.session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change"))


def _protect_again():
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_change"))
        db.session.commit()


def _rewrite(link, key_holder=False):
    """Alter event #2 and recompute every later link with `link(event) -> hex`, like an attacker;
    the key holder also recomputes the head row's MAC."""
    _unprotect()
    events = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.seq)).all()
    events[1].details = json.dumps({"rewritten": True})
    prev = events[0].hash
    for event in events[1:]:
        event.prev_hash = prev
        event.hash = link(event)
        prev = event.hash
    db.session.execute(db.update(AuditHead).where(AuditHead.id == 1).values(last_hash=prev))
    if key_holder:
        head = db.session.get(AuditHead, 1)
        db.session.refresh(head)
        head.mac = audit.head_mac(head.seq, head.last_hash, head.keyed_from_seq)
    db.session.commit()


def _cli(app, *args):
    return app.test_cli_runner().invoke(args=["audit", "verify", *args])


def test_rewrite_with_recomputed_plain_hashes_is_found(app, make):
    make.document(step=3)
    with app.app_context():
        assert audit.verify()[0]
        _rewrite(lambda e: hashlib.sha256(audit._canonical(e)).hexdigest())
        assert not audit.verify()[0]
        _protect_again()
    result = _cli(app)
    assert result.exit_code == 1 and "RUSAK" in result.output


def test_raising_keyed_from_seq_to_pass_plain_hashes_is_found(app, make):
    """Without the key, an editor of the database moves keyed_from_seq past every event and
    re-hashes the chain as plain SHA-256 (what pre-key events use): the head's MAC shows it."""
    make.document(step=3)
    with app.app_context():
        _unprotect()
        prev = audit.GENESIS
        for event in db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.seq)).all():
            event.prev_hash = prev
            event.hash = hashlib.sha256(audit._canonical(event)).hexdigest()
            prev = event.hash
        head = db.session.get(AuditHead, 1)
        head.last_hash, head.keyed_from_seq = prev, head.seq + 1
        db.session.commit()
        ok, broken, checked = audit.verify()
        assert not ok and broken is None and checked > 0
        _protect_again()
    result = _cli(app)
    assert result.exit_code == 1 and "kepala rantai diubah" in result.output


def test_rewrite_with_a_guessed_key_is_found(app, make):
    make.document(step=3)
    with app.app_context():
        _rewrite(lambda e: hmac.new(b"tebakan", audit._canonical(e), hashlib.sha256).hexdigest())
        assert not audit.verify()[0]
        _protect_again()


def test_signed_checkpoint_catches_a_rewrite_by_the_key_holder(app, make):
    sandiman, kasi = kit.people(make)
    kit.give_certificate(app, kasi)  # installs the office CA
    make.document(step=3, sandiman=sandiman, kasi=kasi)
    with app.app_context():
        assert auditcheckpoint.make_checkpoint() is not None
        db.session.commit()
        assert auditcheckpoint.verify_checkpoints()[:2] == (True, 1)
    result = _cli(app)
    assert result.exit_code == 0 and "1 checkpoint" in result.output
    with app.app_context():
        _rewrite(audit.compute_hash, key_holder=True)  # someone holding instance/audit.key too (root)
        assert audit.verify()[0]  # the chain alone now looks fine ...
        ok, _, problems = auditcheckpoint.verify_checkpoints()
        assert not ok and problems  # ... but the signed head no longer matches
        _protect_again()
    result = _cli(app)
    assert result.exit_code == 1 and "checkpoint" in result.output


def test_daily_check_signs_a_checkpoint(app, make):
    sandiman, kasi = kit.people(make)
    kit.give_certificate(app, kasi)
    from naskah.models import AuditCheckpoint
    from naskah.operations import integrity
    with app.app_context():
        integrity.run_and_store("uji")
        assert db.session.scalar(db.select(db.func.count(AuditCheckpoint.id))) == 1


def test_legacy_chain_before_the_key_still_verifies(app, make):
    """An existing chain migrates: events before the key keep plain SHA-256 links, later ones are keyed."""
    make.document(step=2)
    with app.app_context():
        head = db.session.get(AuditHead, 1)
        legacy_upto = head.seq
        _unprotect()
        prev = audit.GENESIS
        for event in db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.seq)):
            event.prev_hash = prev
            event.hash = audit.compute_hash(event, keyed=False)
            prev = event.hash
        head.last_hash, head.keyed_from_seq = prev, legacy_upto + 1
        db.session.commit()
        _protect_again()
        audit.append("uji.lanjut")
        db.session.commit()
        assert audit.verify()[0]


def test_fingerprint_is_printed_on_the_agenda_book(app, make):
    sandiman, kasi = kit.people(make)
    make.document(step=3, sandiman=sandiman, kasi=kasi)
    from tests.factories import login
    client = app.test_client()
    login(client, sandiman)
    r = client.get("/cetak/agenda.pdf")
    assert r.status_code == 200
    with app.app_context():
        seq = db.session.get(AuditHead, 1).seq
    text_ = kit.flat(r.data)
    assert "Sidik kepala jejak audit" in text_ and f"#{seq}" in text_
