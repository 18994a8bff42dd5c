"""The document row a transition works on, locked once per transaction."""
from naskah.core.dbtuning import transaction_memo
from naskah.extensions import db
from naskah.models import Document


def locked_document(doc_id: int) -> Document | None:
    """The document, read fresh and locked for the rest of this transaction: FOR UPDATE of its
    row on PostgreSQL (not of the joined users); on SQLite the transaction's write lock is the lock.

    The view locks the row to check the form, then `engine.run` asks again in the same
    transaction: the second ask is answered from the identity map instead of a second locking
    read of the row and its relations (a tenth of a transition's time)."""
    locked = transaction_memo("naskah_locked_documents", set)
    if doc_id in locked:
        doc = db.session.get(Document, doc_id)
        if doc is not None:
            return doc
    doc = db.session.get(Document, doc_id, with_for_update={"of": Document}, populate_existing=True)
    if doc is not None:
        transaction_memo("naskah_locked_documents", set).add(doc_id)
    return doc
