"""The cards waiting for one person: what the "Menunggu Anda" badge counts and the board shows
when it is followed (board filter ?menunggu=1). One definition for both, so they always agree."""
from sqlalchemy import and_, false, or_

from naskah.models import Document, Role
from naskah.notifications.waiting import KASI_STEPS


def waiting_condition(user):
    """SQL condition: documents whose next action is this user's (see naskah.notify)."""
    if user is None:
        return false()
    if user.role == Role.KASI.value:
        return Document.step.in_(KASI_STEPS)
    if user.role == Role.SANDIMAN.value:
        return or_(and_(Document.step.in_((4, 5)), Document.assigned_to_id == user.id),
                   and_(Document.step == 7, Document.delivery_assignee_id == user.id))
    return false()
