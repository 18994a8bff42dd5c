"""SQLAlchemy models only; one module per aggregate. Every module here is imported, so a new
aggregate only needs its own file (import its classes from that module)."""
import importlib
import pkgutil

from .agenda import AgendaCounter, AgendaEntry
from .audit import AuditCheckpoint, AuditEvent, AuditHead
from .document import CHANNELS, CLASSIFICATIONS, URGENCIES, URGENCY_ORDER, Document
from .secret import SecretBlob
from .settings import OfficeSetting
from .user import ROLE_LABELS, Role, User

for _info in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_info.name}")

__all__ = [
    "AgendaCounter", "AgendaEntry", "AuditCheckpoint", "AuditEvent", "AuditHead", "CHANNELS", "CLASSIFICATIONS",
    "Document", "OfficeSetting", "ROLE_LABELS", "Role", "SecretBlob", "URGENCIES", "URGENCY_ORDER",
    "User",
]
