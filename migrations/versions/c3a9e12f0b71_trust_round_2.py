"""trust round 2 (issue 12): server-side sessions, login throttles, shared rate limits,
Kasi approvals, keyed audit chain with checkpoints, keyed MAC on secret blobs

Revision ID: c3a9e12f0b71
Revises: a17c0f7e5b21
Create Date: 2026-12-01 21:45:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c3a9e12f0b71'
down_revision = 'a17c0f7e5b21'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'web_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('user_agent', sa.String(length=200), nullable=True),
        sa.Column('ip', sa.String(length=64), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('last_seen_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    op.create_index('ix_web_sessions_user_id', 'web_sessions', ['user_id'], unique=False)
    op.create_index('ix_web_sessions_expires_at', 'web_sessions', ['expires_at'], unique=False)
    op.create_table(
        'rate_counters',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('window_start', sa.DateTime(), nullable=False),
        sa.Column('blocked_until', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('key'),
    )
    op.create_table(
        'kasi_approvals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('subject_id', sa.Integer(), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('approver_role', sa.String(length=20), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('requested_at', sa.DateTime(), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['subject_id'], ['users.id']),
        sa.ForeignKeyConstraint(['requested_by_id'], ['users.id']),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_kasi_approvals_subject_id', 'kasi_approvals', ['subject_id'], unique=False)
    op.create_index('ix_kasi_approvals_status', 'kasi_approvals', ['status'], unique=False)
    # Existing chains migrate: their events keep plain SHA-256 links, new ones are keyed (HMAC).
    op.add_column('audit_head', sa.Column('keyed_from_seq', sa.Integer(), nullable=False, server_default='1'))
    op.execute("UPDATE audit_head SET keyed_from_seq = seq + 1")
    op.create_table(
        'audit_checkpoints',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('head_hash', sa.String(length=64), nullable=False),
        sa.Column('keyed_from_seq', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('signature', sa.LargeBinary(), nullable=False),
        sa.Column('signer_fingerprint', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_audit_checkpoints_seq', 'audit_checkpoints', ['seq'], unique=False)
    # The SHA-256 of each plaintext goes; a keyed MAC over the ciphertext replaces it, filled by
    # `flask init` and the daily check once the master key has opened the row (vault.backfill_macs).
    # Plain ALTER TABLE (SQLite >= 3.35 and PostgreSQL): a batch copy of secret_blobs would drop the
    # table that other tables' foreign keys point at.
    op.execute("ALTER TABLE secret_blobs ADD COLUMN mac VARCHAR(64)")
    op.execute("ALTER TABLE secret_blobs DROP COLUMN sha256")


def downgrade():
    op.execute("ALTER TABLE secret_blobs ADD COLUMN sha256 VARCHAR(64) NOT NULL DEFAULT ''")
    op.execute("ALTER TABLE secret_blobs DROP COLUMN mac")
    op.drop_index('ix_audit_checkpoints_seq', table_name='audit_checkpoints')
    op.drop_table('audit_checkpoints')
    with op.batch_alter_table('audit_head') as batch:
        batch.drop_column('keyed_from_seq')
    op.drop_index('ix_kasi_approvals_status', table_name='kasi_approvals')
    op.drop_index('ix_kasi_approvals_subject_id', table_name='kasi_approvals')
    op.drop_table('kasi_approvals')
    op.drop_table('rate_counters')
    op.drop_index('ix_web_sessions_expires_at', table_name='web_sessions')
    op.drop_index('ix_web_sessions_user_id', table_name='web_sessions')
    op.drop_table('web_sessions')
