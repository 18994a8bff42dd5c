"""The board's light cards (naskah.workflow.cards) render exactly what the Document models did.

Every kind of card is on the board: one per step (step 7 numbered and stamped), one received by
e-mail, one waiting for a resend, one returned for revision, one with a verified sender
signature. The page from the cards and the page from the models must be the same, for each
role that sees the board.
"""
import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from naskah.extensions import db
from naskah.models import Document, User
from naskah.models.decryption import DecryptionRecord
from naskah.workflow import board
from naskah.workflow import engine as workflow
from tests.factories import login, without_csrf
from tests.workflow.test_query_counts import one_per_step  # noqa: F401  (fixture)


def _models(ids, marker=None):
    stmt = select(Document).where(Document.id.in_(ids)).options(
        selectinload(Document.decryption), selectinload(Document.resend_requests))
    return {d.id: d for d in db.session.scalars(stmt).unique()}


@pytest.fixture
def every_kind(app, make, one_per_step):  # noqa: F811
    sandiman, kasi, ids = one_per_step
    make.document(step=2, sandiman=sandiman, kasi=kasi, channel="email",
                  sender_email="sekretariat@bssn.go.id")
    waiting = make.document(step=4, sandiman=sandiman, kasi=kasi)
    returned = make.document(step=6, sandiman=sandiman, kasi=kasi)
    signed = make.document(step=5, sandiman=sandiman, kasi=kasi)
    with app.app_context():
        actor, boss = db.session.get(User, sandiman.id), db.session.get(User, kasi.id)
        workflow.apply(db.session.get(Document, waiting), "request_resend", actor, {"reason": "Rusak"})
        workflow.apply(db.session.get(Document, returned), "return", boss, {"reason": "Perihal keliru"})
        record = db.session.scalar(select(DecryptionRecord).where(DecryptionRecord.document_id == signed))
        record.signature, record.signer = "valid", "Kepala Badan X"   # as a verified S/MIME signature
        db.session.commit()
        assert db.session.get(Document, returned).revision_reason == "Perihal keliru"
    return sandiman, kasi


@pytest.mark.parametrize("who", ["sandiman", "kasi", "pejabat"])
def test_the_cards_render_as_the_models_did(app, client, make, every_kind, monkeypatch, who):
    sandiman, kasi = every_kind
    login(client, {"sandiman": sandiman, "kasi": kasi}.get(who) or make.user(who))
    light = client.get("/papan")
    monkeypatch.setattr(board, "_load", _models)
    full = client.get("/papan")
    assert light.status_code == full.status_code == 200
    page = without_csrf(light.get_data(as_text=True))
    assert page == without_csrf(full.get_data(as_text=True))
    for shown in ("sekretariat@bssn.go.id", "Menunggu kirim ulang", "Dikembalikan: Perihal keliru",
                  "Kepala Badan X", "Penerimaan dicatat"):
        assert shown in page, shown


def test_a_card_has_only_what_it_was_given(app, make):
    doc_id = make.document(step=1)
    with app.app_context():
        card = board.cards.load([doc_id])[doc_id]
        assert card.agenda_label == "belum diagendakan" and card.assigned_to is None
        with pytest.raises(AttributeError):
            card.plaintext_blob_id  # noqa: B018  (not loaded: an error, never a silent blank)
