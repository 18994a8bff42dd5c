"""Property: whatever bytes are stored as the cryptogram, the in-app decrypt transition either
succeeds or raises DecryptFailed, and a failure changes nothing (step, vault, audit trail)."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from naskah.decryption.decrypt import DecryptFailed
from naskah.extensions import db
from naskah.models import AuditEvent, Document, SecretBlob, User
from naskah.workflow import documents
from naskah.workflow import engine as workflow
from tests import crypto_helpers as ch

LETTER = {"method": "office", "addressee": "Wali Kota", "subject": "Uji", "copy_index": 1, "copy_total": 1}


@pytest.fixture
def world(app, make):
    sandiman = make.user("sandiman")
    cert = ch.office_identity(app)
    good = ch.sealed(cert)
    doc_id = make.document(step=4, sandiman=sandiman, cryptogram=good)
    return sandiman, doc_id, good


def _counts():
    return (db.session.scalar(db.select(db.func.count(AuditEvent.id))),
            db.session.scalar(db.select(db.func.count(SecretBlob.id))))


def mutations(good: bytes):
    flips = st.tuples(st.integers(0, len(good) - 1), st.integers(1, 255)).map(
        lambda p: good[:p[0]] + bytes([good[p[0]] ^ p[1]]) + good[p[0] + 1:])
    cuts = st.integers(0, len(good) - 1).map(lambda n: good[:n])
    inserts = st.tuples(st.integers(0, len(good)), st.binary(min_size=1, max_size=8)).map(
        lambda p: good[:p[0]] + p[1] + good[p[0]:])
    return st.one_of(flips, cuts, inserts, st.binary(max_size=512))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_cryptograms_fail_cleanly(app, world, monkeypatch, data):
    sandiman_user, doc_id, good = world
    payload = data.draw(mutations(good))
    monkeypatch.setattr(documents, "read_cryptogram", lambda doc: payload)
    with app.app_context():
        doc, actor = db.session.get(Document, doc_id), db.session.get(User, sandiman_user.id)
        before = _counts()
        try:
            workflow.apply(doc, "decrypt", actor, dict(LETTER))
        except DecryptFailed as e:
            assert e.code in {"format", "no_key", "failed", "unsupported"} and e.field == "method"
            db.session.rollback()
            assert db.session.get(Document, doc_id).step == 4 and _counts() == before
        else:  # a mutation that still decrypts (e.g. inside a length field BER tolerates): fine, undo it
            db.session.rollback()
