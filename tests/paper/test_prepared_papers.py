"""Steps 6 and 7 make their papers before the write transaction (the "prepare" hooks of
naskah.paper.hooks): the paraf's cover letter is rendered and the kasi's signature made from the
view's read, and the transaction stores them. When the document or the register moved on in
between, the transaction makes them again itself, so what is stored always fits."""
import pytest

from naskah.core import throttle, vault
from naskah.extensions import db
from naskah.models import Document, User
from naskah.models.paper import IssuedPaper
from naskah.paper import covernumber, esign, issued, letters
from naskah.workflow import engine as workflow
from tests import paperkit as kit
from tests.factories import login


@pytest.fixture
def made(monkeypatch):
    """Each paper made, and whether it was made inside the transition's write transaction."""
    seen = []
    for module, name in ((letters, "render_pdf"), (esign, "sign")):
        original = getattr(module, name)

        def watch(*args, _original=original, _name=name, **kwargs):
            seen.append((_name, workflow.in_write_transaction()))
            return _original(*args, **kwargs)
        monkeypatch.setattr(module, name, watch)
    return seen


def _live_cover(app, doc_id) -> IssuedPaper:
    with app.app_context():
        return issued.current(doc_id, "cover_letter")


def _sign(client, doc_id, courier_id, passphrase, version):
    return client.post(f"/dokumen/{doc_id}/aksi/sign",
                       data={"courier_id": str(courier_id), "passphrase": passphrase, "version": version})


def test_the_paraf_letter_is_rendered_before_the_transaction(app, make, team, client, made):
    sandiman, kasi = team
    doc_id = make.document(step=5, sandiman=sandiman, kasi=kasi)
    login(client, sandiman)
    made.clear()  # the factory's own papers
    before = kit.count_events(app)
    response = client.post(f"/dokumen/{doc_id}/aksi/initial",
                           data={"version": str(kit.document(app, doc_id).version), "confirm": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    assert made == [("render_pdf", False)]
    doc = kit.document(app, doc_id)
    assert doc.step == 6 and kit.count_events(app) == before + 1
    with app.app_context():
        frozen = vault.load_id(doc.cover_pdf_blob_id)
    assert issued.display(_live_cover(app, doc_id).code) in kit.flat(frozen)  # the code it was drawn with


def test_the_signature_is_made_before_the_transaction(app, make, team, client, made):
    sandiman, kasi = team
    doc_id = make.document(step=6, sandiman=sandiman, kasi=kasi)
    login(client, kasi)
    made.clear()  # the factory's own papers
    response = _sign(client, doc_id, sandiman.id, kit.PASSPHRASE, kit.document(app, doc_id).version)
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    assert made == [("sign", False)]
    doc = kit.document(app, doc_id)
    with app.app_context():
        signed = vault.load_id(doc.signed_pdf_blob_id)
        result = esign.verify(signed)
    assert (result.signed, result.intact, result.valid) == (True, True, True)
    assert doc.cover_number and doc.cover_number in kit.flat(signed)


def test_a_number_taken_in_between_is_signed_again_inside(app, make, team, client, made, monkeypatch):
    sandiman, kasi = team
    doc_id = make.document(step=6, sandiman=sandiman, kasi=kasi)
    real = covernumber.predict
    monkeypatch.setattr(covernumber, "predict", lambda at: real(at).replace("/", "/9", 1))  # another letter took it
    login(client, kasi)
    made.clear()  # the factory's own papers
    response = _sign(client, doc_id, sandiman.id, kit.PASSPHRASE, kit.document(app, doc_id).version)
    assert response.status_code == 302
    assert made == [("sign", False), ("sign", True)]
    doc = kit.document(app, doc_id)
    with app.app_context():
        signed = vault.load_id(doc.signed_pdf_blob_id)
        assert doc.cover_number in kit.flat(signed) and esign.verify(signed).intact


def test_a_wrong_passphrase_is_tried_once(app, make, team, client, made):
    sandiman, kasi = team
    doc_id = make.document(step=6, sandiman=sandiman, kasi=kasi)
    login(client, kasi)
    made.clear()  # the factory's own papers
    response = _sign(client, doc_id, sandiman.id, "salah sekali", kit.document(app, doc_id).version)
    assert response.status_code == 400
    assert made == [("sign", False)]
    with app.app_context():  # one attempt, one failure counted (in the database)
        row = throttle._row(throttle.counter_key("rate", esign._failure_key(kasi.id)))
        assert row is not None and row.count == 1
    assert kit.document(app, doc_id).step == 6


def test_papers_prepared_from_another_version_are_not_used(app, make, team):
    sandiman, kasi = team
    doc_id = make.document(step=5, sandiman=sandiman, kasi=kasi)
    with app.app_context():
        doc, actor = db.session.get(Document, doc_id), db.session.get(User, sandiman.id)
        stale = workflow.Prepared(version=doc.version - 1, now=doc.received_at,
                                  results={"prepare_paraf": {"code": "STALECODE", "pdf": b"%PDF-stale"}})
        workflow.apply(doc, "initial", actor, {"confirm": True}, prepared=stale)
        db.session.commit()
        frozen = vault.load_id(doc.cover_pdf_blob_id)
        assert frozen != b"%PDF-stale" and frozen.startswith(b"%PDF")
        assert issued.current(doc_id, "cover_letter").code != "STALECODE"
        assert doc.paraf_at != doc.received_at  # the transition's own time, not the stale one


def _number_copy(client, app, doc_id):
    return client.post(f"/dokumen/{doc_id}/aksi/number_copy",
                       data={"version": str(kit.document(app, doc_id).version), "confirm": "y"})


@pytest.fixture
def stamped(monkeypatch, made):
    """`made`, and the stamping of the cover letter too."""
    from naskah.paper import hooks
    def watch(*args, _original=hooks.stamp_pdf, **kwargs):
        made.append(("stamp_pdf", workflow.in_write_transaction()))
        return _original(*args, **kwargs)
    monkeypatch.setattr(hooks, "stamp_pdf", watch)
    return made


def test_the_copy_papers_are_made_before_the_transaction(app, make, team, client, stamped):
    sandiman, kasi = team
    doc_id = kit.signed_document(app, make, sandiman, kasi)
    login(client, sandiman)
    stamped.clear()
    response = _number_copy(client, app, doc_id)
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    assert sorted(stamped) == [("render_pdf", False), ("render_pdf", False), ("stamp_pdf", False)]
    doc = kit.document(app, doc_id)
    with app.app_context():
        copy_pdf, receipt_pdf = vault.load_id(doc.stamped_copy_blob_id), vault.load_id(doc.receipt_blob_id)
        copy_paper, receipt_paper = issued.current(doc_id, "copy_letter"), issued.current(doc_id, "receipt")
        receipt_number = letters.receipt_number(doc)
    assert doc.letter_number in kit.flat(copy_pdf) and issued.display(copy_paper.code) in kit.flat(copy_pdf)
    assert receipt_number in kit.flat(receipt_pdf) and issued.display(receipt_paper.code) in kit.flat(receipt_pdf)
    assert doc.stamped_cover_blob_id is not None
    with app.app_context():
        kit.keep_png(vault.load_id(doc.stamped_cover_blob_id), "prepared_cover_stamped")
    kit.keep_png(copy_pdf, "prepared_copy_stamped")
    kit.keep_png(receipt_pdf, "prepared_receipt")


def test_a_copy_number_taken_in_between_is_stamped_again_inside(app, make, team, client, stamped, monkeypatch):
    from naskah.agenda import book
    sandiman, kasi = team
    doc_id = kit.signed_document(app, make, sandiman, kasi)
    real = book.last_number
    monkeypatch.setattr(book, "last_number", lambda year, *a: real(year, *a) + 1)  # a registration took it
    login(client, sandiman)
    stamped.clear()
    assert _number_copy(client, app, doc_id).status_code == 302
    assert sorted(stamped) == [("render_pdf", False)] * 2 + [("render_pdf", True)] * 2 + [
        ("stamp_pdf", False), ("stamp_pdf", True)]
    doc = kit.document(app, doc_id)
    with app.app_context():
        copy_pdf = vault.load_id(doc.stamped_copy_blob_id)
        assert issued.display(issued.current(doc_id, "copy_letter").code) in kit.flat(copy_pdf)
    assert doc.letter_number in kit.flat(copy_pdf)


def test_a_version_another_request_is_preparing_is_not_prepared_twice(app, make, team, monkeypatch):
    """A double submit: the second request of the same version finds the first preparing and
    leaves the work to the lock (it is refused there, or does it there if it wins)."""
    sandiman, kasi = team
    doc_id = make.document(step=5, sandiman=sandiman, kasi=kasi)
    with app.test_request_context():
        doc, actor = db.session.get(Document, doc_id), db.session.get(User, sandiman.id)
        inner = []

        def second_request_meanwhile(*args, _original=letters.render_pdf, **kwargs):
            inner.append(workflow.prepare(doc, "initial", actor, {}))
            return _original(*args, **kwargs)
        monkeypatch.setattr(letters, "render_pdf", second_request_meanwhile)
        first = workflow.prepare(doc, "initial", actor, {})
        assert first is not None and first.results["prepare_paraf"]["pdf"].startswith(b"%PDF")
        assert inner == [None]
        assert workflow.prepare(doc, "initial", actor, {}) is not None  # once the first is done
