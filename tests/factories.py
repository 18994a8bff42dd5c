"""Small factories: users, documents at any step, logging in."""
import itertools
from datetime import timedelta

from naskah import documents, workflow
from naskah.extensions import db
from naskah.models import Document, User
from naskah.timeutil import utcnow

PASSWORD = "Rahasia12345"
_seq = itertools.count(1)

STEP_ACTIONS = ["register", "report", "assign", "decrypt", "initial", "sign", "deliver", "archive"]


def receive_data(**over):
    data = {
        "sender_agency": "Badan Siber dan Sandi Negara",
        "sender_ref_number": f"R/{next(_seq)}/2026",
        "sender_ref_date": None,
        "channel": "kurir",
        "classification": "R",
        "urgency": "segera",
        "received_at": utcnow() - timedelta(hours=1),
        "notes": "",
    }
    data.update(over)
    return data


class Factories:
    def __init__(self, app):
        self.app = app

    def user(self, role="sandiman", username=None, **kw) -> User:
        from naskah import users
        with self.app.app_context():
            username = username or f"{role}{next(_seq)}"
            user, _ = users.create_user(username, role, full_name=kw.pop("full_name", username.title()),
                                        password=PASSWORD, must_change=kw.pop("must_change", False), **kw)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    def document(self, step=1, sandiman=None, kasi=None, cryptogram=b"CRYPTOGRAM-BYTES", **over) -> int:
        """A document taken through the real workflow up to `step`; returns its id."""
        # Users first, each in its own context: SQLite's BEGIN IMMEDIATE would block a nested one.
        sandiman, kasi = sandiman or self.user("sandiman"), kasi or self.user("kasi")
        with self.app.app_context():
            sandiman = db.session.get(User, sandiman.id)
            kasi = db.session.get(User, kasi.id)
            doc = documents.receive(sandiman, receive_data(**over), cryptogram, "k.p7m")
            payloads = {
                "assign": {"assignee_id": sandiman.id},
                "decrypt": {"plaintext": "Isi berita rahasia uji.", "addressee": "Wali Kota",
                            "subject": "Uji", "copy_index": 1, "copy_total": 1},
                "sign": {"courier_id": sandiman.id},
                "deliver": {"recipient_name": "Penerima Uji"},
            }
            for action in STEP_ACTIONS[:step - 1]:
                actor = kasi if workflow.BY_ACTION[action].role.value == "kasi" else sandiman
                workflow.apply(doc, action, actor, payloads.get(action, {}))
            db.session.commit()
            return doc.id

    def get(self, doc_id) -> Document:
        with self.app.app_context():
            doc = db.session.get(Document, doc_id)
            db.session.expunge(doc)
            return doc


def login(client, user, password=PASSWORD):
    response = client.post("/masuk", data={"username": user.username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response
