"""The audit trail: hash chain, tamper detection, append-only at the database level."""
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from naskah.audit import chain as audit
from naskah.extensions import db
from naskah.models import AuditEvent


def _chain(app, make, n=3):
    sandiman = make.user("sandiman")
    for _ in range(n):
        make.document(step=2, sandiman=sandiman)


def test_chain_verifies(app, make):
    _chain(app, make)
    with app.app_context():
        ok, broken, checked = audit.verify()
    assert ok and broken is None and checked >= 9


def test_database_refuses_update_and_delete(app, make):
    _chain(app, make, 1)
    with app.app_context():
        with pytest.raises(DBAPIError):
            db.session.execute(text("UPDATE audit_events SET actor_name = 'x'"))
        db.session.rollback()
        with pytest.raises(DBAPIError):
            db.session.execute(text("DELETE FROM audit_events"))
        db.session.rollback()


def _disable_guards():
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change"))
    else:
        db.session.execute(text("DROP TRIGGER audit_events_no_update"))
        db.session.execute(text("DROP TRIGGER audit_events_no_delete"))


def _enable_guards():
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_change"))


def test_tampering_is_found_and_cli_fails(app, make, runner):
    _chain(app, make)
    with app.app_context():
        _disable_guards()
        db.session.execute(text("UPDATE audit_events SET actor_name = 'pemalsu' WHERE seq = 4"))
        _enable_guards()
        db.session.commit()
        ok, broken, _ = audit.verify()
        assert not ok and broken.seq == 4
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "#4" in result.output


def test_removed_tail_is_found(app, make, runner):
    _chain(app, make)
    with app.app_context():
        _disable_guards()
        last = db.session.scalar(db.select(db.func.max(AuditEvent.seq)))
        db.session.execute(text(f"DELETE FROM audit_events WHERE seq = {last}"))
        _enable_guards()
        db.session.commit()
        ok, broken, _ = audit.verify()
        assert not ok
    assert runner.invoke(args=["audit", "verify"]).exit_code == 1


def test_cli_ok(app, make, runner):
    _chain(app, make, 1)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and result.output.startswith("OK")
