"""SQLAlchemy models only; one module per aggregate."""
from .agenda import AgendaCounter, AgendaEntry
from .audit import AuditEvent, AuditHead
from .document import CHANNELS, CLASSIFICATIONS, URGENCIES, URGENCY_ORDER, Document
from .secret import SecretBlob
from .settings import OfficeSetting
from .user import ROLE_LABELS, Role, User

__all__ = [
    "AgendaCounter", "AgendaEntry", "AuditEvent", "AuditHead", "CHANNELS", "CLASSIFICATIONS",
    "Document", "OfficeSetting", "ROLE_LABELS", "Role", "SecretBlob", "URGENCIES", "URGENCY_ORDER",
    "User",
]
