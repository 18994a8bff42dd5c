"""A hand-built month of cryptograms with known timestamps, for the dashboard and report tests.

Default office week (Mon-Thu 07:30-16:00, Fri 07:30-11:00); 23-27 Nov 2026 has no holidays.
The expected figures below are worked out by hand in the comments, not by the code under test.
"""
from datetime import datetime, timezone
from unittest import mock

from naskah.audit import chain as audit
from naskah.extensions import db
from naskah.models import Document, User
from naskah.sla import due as sla
from naskah.sla.calendar import WIB

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=WIB)          # Tue 1 Dec 2026 09:00 WIB
BSSN = "Badan Siber dan Sandi Negara"
KODIM = "Kodim 0710/Pekalongan"


def wib(month, day, hour, minute=0):
    return datetime(2026, month, day, hour, minute, tzinfo=WIB)


# name: (sender, classification, [received, registered, reported, assigned, decrypted, paraf, signed,
#        delivered, archived]) -- None = step not reached
DOCS = {
    # Mon 23 Nov. Due Tue 08:00, delivered Mon 15:00: on time.
    # Steps 2..8: 0.5, 0.5, 1, 2, 1, 1, 1 working hours.
    "d1": (BSSN, "R", [wib(11, 23, 8), wib(11, 23, 8, 30), wib(11, 23, 9), wib(11, 23, 10), wib(11, 23, 12),
                       wib(11, 23, 13), wib(11, 23, 14), wib(11, 23, 15), None]),
    # Thu 26 Nov 14:00. Due Mon 30 Nov 10:30 (Friday's 3.5 h + 3 h carried); delivered 11:00: late.
    # Steps: 0.5, 0.5, 0.5, 2.5 (Thu 15:30-16:00 + Fri 07:30-09:30), 0.5, 0.5, 4 (Fri 0.5 + Mon 3.5).
    "d2": (BSSN, "R", [wib(11, 26, 14), wib(11, 26, 14, 30), wib(11, 26, 15), wib(11, 26, 15, 30),
                       wib(11, 27, 9, 30), wib(11, 27, 10), wib(11, 27, 10, 30), wib(11, 30, 11), None]),
    # Tue 24 Nov 09:00, SR. Waited for a resend Tue 11:00 - Wed 09:00 (6.5 office hours).
    # Due Wed 09:00 + 6.5 h = Wed 15:30; delivered Wed 13:00: on time (late without the pause).
    # Steps: 0.25, 0.5, 1, 1.25 (7.75 - 6.5 waiting), 1, 1, 1.
    "d3": (KODIM, "SR", [wib(11, 24, 9), wib(11, 24, 9, 15), wib(11, 24, 9, 45), wib(11, 24, 10, 45),
                         wib(11, 25, 10), wib(11, 25, 11), wib(11, 25, 12), wib(11, 25, 13), None]),
    # Wed 25 Nov 08:00, B, only registered (0.5 h). Due Thu 08:00: overdue on 1 Dec.
    "d4": (KODIM, "B", [wib(11, 25, 8), wib(11, 25, 8, 30), None, None, None, None, None, None, None]),
    # Fri 30 Oct 09:00 (October). Registered in October; reported Mon 2 Nov 08:00 = 2 h
    # (Fri 09:30-11:00 + Mon 07:30-08:00); assigned 09:00 = 1 h. Due Mon 2 Nov 09:00: overdue.
    "d5": (BSSN, "T", [wib(10, 30, 9), wib(10, 30, 9, 30), wib(11, 2, 8), wib(11, 2, 9), None, None, None,
                       None, None]),
    # Thu 1 Oct, delivered the same day (on time), archived Fri 2 Oct: only in October's figures.
    "d6": (BSSN, "B", [wib(10, 1, 8), wib(10, 1, 8, 30), wib(10, 1, 9), wib(10, 1, 9, 30), wib(10, 1, 10),
                       wib(10, 1, 10, 30), wib(10, 1, 11), wib(10, 1, 12), wib(10, 2, 8)]),
}
PAUSES = {"d3": [(wib(11, 24, 11), wib(11, 25, 9))]}
FAILURES = [wib(11, 24, 10, 50), wib(11, 25, 9, 5), wib(10, 30, 10)]   # two in November

EXPECTED_NOVEMBER = {
    "received": 4,
    "by_classification": {"SR": 1, "R": 2, "T": 0, "B": 1},
    "by_sender": [(BSSN, {"SR": 0, "R": 2, "T": 0, "B": 0}, 2), (KODIM, {"SR": 1, "R": 0, "T": 0, "B": 1}, 2)],
    "delivered": 3, "on_time": 2, "late": 1, "compliance": 66.7,
    # step: (count, mean, p90) -- mean of the hours listed above, p90 by nearest rank
    "steps": {2: (4, 0.44, 0.5),      # 0.5, 0.5, 0.25, 0.5 -> 1.75 / 4 = 0.4375
              3: (4, 0.88, 2.0),      # 0.5, 0.5, 0.5, 2 (d5) -> 3.5 / 4 = 0.875
              4: (4, 0.88, 1.0),      # 1, 0.5, 1, 1 (d5)
              5: (3, 1.92, 2.5),      # 2, 2.5, 1.25 -> 5.75 / 3
              6: (3, 0.83, 1.0),      # 1, 0.5, 1
              7: (3, 0.83, 1.0),      # 1, 0.5, 1
              8: (3, 2.0, 4.0),       # 1, 4, 1
              9: (0, None, None)},
    "waiting_docs": 1, "waiting_hours": 6.5,
    "decrypt_failures": 2,
    "daily_nonzero": {23: (1, 1), 24: (1, 0), 25: (1, 1), 26: (1, 0), 30: (0, 1)},
}
EXPECTED_SNAPSHOT = {"per_step": {1: 0, 2: 1, 3: 0, 4: 1, 5: 0, 6: 0, 7: 0, 8: 3, 9: 0},
                     "in_progress": 2, "overdue": 2, "warning": 0}


def _step(ts):
    reached = [i for i, t in enumerate(ts) if t is not None]
    return reached[-1] + 1


def build(app, actor: User) -> dict[str, int]:
    """Insert the documents and their audit events; returns name -> id."""
    ids = {}
    with app.app_context():
        user = db.session.get(User, actor.id)
        for n, (name, (sender, cls, ts)) in enumerate(DOCS.items()):
            doc = Document(step=_step(ts), sender_agency=sender, sender_ref_number=f"R/{n}/2026", channel="kurir",
                           classification=cls, urgency="biasa", received_at=ts[0], reported_at=ts[2],
                           assigned_at=ts[3], decrypted_at=ts[4], paraf_at=ts[5], signed_at=ts[6],
                           delivered_at=ts[7], archived_at=ts[8], created_by_id=user.id)
            db.session.add(doc)
            db.session.flush()
            ids[name] = doc.id
            with mock.patch("naskah.audit.chain.utcnow", return_value=ts[1].astimezone(timezone.utc)):
                audit.append("step.register", actor=user, document=doc, details={"from": 1, "to": 2})
        for at in FAILURES:
            with mock.patch("naskah.audit.chain.utcnow", return_value=at.astimezone(timezone.utc)):
                audit.append("decrypt.failed", actor=user, document=ids["d3"], details={"reason": "uji"})
        db.session.commit()
    return ids


class PauseSource:
    """Registers the fixture's pauses as an sla pause source (as the resend feature will)."""

    def __init__(self, ids):
        self.pauses = {ids[name]: intervals for name, intervals in PAUSES.items()}
        self.calls = 0

    def __call__(self, doc_ids):
        self.calls += 1
        return {i: p for i, p in self.pauses.items() if i in doc_ids}

    def __enter__(self):
        sla.register_pause_source(self)
        return self

    def __exit__(self, *exc):
        sla.unregister_pause_source(self)
