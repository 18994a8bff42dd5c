"""CMS recipient kinds: EC office identities, pre-shared KEKs and passwords

Revision ID: a13e0c5d2f71
Revises: 5e1c8a0b7d42
Create Date: 2026-12-01 21:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a13e0c5d2f71'
down_revision = '5e1c8a0b7d42'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('office_identities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key_type', sa.String(length=8), server_default='rsa', nullable=False))
    with op.batch_alter_table('shared_keys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=10), server_default='fernet', nullable=False))
        batch_op.add_column(sa.Column('key_id', sa.String(length=128), nullable=True))
        batch_op.alter_column('check_value', existing_type=sa.String(length=16), nullable=True)
        batch_op.create_index(batch_op.f('ix_shared_keys_key_id'), ['key_id'], unique=False)


def downgrade():
    with op.batch_alter_table('shared_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shared_keys_key_id'))
        batch_op.alter_column('check_value', existing_type=sa.String(length=16), nullable=False)
        batch_op.drop_column('key_id')
        batch_op.drop_column('kind')
    with op.batch_alter_table('office_identities', schema=None) as batch_op:
        batch_op.drop_column('key_type')
