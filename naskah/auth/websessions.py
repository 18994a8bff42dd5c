"""Server-side sessions: the cookie carries a random id alone, the database a row per session.

Written by hand rather than with Flask-Session's SQLAlchemy backend because that backend keys its
table by the raw session id (a database copy would hand out live sessions), creates its table
outside Alembic, stores no owner (so "end every session of this user" and "my active sessions"
are impossible without decoding every row) and keeps the data readable. Here the row holds only
SHA-256(id) and the data sealed with AES-GCM under a key derived from the id.
"""
import hashlib
import secrets
from datetime import timedelta

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import has_request_context, request
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy import bindparam
from werkzeug.datastructures import CallbackDict

from naskah.core.timeutil import utcnow
from naskah.extensions import db
from naskah.models import User
from naskah.models.twofactor import TotpCredential
from naskah.models.websession import WebSession

TOUCH_EVERY = timedelta(seconds=60)   # last-seen writes at most this often without other changes
_serializer = TaggedJSONSerializer()


class ServerSession(CallbackDict, SessionMixin):
    def __init__(self, initial=None, token=None):
        def on_update(self):
            self.modified = True
        super().__init__(initial, on_update)
        self.token = token
        self.modified = False
        self.rotate = False


def token_hash(token: str) -> str:
    return hashlib.sha256(b"naskah-session-id/v1:" + token.encode()).hexdigest()


def _key(token: str) -> bytes:
    return hashlib.sha256(b"naskah-session-key/v1:" + token.encode()).digest()


def _seal(token: str, data: dict) -> bytes:
    nonce = secrets.token_bytes(12)
    return nonce + AESGCM(_key(token)).encrypt(nonce, _serializer.dumps(dict(data)).encode(),
                                               token_hash(token).encode())


def _open(token: str, blob: bytes) -> dict | None:
    try:
        return _serializer.loads(AESGCM(_key(token)).decrypt(blob[:12], blob[12:], token_hash(token).encode()))
    except (InvalidTag, ValueError):
        return None


def _user_id(data: dict) -> int | None:
    try:
        return int(str(data.get("_user_id", "")).split(":")[0])
    except ValueError:
        return None


def _lifetime(app, data) -> timedelta:
    if _user_id(data) is None:
        return app.config["IDLE_TIMEOUT"]
    return app.config["SESSION_ABSOLUTE_LIFETIME"]


def current_hash() -> str | None:
    """The hash of this request's session id (to keep it when ending a user's other sessions)."""
    from flask import session
    if not has_request_context():
        return None
    token = getattr(session, "token", None)
    return token_hash(token) if token else None


def current_id() -> int | None:
    """The row id of this request's session."""
    digest = current_hash()
    return db.session.scalar(db.select(WebSession.id).where(WebSession.token_hash == digest)) if digest else None


def regenerate() -> None:
    """Give this session a new id at the end of the request (sign-in: no fixation)."""
    from flask import session
    session.rotate = True
    session.modified = True


def end_for(user_id: int, *, keep: str | None = None) -> int:
    """Delete every server session of a user (except the one whose hash is `keep`), in the
    caller's transaction. Returns how many ended."""
    query = db.delete(WebSession).where(WebSession.user_id == user_id)
    if keep:
        query = query.where(WebSession.token_hash != keep)
    return db.session.execute(query).rowcount or 0


def end_one(user_id: int, session_id: int) -> bool:
    return bool(db.session.execute(db.delete(WebSession).where(
        WebSession.user_id == user_id, WebSession.id == session_id)).rowcount)


def active_for(user_id: int) -> list[WebSession]:
    return db.session.scalars(db.select(WebSession).where(
        WebSession.user_id == user_id, WebSession.expires_at > utcnow()).order_by(
        WebSession.last_seen_at.desc())).all()


# Built once: every request. The session's user and whether they finished enrolling a second
# factor come with the row: the sign-in check and the second-factor gate would read them next,
# each in a query of its own (guards.load_user takes them).
_BY_HASH = (db.select(WebSession, User, TotpCredential.confirmed_at)
            .outerjoin(User, User.id == WebSession.user_id)
            .outerjoin(TotpCredential, TotpCredential.user_id == WebSession.user_id)
            .where(WebSession.token_hash == bindparam("hash")))
SESSION_USER = "naskah.session_user"  # request.environ: (User, enrolled?) read with the session row


def session_user(uid: int):
    """The user read with this request's session row, if it is `uid`, with whether they are
    enrolled in the second factor; (None, None) otherwise. Taken once."""
    found = request.environ.pop(SESSION_USER, None) if has_request_context() else None
    if found is None or found[0].id != uid:
        return None, None
    return found


class DatabaseSessionInterface(SessionInterface):
    """Load and store sessions in `web_sessions` (SQLite and PostgreSQL alike)."""

    def open_session(self, app, request):
        token = request.cookies.get(self.get_cookie_name(app))
        if token and len(token) <= 100:
            # A read in its own short transaction, before the view is known: on SQLite it must not
            # take the write lock, and the view's own transaction starts afresh afterwards.
            request.environ["naskah.begin"] = "deferred"
            try:
                row, user, confirmed_at = db.session.execute(_BY_HASH, {"hash": token_hash(token)}).first() \
                    or (None, None, None)
                for loaded in (row, user):
                    if loaded is not None:
                        db.session.expunge(loaded)
                db.session.rollback()
            finally:
                del request.environ["naskah.begin"]
            if row is not None and row.expires_at > utcnow():
                data = _open(token, row.data)
                if data is not None:
                    session = ServerSession(data, token)
                    session.row_seen = row.last_seen_at
                    if user is not None:
                        request.environ[SESSION_USER] = (user, confirmed_at is not None)
                    return session
        return ServerSession()

    def save_session(self, app, session, response):
        name = self.get_cookie_name(app)
        domain, path = self.get_cookie_domain(app), self.get_cookie_path(app)
        # The request's own transaction is over (teardown would roll back what is left); end it
        # so this write neither commits half-done view work nor waits on its SQLite write lock.
        db.session.rollback()
        if not session:
            request.environ["naskah.begin"] = "immediate"
            if session.token:
                db.session.execute(db.delete(WebSession).where(WebSession.token_hash == token_hash(session.token)))
                db.session.commit()
                response.delete_cookie(name, domain=domain, path=path)
            return
        now = utcnow()
        stale = getattr(session, "row_seen", None) is None or now - session.row_seen > TOUCH_EVERY
        if not (session.modified or session.rotate or stale):
            return
        request.environ["naskah.begin"] = "immediate"  # a writer: queue on SQLite's write lock
        if session.rotate and session.token:
            db.session.execute(db.delete(WebSession).where(WebSession.token_hash == token_hash(session.token)))
            session.token = None
        new = session.token is None
        token = session.token or secrets.token_urlsafe(32)
        values = {"data": _seal(token, session), "user_id": _user_id(session), "last_seen_at": now,
                  "expires_at": now + _lifetime(app, session)}
        if new:
            db.session.execute(db.delete(WebSession).where(WebSession.expires_at < now))  # sweep
            db.session.add(WebSession(token_hash=token_hash(token), created_at=now, ip=request.remote_addr,
                                      user_agent=(request.user_agent.string or "")[:200], **values))
        else:
            db.session.execute(db.update(WebSession).where(
                WebSession.token_hash == token_hash(token)).values(**values))
        db.session.commit()
        if new or session.modified:
            response.set_cookie(name, token, httponly=True, domain=domain, path=path,
                                secure=self.get_cookie_secure(app), samesite=self.get_cookie_samesite(app))
        response.vary.add("Cookie")


def init_app(app):
    app.session_interface = DatabaseSessionInterface()
