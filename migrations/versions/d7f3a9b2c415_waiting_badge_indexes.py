"""waiting badge indexes: (assigned_to_id, step) and (delivery_assignee_id, step), so the
badge on every page reads the few cards waiting for a user, not every document ever assigned
to them (with 100,000 archived, the single-column index read about 5,000 rows per sandiman)

Revision ID: d7f3a9b2c415
Revises: c5d2e8f1a306
Create Date: 2026-12-02 06:00:00

"""
from alembic import op

revision = 'd7f3a9b2c415'
down_revision = 'c5d2e8f1a306'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_documents_assignee_step', 'documents', ['assigned_to_id', 'step'])
    op.create_index('ix_documents_courier_step', 'documents', ['delivery_assignee_id', 'step'])


def downgrade():
    op.drop_index('ix_documents_courier_step', table_name='documents')
    op.drop_index('ix_documents_assignee_step', table_name='documents')
