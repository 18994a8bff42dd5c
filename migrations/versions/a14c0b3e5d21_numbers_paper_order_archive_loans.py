"""cover letter number at signing, receipt scan, archive location, borrowing log

Revision ID: a14c0b3e5d21
Revises: c3a9e12f0b71
Create Date: 2026-12-01 21:45:00

"""
import sqlalchemy as sa
from alembic import op


revision = 'a14c0b3e5d21'
down_revision = 'c3a9e12f0b71'
branch_labels = None
depends_on = None

DOC_COLUMNS = [
    ('cover_number', sa.String(length=80)),
    ('archive_cabinet', sa.String(length=40)),
    ('archive_shelf', sa.String(length=40)),
    ('archive_box', sa.String(length=40)),
    ('archive_folder', sa.String(length=40)),
    ('archive_note', sa.String(length=500)),
]


def upgrade():
    with op.batch_alter_table('documents') as batch:
        for name, type_ in DOC_COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))
        # no foreign key: it would make SQLite rebuild `documents` (its rows and search triggers)
        batch.add_column(sa.Column('receipt_scan_blob_id', sa.Integer(), nullable=True))
    op.create_table(
        'archive_loans',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('borrower_name', sa.String(length=120), nullable=False),
        sa.Column('borrower_unit', sa.String(length=120), nullable=True),
        sa.Column('purpose', sa.String(length=500), nullable=False),
        sa.Column('borrowed_at', sa.DateTime(), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=True),
        sa.Column('returned_at', sa.DateTime(), nullable=True),
        sa.Column('lent_by_id', sa.Integer(), nullable=False),
        sa.Column('received_back_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id']),
        sa.ForeignKeyConstraint(['lent_by_id'], ['users.id']),
        sa.ForeignKeyConstraint(['received_back_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_archive_loans_document_id', 'archive_loans', ['document_id'], unique=False)


def downgrade():
    op.drop_index('ix_archive_loans_document_id', table_name='archive_loans')
    op.drop_table('archive_loans')
    with op.batch_alter_table('documents') as batch:
        batch.drop_column('receipt_scan_blob_id')
        for name, _ in reversed(DOC_COLUMNS):
            batch.drop_column(name)
