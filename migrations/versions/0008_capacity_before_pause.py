"""mentor profiles remember the capacity a mentor had before pausing

Revision ID: capacity_before_pause
Revises: round_reruns_and_top_ups
Create Date: 2026-12-01 04:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'capacity_before_pause'
down_revision = 'round_reruns_and_top_ups'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('mentor_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('capacity_before_pause', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_mentor_profiles_capacity_before_pause_range'),
            'capacity_before_pause IS NULL OR capacity_before_pause BETWEEN 1 AND 20',
        )


def downgrade():
    with op.batch_alter_table('mentor_profiles', schema=None) as batch_op:
        batch_op.drop_constraint(
            op.f('ck_mentor_profiles_capacity_before_pause_range'), type_='check'
        )
        batch_op.drop_column('capacity_before_pause')
