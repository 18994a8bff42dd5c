"""Text search of the board, the agenda book and the archive: case-insensitive substring
matches ("contains"), the meaning every search box of the app has always had."""
from sqlalchemy import func, or_

from .models import Document


def like_pattern(q: str) -> str:
    """A LIKE pattern for "contains q", with LIKE's own wildcards in q taken literally."""
    escaped = q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def contains(column, q: str):
    return func.lower(column).like(like_pattern(q), escape="\\")


def document_text_condition(q: str):
    """The board's text filter: sender, sender's reference, addressee, or the agenda number."""
    conds = [contains(Document.sender_agency, q), contains(Document.sender_ref_number, q),
             contains(func.coalesce(Document.forwarded_to, ""), q)]
    if q.isdigit():
        conds.append(Document.agenda_number == int(q))
    return or_(*conds)
