"""Every pre-shared key and correspondent certificate belongs to a directory entry.

Key custody (naskah.keystore) names agencies as text, for every kind of key it stores; rather
than repeat the lookup in each import function, one `before_flush` hook links each new row to
the entry its agency text stands for (name, short name or old spelling), creating the entry when
the directory lacks it, and writes the entry's name into the row. The key's own audit event
names the agency.
"""
from sqlalchemy import event
from sqlalchemy.orm import Session

from naskah.correspondents import directory
from naskah.models.correspondent import Correspondent
from naskah.models.keys import CorrespondentCert, SharedKey

LINKED = (SharedKey, CorrespondentCert)
_installed = False


def _link_new_rows(session, _flush_context, _instances) -> None:
    pending: dict[str, Correspondent] = {}
    with session.no_autoflush:
        for obj in list(session.new):
            if not isinstance(obj, LINKED) or obj.correspondent_id is not None or obj.correspondent is not None:
                continue
            key = directory.name_key(obj.agency)
            if not key:
                continue
            entry = pending.get(key) or directory.resolve(obj.agency)
            if entry is None:
                name = directory.clean(obj.agency)[:200]
                entry = Correspondent(name=name, name_key=key[:200])
                session.add(entry)
            pending[key] = entry
            obj.correspondent = entry
            obj.agency = entry.name


def install() -> None:
    """Register the hook once per process (apps come and go in tests; sessions are global)."""
    global _installed
    if not _installed:
        event.listen(Session, "before_flush", _link_new_rows)
        _installed = True
