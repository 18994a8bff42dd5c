"""paper side: pdfs, signatures, verification, disposal

The new `documents` columns are added in place (never by rebuilding the table: on SQLite that
would drop a table other tables' rows point at). SQLite gets the foreign key as a column
constraint of ALTER TABLE ADD COLUMN; PostgreSQL a named constraint.

Revision ID: 167a4583d1b1
Revises: 10402fd4b480
Create Date: 2026-11-28 10:44:54.602040

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '167a4583d1b1'
down_revision = '10402fd4b480'
branch_labels = None
depends_on = None


DOCUMENT_COLUMNS = [
    ("cover_pdf_blob_id", sa.Integer(), "secret_blobs"),
    ("signed_pdf_blob_id", sa.Integer(), "secret_blobs"),
    ("signed_sha256", sa.String(length=64), None),
    ("signature_kind", sa.String(length=12), None),
    ("signing_cert_id", sa.Integer(), "pki_signing_certs"),
    ("stamped_cover_blob_id", sa.Integer(), "secret_blobs"),
    ("stamped_copy_blob_id", sa.Integer(), "secret_blobs"),
    ("receipt_blob_id", sa.Integer(), "secret_blobs"),
    ("stamped_at", sa.DateTime(), None),
    ("retention_until", sa.Date(), None),
    ("disposed_at", sa.DateTime(), None),
    ("disposal_id", sa.Integer(), "disposals"),
]


def _add_document_column(name, type_, target):
    if target and op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE documents ADD COLUMN {name} INTEGER REFERENCES {target} (id)")
        return
    op.add_column("documents", sa.Column(name, type_, nullable=True))
    if target:
        op.create_foreign_key(f"fk_documents_{name}_{target}", "documents", target, [name], ["id"])


def upgrade():
    op.create_table('disposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=80), nullable=False),
    sa.Column('disposed_at', sa.DateTime(), nullable=False),
    sa.Column('kasi_id', sa.Integer(), nullable=False),
    sa.Column('witness_name', sa.String(length=120), nullable=False),
    sa.Column('witness_nip', sa.String(length=40), nullable=False),
    sa.Column('witness_title', sa.String(length=120), nullable=True),
    sa.Column('method', sa.String(length=300), nullable=False),
    sa.Column('record_count', sa.Integer(), nullable=False),
    sa.Column('records_json', sa.Text(), nullable=False),
    sa.Column('report_blob_id', sa.Integer(), nullable=True),
    sa.Column('report_sha256', sa.String(length=64), nullable=True),
    sa.Column('signed', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['kasi_id'], ['users.id'], name=op.f('fk_disposals_kasi_id_users')),
    sa.ForeignKeyConstraint(['report_blob_id'], ['secret_blobs.id'], name=op.f('fk_disposals_report_blob_id_secret_blobs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disposals')),
    sa.UniqueConstraint('number', name=op.f('uq_disposals_number'))
    )
    op.create_table('pki_signing_certs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('serial', sa.String(length=64), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('issuer', sa.String(length=300), nullable=False),
    sa.Column('not_before', sa.DateTime(), nullable=False),
    sa.Column('not_after', sa.DateTime(), nullable=False),
    sa.Column('p12_blob_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['p12_blob_id'], ['secret_blobs.id'], name=op.f('fk_pki_signing_certs_p12_blob_id_secret_blobs')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_pki_signing_certs_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pki_signing_certs')),
    sa.UniqueConstraint('fingerprint', name=op.f('uq_pki_signing_certs_fingerprint'))
    )
    with op.batch_alter_table('pki_signing_certs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pki_signing_certs_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_pki_signing_certs_user_id'), ['user_id'], unique=False)

    op.create_table('pki_trust_roots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('cert_pem', sa.Text(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('key_blob_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['key_blob_id'], ['secret_blobs.id'], name=op.f('fk_pki_trust_roots_key_blob_id_secret_blobs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pki_trust_roots')),
    sa.UniqueConstraint('fingerprint', name=op.f('uq_pki_trust_roots_fingerprint'))
    )
    op.create_table('issued_papers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('disposal_id', sa.Integer(), nullable=True),
    sa.Column('number', sa.String(length=80), nullable=True),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('signer_name', sa.String(length=200), nullable=True),
    sa.Column('signer_role', sa.String(length=60), nullable=True),
    sa.Column('classification', sa.String(length=2), nullable=True),
    sa.Column('void_reason', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['disposal_id'], ['disposals.id'], name=op.f('fk_issued_papers_disposal_id_disposals')),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_issued_papers_document_id_documents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issued_papers')),
    sa.UniqueConstraint('code', name=op.f('uq_issued_papers_code'))
    )
    with op.batch_alter_table('issued_papers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_issued_papers_document_id'), ['document_id'], unique=False)

    op.create_table('issued_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('paper_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=60), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['paper_id'], ['issued_papers.id'], name=op.f('fk_issued_files_paper_id_issued_papers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issued_files'))
    )
    with op.batch_alter_table('issued_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_issued_files_paper_id'), ['paper_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_issued_files_sha256'), ['sha256'], unique=False)

    for name, type_, target in DOCUMENT_COLUMNS:
        _add_document_column(name, type_, target)
    op.create_index('ix_documents_retention_until', 'documents', ['retention_until'], unique=False)


def downgrade():
    op.drop_index('ix_documents_retention_until', table_name='documents')
    sqlite = op.get_bind().dialect.name == "sqlite"
    for name, type_, target in reversed(DOCUMENT_COLUMNS):
        if target and not sqlite:
            op.drop_constraint(f"fk_documents_{name}_{target}", "documents", type_="foreignkey")
        op.drop_column("documents", name)

    with op.batch_alter_table('issued_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_issued_files_sha256'))
        batch_op.drop_index(batch_op.f('ix_issued_files_paper_id'))

    op.drop_table('issued_files')
    with op.batch_alter_table('issued_papers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_issued_papers_document_id'))

    op.drop_table('issued_papers')
    op.drop_table('pki_trust_roots')
    with op.batch_alter_table('pki_signing_certs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pki_signing_certs_user_id'))
        batch_op.drop_index(batch_op.f('ix_pki_signing_certs_status'))

    op.drop_table('pki_signing_certs')
    op.drop_table('disposals')
