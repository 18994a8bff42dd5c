"""correspondent directory and e-mail intake

Existing agency names (pre-shared keys, correspondent certificates, documents) become directory
entries: one per name with case and spacing ignored, the first spelling seen wins; every row is
linked to its entry. Documents keep the name as it was written.

Revision ID: e42b7a3c903d
Revises: a13e0c5d2f71
Create Date: 2026-12-01 21:28:44.632677

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e42b7a3c903d'
down_revision = 'a13e0c5d2f71'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('correspondents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('short_name', sa.String(length=40), nullable=True),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('contact', sa.String(length=200), nullable=True),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('merged_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_correspondents_created_by_id_users')),
    sa.ForeignKeyConstraint(['merged_into_id'], ['correspondents.id'], name=op.f('fk_correspondents_merged_into_id_correspondents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_correspondents')),
    sa.UniqueConstraint('name_key', name=op.f('uq_correspondents_name_key'))
    )
    with op.batch_alter_table('correspondents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_correspondents_merged_into_id'), ['merged_into_id'], unique=False)

    op.create_table('mailboxes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('host', sa.String(length=200), nullable=False),
    sa.Column('port', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=200), nullable=False),
    sa.Column('security', sa.String(length=10), nullable=False),
    sa.Column('password_blob_id', sa.Integer(), nullable=False),
    sa.Column('folder', sa.String(length=200), nullable=False),
    sa.Column('processed_folder', sa.String(length=200), nullable=False),
    sa.Column('refused_folder', sa.String(length=200), nullable=False),
    sa.Column('known_senders_only', sa.Boolean(), nullable=False),
    sa.Column('default_classification', sa.String(length=2), nullable=False),
    sa.Column('default_urgency', sa.String(length=10), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('last_poll_at', sa.DateTime(), nullable=True),
    sa.Column('last_result', sa.String(length=300), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('last_ok', sa.Boolean(), nullable=True),
    sa.Column('lease_owner', sa.String(length=80), nullable=True),
    sa.Column('lease_until', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_mailboxes_created_by_id_users')),
    sa.ForeignKeyConstraint(['password_blob_id'], ['secret_blobs.id'], name=op.f('fk_mailboxes_password_blob_id_secret_blobs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mailboxes')),
    sa.UniqueConstraint('name', name=op.f('uq_mailboxes_name'))
    )
    op.create_table('correspondent_emails',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('correspondent_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=254), nullable=False),
    sa.ForeignKeyConstraint(['correspondent_id'], ['correspondents.id'], name=op.f('fk_correspondent_emails_correspondent_id_correspondents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_correspondent_emails')),
    sa.UniqueConstraint('address', name=op.f('uq_correspondent_emails_address'))
    )
    with op.batch_alter_table('correspondent_emails', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_correspondent_emails_correspondent_id'), ['correspondent_id'], unique=False)

    op.create_table('mail_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mailbox_id', sa.Integer(), nullable=False),
    sa.Column('message_key', sa.String(length=600), nullable=False),
    sa.Column('message_id', sa.String(length=500), nullable=True),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('from_address', sa.String(length=254), nullable=True),
    sa.Column('message_date', sa.DateTime(), nullable=True),
    sa.Column('signature', sa.String(length=12), nullable=True),
    sa.Column('signer', sa.String(length=200), nullable=True),
    sa.Column('correspondent_id', sa.Integer(), nullable=True),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('evidence_blob_id', sa.Integer(), nullable=True),
    sa.Column('moved', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['correspondent_id'], ['correspondents.id'], name=op.f('fk_mail_messages_correspondent_id_correspondents')),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_mail_messages_document_id_documents')),
    sa.ForeignKeyConstraint(['evidence_blob_id'], ['secret_blobs.id'], name=op.f('fk_mail_messages_evidence_blob_id_secret_blobs')),
    sa.ForeignKeyConstraint(['mailbox_id'], ['mailboxes.id'], name=op.f('fk_mail_messages_mailbox_id_mailboxes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_messages')),
    sa.UniqueConstraint('message_key', name=op.f('uq_mail_messages_message_key'))
    )
    with op.batch_alter_table('mail_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_messages_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_messages_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_messages_mailbox_id'), ['mailbox_id'], unique=False)

    with op.batch_alter_table('correspondent_certs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('correspondent_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_correspondent_certs_correspondent_id'), ['correspondent_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_correspondent_certs_correspondent_id_correspondents'), 'correspondents', ['correspondent_id'], ['id'])

    # Plain ADD COLUMN (no foreign key, see models/document.py): SQLite does not rebuild the table.
    op.add_column('documents', sa.Column('correspondent_id', sa.Integer(), nullable=True))
    op.add_column('documents', sa.Column('sender_email', sa.String(length=254), nullable=True))
    op.create_index(op.f('ix_documents_correspondent_id'), 'documents', ['correspondent_id'], unique=False)

    with op.batch_alter_table('shared_keys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('correspondent_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_shared_keys_correspondent_id'), ['correspondent_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_shared_keys_correspondent_id_correspondents'), 'correspondents', ['correspondent_id'], ['id'])

    _directory_from_agency_names()


def _directory_from_agency_names():
    """One directory entry per distinct agency name (normalised), every row linked to it."""
    conn = op.get_bind()
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    entries = {}
    for table, column in (("shared_keys", "agency"), ("correspondent_certs", "agency"),
                          ("documents", "sender_agency")):
        names = conn.execute(sa.text(f"SELECT DISTINCT {column} FROM {table} ORDER BY {column}")).scalars()  # nosec B608 - fixed names
        for name in names:
            clean = " ".join((name or "").split())
            key = clean.casefold()
            if not key or key in entries:
                continue
            conn.execute(sa.text("INSERT INTO correspondents (name, name_key, created_at, updated_at) "
                                 "VALUES (:n, :k, :t, :t)"), {"n": clean[:200], "k": key[:200], "t": now})
            entries[key] = conn.execute(sa.text("SELECT id FROM correspondents WHERE name_key = :k"),
                                        {"k": key[:200]}).scalar_one()
    for table, column in (("shared_keys", "agency"), ("correspondent_certs", "agency"),
                          ("documents", "sender_agency")):
        rows = conn.execute(sa.text(f"SELECT id, {column} FROM {table}")).all()  # nosec B608 - fixed names
        for row_id, name in rows:
            key = " ".join((name or "").split()).casefold()
            if key in entries:
                conn.execute(sa.text(f"UPDATE {table} SET correspondent_id = :c WHERE id = :i"),  # nosec B608
                             {"c": entries[key], "i": row_id})



def downgrade():
    with op.batch_alter_table('shared_keys', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_shared_keys_correspondent_id_correspondents'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_shared_keys_correspondent_id'))
        batch_op.drop_column('correspondent_id')

    op.drop_index(op.f('ix_documents_correspondent_id'), table_name='documents')
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_column('sender_email')
        batch_op.drop_column('correspondent_id')

    with op.batch_alter_table('correspondent_certs', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_correspondent_certs_correspondent_id_correspondents'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_correspondent_certs_correspondent_id'))
        batch_op.drop_column('correspondent_id')

    with op.batch_alter_table('mail_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_messages_mailbox_id'))
        batch_op.drop_index(batch_op.f('ix_mail_messages_document_id'))
        batch_op.drop_index(batch_op.f('ix_mail_messages_created_at'))

    op.drop_table('mail_messages')
    with op.batch_alter_table('correspondent_emails', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_correspondent_emails_correspondent_id'))

    op.drop_table('correspondent_emails')
    op.drop_table('mailboxes')
    with op.batch_alter_table('correspondents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_correspondents_merged_into_id'))

    op.drop_table('correspondents')
