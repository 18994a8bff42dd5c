"""The scheduled poll: one daemon thread per server process (unless NASKAH_MAIL_POLL=0).

Every few seconds the thread asks each active mailbox whether a poll is due; the lease in
`mailboxes.acquire(due_seconds=...)` lets exactly one process take it per interval, however
many server processes share the database.
"""
import logging
import threading

from naskah.core import background
from naskah.extensions import db
from naskah.intake import mailboxes
from naskah.intake.imap import MailboxError
from naskah.models.intake import Mailbox

log = logging.getLogger("naskah.intake")


def run_due(app) -> list:
    """Poll every active mailbox whose interval has passed (and nobody else is polling)."""
    done = []
    with app.app_context():
        interval = float(app.config.get("INTAKE_POLL_SECONDS", 60))
        ids = db.session.scalars(db.select(Mailbox.id).where(Mailbox.active.is_(True))).all()
        for mb_id in ids:
            try:
                result = mailboxes.poll(db.session.get(Mailbox, mb_id), due_seconds=interval)
            except MailboxError:
                continue            # stored on the mailbox row and logged by poll()
            if not result.skipped:
                done.append(result)
        db.session.remove()
    return done


def start(app, tick: float = 5.0) -> threading.Thread | None:
    return background.start_every("naskah-mail-poll", tick, lambda: run_due(app), switch="NASKAH_MAIL_POLL",
                                  log=log, failure="scheduled mailbox poll could not run")
