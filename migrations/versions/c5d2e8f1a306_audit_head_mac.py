"""audit head MAC: the head row (seq, last_hash, keyed_from_seq) carries an HMAC under the audit
key, so raising keyed_from_seq in the database is seen by `flask audit verify`

Revision ID: c5d2e8f1a306
Revises: b21e5a7c4d90
Create Date: 2026-12-02 02:35:00

"""
import sqlalchemy as sa
from alembic import op
from flask import current_app

from naskah.audit.chain import head_mac

revision = 'c5d2e8f1a306'
down_revision = 'b21e5a7c4d90'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('audit_head', sa.Column('mac', sa.String(length=64), nullable=True))
    bind = op.get_bind()
    key = current_app.extensions["naskah_audit_key"]
    for seq, last_hash, keyed_from in bind.execute(sa.text(
            "SELECT seq, last_hash, keyed_from_seq FROM audit_head WHERE id = 1")).all():
        bind.execute(sa.text("UPDATE audit_head SET mac = :m WHERE id = 1"),
                     {"m": head_mac(seq, last_hash, keyed_from, key)})


def downgrade():
    with op.batch_alter_table('audit_head') as batch:
        batch.drop_column('mac')
