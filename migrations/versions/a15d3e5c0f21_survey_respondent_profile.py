"""survey respondent profile (PermenPANRB 14/2017): age, sex, education, occupation

Revision ID: a15d3e5c0f21
Revises: e42b7a3c903d
Create Date: 2026-12-01 22:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a15d3e5c0f21'
down_revision = 'e42b7a3c903d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('age', sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column('sex', sa.String(length=1), nullable=True))
        batch_op.add_column(sa.Column('education', sa.String(length=4), nullable=True))
        batch_op.add_column(sa.Column('occupation', sa.String(length=12), nullable=True))


def downgrade():
    with op.batch_alter_table('survey_responses', schema=None) as batch_op:
        batch_op.drop_column('occupation')
        batch_op.drop_column('education')
        batch_op.drop_column('sex')
        batch_op.drop_column('age')
