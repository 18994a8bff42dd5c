"""The audit trail: append-only, each event hash-chained to the one before."""
from ..extensions import db
from .types import UTCDateTime


class AuditHead(db.Model):
    """A single row holding the chain's tip; updating it serialises appenders on every database."""
    __tablename__ = "audit_head"
    id = db.Column(db.Integer, primary_key=True)
    seq = db.Column(db.Integer, nullable=False, default=0)
    last_hash = db.Column(db.String(64), nullable=False)
    # Events from this seq on are keyed (HMAC with instance/audit.key); older ones, from before
    # the key existed, keep their plain SHA-256 and are pinned by the first keyed event after them.
    keyed_from_seq = db.Column(db.Integer, nullable=False, default=1)
    # HMAC (audit key) over seq, last_hash and keyed_from_seq: whoever writes only the database
    # cannot move keyed_from_seq past the keyed events (and re-hash them as plain SHA-256) unseen.
    mac = db.Column(db.String(64), nullable=True)


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    id = db.Column(db.Integer, primary_key=True)
    seq = db.Column(db.Integer, nullable=False, unique=True)
    at = db.Column(UTCDateTime, nullable=False, index=True)
    actor_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True, index=True)
    actor_name = db.Column(db.String(120), nullable=False)
    action = db.Column(db.String(60), nullable=False, index=True)
    document_id = db.Column(db.Integer, db.ForeignKey("documents.id"), nullable=True, index=True)
    object_type = db.Column(db.String(40), nullable=True)
    object_id = db.Column(db.String(60), nullable=True)
    details = db.Column(db.Text, nullable=False, default="{}")
    prev_hash = db.Column(db.String(64), nullable=False)
    hash = db.Column(db.String(64), nullable=False)

    __table_args__ = (
        db.Index("ix_audit_events_document_seq", "document_id", "seq"),  # a document's timeline, in order
    )


# The database itself refuses to change or remove an event, whoever asks.
SQLITE_GUARDS = [
    "CREATE TRIGGER IF NOT EXISTS audit_events_no_update BEFORE UPDATE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_events_no_delete BEFORE DELETE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
]
POSTGRES_GUARDS = [
    "CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit_events is append-only'; END; $$ LANGUAGE plpgsql",
    "DROP TRIGGER IF EXISTS audit_events_no_change ON audit_events",
    "CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events "
    "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
]


def install_guards(connection) -> None:
    """Create the append-only triggers (used by create_all and by the migration)."""
    statements = POSTGRES_GUARDS if connection.dialect.name == "postgresql" else SQLITE_GUARDS
    for statement in statements:
        connection.exec_driver_sql(statement)


db.event.listen(AuditEvent.__table__, "after_create", lambda target, connection, **kw: install_guards(connection))


class AuditCheckpoint(db.Model):
    """The chain's head signed with the office CA key: a database rewrite cannot re-sign it."""
    __tablename__ = "audit_checkpoints"
    id = db.Column(db.Integer, primary_key=True)
    seq = db.Column(db.Integer, nullable=False, index=True)
    head_hash = db.Column(db.String(64), nullable=False)
    keyed_from_seq = db.Column(db.Integer, nullable=False)
    at = db.Column(UTCDateTime, nullable=False)
    signature = db.Column(db.LargeBinary, nullable=False)
    signer_fingerprint = db.Column(db.String(64), nullable=False)
