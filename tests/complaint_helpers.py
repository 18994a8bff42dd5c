"""Complaints for tests, taken through the real flow to any status."""
from naskah.complaints import flow as complaints
from naskah.extensions import db
from naskah.models import User
from naskah.models.complaint import Complaint

SECRET_NAME = "Zulkarnain Rahasiawan"
SECRET_CONTACT = "zulkarnain.rahasia@contoh.id"
STEPS = {
    "baru": [],
    "ditanggapi": ["respond"],
    "dieskalasi": ["respond", "escalate"],
    "selesai": ["respond", "close"],
    "selesai_eskalasi": ["respond", "escalate", "close"],
}


def payload(action, pejabat_id=None):
    return {
        "respond": {"text": "Tanggapan uji.", "public": True},
        "escalate": {"reason": "Perlu keputusan pejabat.", "pejabat_id": pejabat_id},
        "close": {"solution": "Penyelesaian uji.", "public": True},
        "reopen": {"reason": "Pelapor belum puas."},
    }[action]


def make_complaint(app, petugas, pejabat, state="baru", **data) -> tuple[int, str]:
    """A complaint filed by `petugas` and moved to `state`; returns (id, access code)."""
    with app.app_context():
        p = db.session.get(User, petugas.id)
        j = db.session.get(User, pejabat.id)
        fields = {"channel": "langsung", "name": SECRET_NAME, "contact": SECRET_CONTACT,
                  "text": "Salinan berita belum kami terima."}
        fields.update(data)
        c, code = complaints.create(p, fields)
        for action in STEPS[state]:
            actor = j if (action == "close" and c.status == "dieskalasi") else p
            complaints.apply(c, action, actor, payload(action, j.id))
        db.session.commit()
        return c.id, code


def get(app, complaint_id) -> Complaint:
    with app.app_context():
        c = db.session.get(Complaint, complaint_id)
        db.session.expunge(c)
        return c
