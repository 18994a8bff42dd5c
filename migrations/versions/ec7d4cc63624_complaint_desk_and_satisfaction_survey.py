"""Complaint desk and satisfaction survey: complaints, their responses, survey codes and answers

Revision ID: ec7d4cc63624
Revises: 48c2922affa0
Create Date: 2026-11-28 10:59:49.138542

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ec7d4cc63624'
down_revision = '48c2922affa0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('survey_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code_digest', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('ref', sa.String(length=60), nullable=True),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_codes')),
    sa.UniqueConstraint('code_digest', name=op.f('uq_survey_codes_code_digest'))
    )
    op.create_table('survey_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.Column('u1', sa.SmallInteger(), nullable=False),
    sa.Column('u2', sa.SmallInteger(), nullable=False),
    sa.Column('u3', sa.SmallInteger(), nullable=False),
    sa.Column('u4', sa.SmallInteger(), nullable=False),
    sa.Column('u5', sa.SmallInteger(), nullable=False),
    sa.Column('u6', sa.SmallInteger(), nullable=False),
    sa.Column('u7', sa.SmallInteger(), nullable=False),
    sa.Column('u8', sa.SmallInteger(), nullable=False),
    sa.Column('u9', sa.SmallInteger(), nullable=False),
    sa.Column('suggestion', sa.Text(), nullable=True),
    sa.CheckConstraint('u1 BETWEEN 1 AND 4', name=op.f('ck_survey_responses_u1_range')),
    sa.CheckConstraint('u2 BETWEEN 1 AND 4', name=op.f('ck_survey_responses_u2_range')),
    sa.CheckConstraint('u3 BETWEEN 1 AND 4', name=op.f('ck_survey_responses_u3_range')),
    sa.CheckConstraint('u4 BETWEEN 1 AND 4', name=op.f('ck_survey_responses_u4_range')),
    sa.CheckConstraint('u5 BETWEEN 1 AND 4', name=op.f('ck_survey_responses_u5_range')),
    sa.CheckConstraint('u6 BETWEEN 1 AND 4', name=op.f('ck_survey_responses_u6_range')),
    sa.CheckConstraint('u7 BETWEEN 1 AND 4', name=op.f('ck_survey_responses_u7_range')),
    sa.CheckConstraint('u8 BETWEEN 1 AND 4', name=op.f('ck_survey_responses_u8_range')),
    sa.CheckConstraint('u9 BETWEEN 1 AND 4', name=op.f('ck_survey_responses_u9_range')),
    sa.ForeignKeyConstraint(['code_id'], ['survey_codes.id'], name=op.f('fk_survey_responses_code_id_survey_codes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_responses')),
    sa.UniqueConstraint('code_id', name=op.f('uq_survey_responses_code_id'))
    )
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_responses_submitted_on'), ['submitted_on'], unique=False)

    op.create_table('complaints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('ticket', sa.String(length=20), nullable=False),
    sa.Column('access_code_digest', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=12), nullable=False),
    sa.Column('lapor_id', sa.String(length=40), nullable=True),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('identity_blob_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('related_agenda', sa.String(length=40), nullable=True),
    sa.Column('related_document_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('first_response_due', sa.DateTime(), nullable=False),
    sa.Column('solution_due', sa.DateTime(), nullable=False),
    sa.Column('first_response_at', sa.DateTime(), nullable=True),
    sa.Column('escalated_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('reopened_at', sa.DateTime(), nullable=True),
    sa.Column('reopen_count', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('handler_id', sa.Integer(), nullable=True),
    sa.Column('escalated_to_id', sa.Integer(), nullable=True),
    sa.Column('escalation_reason', sa.Text(), nullable=True),
    sa.Column('solution', sa.Text(), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_complaints_closed_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_complaints_created_by_id_users')),
    sa.ForeignKeyConstraint(['escalated_to_id'], ['users.id'], name=op.f('fk_complaints_escalated_to_id_users')),
    sa.ForeignKeyConstraint(['handler_id'], ['users.id'], name=op.f('fk_complaints_handler_id_users')),
    sa.ForeignKeyConstraint(['identity_blob_id'], ['secret_blobs.id'], name=op.f('fk_complaints_identity_blob_id_secret_blobs')),
    sa.ForeignKeyConstraint(['related_document_id'], ['documents.id'], name=op.f('fk_complaints_related_document_id_documents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaints')),
    sa.UniqueConstraint('access_code_digest', name=op.f('uq_complaints_access_code_digest')),
    sa.UniqueConstraint('ticket', name=op.f('uq_complaints_ticket')),
    sa.UniqueConstraint('year', 'number', name='uq_complaints_year_number')
    )
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaints_channel'), ['channel'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_escalated_to_id'), ['escalated_to_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_handler_id'), ['handler_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaints_status'), ['status'], unique=False)
        batch_op.create_index('ix_complaints_status_due', ['status', 'solution_due'], unique=False)

    op.create_table('complaint_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_complaint_responses_author_id_users')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_complaint_responses_complaint_id_complaints')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_responses'))
    )
    with op.batch_alter_table('complaint_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_responses_complaint_id'), ['complaint_id'], unique=False)



def downgrade():
    with op.batch_alter_table('complaint_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_responses_complaint_id'))

    op.drop_table('complaint_responses')
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index('ix_complaints_status_due')
        batch_op.drop_index(batch_op.f('ix_complaints_status'))
        batch_op.drop_index(batch_op.f('ix_complaints_handler_id'))
        batch_op.drop_index(batch_op.f('ix_complaints_escalated_to_id'))
        batch_op.drop_index(batch_op.f('ix_complaints_created_at'))
        batch_op.drop_index(batch_op.f('ix_complaints_channel'))

    op.drop_table('complaints')
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_responses_submitted_on'))

    op.drop_table('survey_responses')
    op.drop_table('survey_codes')
