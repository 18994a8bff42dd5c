"""Small factories: users, documents at any step, logging in (second factor included)."""
import itertools
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pyotp

from naskah.core.timeutil import utcnow
from naskah.extensions import db
from naskah.models import Document, User
from naskah.workflow import documents
from naskah.workflow import engine as workflow

PASSWORD = "Rahasia12345"
_seq = itertools.count(1)
# username -> (app, TOTP secret) of users the factories enrolled, for login() and the e2e sign_in().
TOTP_SECRETS = {}

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

    def user(self, role="sandiman", username=None, *, totp=None, **kw) -> User:
        """A user with PASSWORD; kasi and admin (2FA required) come with an enrolled authenticator
        (totp=False leaves them unenrolled; totp=True enrols any role)."""
        from naskah.auth import users
        with self.app.app_context():
            username = username or f"{role}{next(_seq)}"
            user, _ = users.create_user(username, role, full_name=kw.pop("full_name", username.title()),
                                        password=PASSWORD, must_change=kw.pop("must_change", False), **kw)
            db.session.commit()
            if totp is None:
                totp = role in self.app.config["TWOFACTOR_REQUIRED_ROLES"]
            if totp:
                user.totp_secret = enrol_totp(self.app, user)
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
                if action == "deliver":  # paper first: the copy is numbered and stamped at step 7
                    workflow.apply(doc, "number_copy", sandiman, {})
                actor = kasi if workflow.BY_ACTION[action].role.value == "kasi" else sandiman
                workflow.apply(doc, action, actor, payloads.get(action, {}))
            db.session.commit()
            return doc.id

    def get(self, doc_id) -> Document:
        with self.app.app_context():
            doc = db.session.get(Document, doc_id)
            db.session.expunge(doc)
            return doc


def enrol_totp(app, user) -> str:
    """Give `user` a confirmed authenticator directly (no audit event, no recovery codes);
    returns the base32 secret. Call inside an app context."""
    from naskah.core import vault
    from naskah.models.twofactor import TotpCredential
    secret = pyotp.random_base32()
    blob = vault.store(secret.encode(), "totp")
    db.session.add(TotpCredential(user_id=user.id, secret_blob_id=blob.id, confirmed_at=utcnow(),
                                  failed_attempts=0))
    db.session.commit()
    TOTP_SECRETS[user.username] = (app, secret)
    return secret


def second_factor_code(username: str) -> str:
    """A valid code now for a factory-enrolled user. The replay guard (one use per 30-second
    step) is reset first so tests may sign the same user in several times in a row."""
    from naskah.models.twofactor import TotpCredential
    app, secret = TOTP_SECRETS[username]
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == username))
        cred = db.session.get(TotpCredential, user.id)
        cred.last_step = None
        db.session.commit()
    return pyotp.TOTP(secret).now()


def login(client, user, password=PASSWORD):
    """Sign in over the test client, completing the second factor when the app asks for it."""
    response = client.post("/masuk", data={"username": user.username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    target = urlsplit(response.location)
    if target.path == "/masuk/verifikasi" and user.username in TOTP_SECRETS:
        response = client.post(target.path + ("?" + target.query if target.query else ""),
                               data={"code": second_factor_code(user.username)})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


# Transitions whose condition needs an earlier transition first: action -> (prerequisite, data).
PREREQUISITES = {"attach_resend": ("request_resend", {"reason": "Kriptogram terpotong"}),
                 "deliver": ("number_copy", {})}


def prepare_condition(app, action, sandiman, doc_id):
    """Take the prerequisite transition a conditional one needs (e.g. a resend request)."""
    if action in PREREQUISITES:
        first, data = PREREQUISITES[action]
        with app.app_context():
            workflow.apply(db.session.get(Document, doc_id), first, db.session.get(User, sandiman.id), data)
            db.session.commit()


# A CSRF token is signed with the time: the same page asked for twice a second apart differs.
_CSRF = re.compile(r'((?:name="csrf_token"[^>]*?value=|"X-CSRFToken": )")[^"]+')


def without_csrf(html: str) -> str:
    """The page with every CSRF token blanked, for comparing two answers."""
    return _CSRF.sub(r"\1", html)
