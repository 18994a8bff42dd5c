"""Remembered card HTML (naskah.workflow.cardcache) is exactly what rendering gives, and a card
whose anything changed is rendered afresh."""
import pytest
from sqlalchemy import update

from naskah.audit import chain as audit
from naskah.extensions import db
from naskah.models import Document, User
from naskah.workflow import cardcache
from naskah.workflow.cards import FIELDS
from tests.factories import login, without_csrf
from tests.workflow.test_board_cards import every_kind  # noqa: F401  (fixture)
from tests.workflow.test_query_counts import Counter, one_per_step  # noqa: F401  (fixture)


@pytest.mark.parametrize("who", ["sandiman", "kasi", "pejabat"])
def test_remembered_cards_are_what_rendering_gives(app, client, make, every_kind, monkeypatch, who):  # noqa: F811
    sandiman, kasi = every_kind
    login(client, {"sandiman": sandiman, "kasi": kasi}.get(who) or make.user(who))
    client.get("/papan")  # fills the memory
    remembered = without_csrf(client.get("/papan").get_data(as_text=True))
    assert len(app.extensions["naskah_card_html"]) >= 9
    monkeypatch.setattr(cardcache, "_key", lambda *args: object())  # a key never seen: rendered
    assert remembered == without_csrf(client.get("/papan").get_data(as_text=True))


def test_a_changed_card_is_rendered_afresh(app, client, make):
    sandiman = make.user("sandiman")
    doc_id = make.document(step=5, sandiman=sandiman)
    login(client, sandiman)
    assert sandiman.full_name in client.get("/papan").get_data(as_text=True)
    with app.app_context():  # neither changes the document's version; the app audits every change
        db.session.get(User, sandiman.id).full_name = "Nama Baru Sandiman"
        db.session.execute(update(Document).where(Document.id == doc_id).values(sender_agency="Instansi Baru"))
        audit.append("document.edited", document=doc_id)
        db.session.commit()
    page = client.get("/papan").get_data(as_text=True)
    assert "Nama Baru Sandiman" in page and "Instansi Baru" in page


def test_cards_read_at_a_change_marker_are_not_read_again(app, client, make):
    """The board's cards come from memory while the change marker (the audit chain's length)
    stays; any audited action, in this process or another, raises it and they are read again."""
    sandiman = make.user("sandiman")
    for step in (2, 3, 5):
        make.document(step=step, sandiman=sandiman)
    login(client, sandiman)
    client.get("/papan")

    def card_reads():
        with Counter(app) as c:
            assert client.get("/papan").status_code == 200
        return [s for s in c.seen if s.startswith("SELECT decryption_records.document_id")
                or s.startswith("SELECT documents.id, documents.step, documents.version, documents.classification")]

    assert card_reads() == []
    with app.app_context():
        audit.append("document.edited", document=None)
        db.session.commit()
    assert len(card_reads()) == 2  # the cards and their decryption records, once each
    assert card_reads() == []


def test_every_field_of_a_card_is_in_its_key(app, make):
    from flask import current_app

    from naskah.sla.due import card_sla
    from naskah.workflow import board
    doc_id = make.document(step=5)
    with app.test_request_context("/papan"):
        card = board.cards.load([doc_id])[doc_id]
        sla, urls = card_sla(card, card.received_at), board.CardUrls(board.Filters(), {})
        template = current_app.jinja_env.get_template(cardcache.TEMPLATE)
        before = cardcache._key(template, card, sla, [], urls, "sandiman", None)
        for name in FIELDS:
            original = getattr(card, name)
            setattr(card, name, object())
            assert cardcache._key(template, card, sla, [], urls, "sandiman", None) != before, name
            setattr(card, name, original)
        assert cardcache._key(template, card, sla, [], urls, "kasi", None) != before
