"""performance indexes: the board's archived window, the agenda book's order, a document's timeline

Revision ID: 5e1c8a0b7d42
Revises: 167a4583d1b1
Create Date: 2026-11-28 11:45:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5e1c8a0b7d42'
down_revision = '167a4583d1b1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_documents_archived_at', 'documents', ['archived_at'], unique=False)
    op.create_index('ix_agenda_entries_year_number', 'agenda_entries', ['year', 'number'], unique=False)
    op.create_index('ix_audit_events_document_seq', 'audit_events', ['document_id', 'seq'], unique=False)


def downgrade():
    op.drop_index('ix_audit_events_document_seq', table_name='audit_events')
    op.drop_index('ix_agenda_entries_year_number', table_name='agenda_entries')
    op.drop_index('ix_documents_archived_at', table_name='documents')
