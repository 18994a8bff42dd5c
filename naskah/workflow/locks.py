"""The document row a transition works on, locked once per transaction."""
from naskah.extensions import db
from naskah.models import Document

_HELD = "naskah_locked_documents"


def locked_document(doc_id: int) -> Document | None:
    """The document, read fresh and locked for the rest of this transaction: FOR UPDATE of its
    row on PostgreSQL (not of the joined users); on SQLite the transaction's write lock is the lock.

    The view locks the row to check the form, then `engine.run` asks again in the same
    transaction: the second ask is answered from the identity map instead of a second locking
    read of the row and its relations (a tenth of a transition's time)."""
    session = db.session()
    held = session.info.get(_HELD)
    tx = session.get_transaction()
    if held is not None and tx is not None and held[0] is tx and doc_id in held[1]:
        doc = session.get(Document, doc_id)
        if doc is not None:
            return doc
    doc = session.get(Document, doc_id, with_for_update={"of": Document}, populate_existing=True)
    tx = session.get_transaction()
    if held is None or held[0] is not tx:
        held = session.info[_HELD] = (tx, set())
    if doc is not None:
        held[1].add(doc_id)
    return doc
