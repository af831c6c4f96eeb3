"""round pairs: the optional score components (support, language, img_mentor, visa)

Revision ID: 0007_optional_components
Revises: capacity_before_pause
Create Date: 2026-12-02 10:00:00.000000

Nullable: rounds run before these components existed have no value for them.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_optional_components'
down_revision = 'capacity_before_pause'
branch_labels = None
depends_on = None

COLUMNS = ('support_score', 'language_score', 'img_mentor_score', 'visa_score')


def upgrade():
    with op.batch_alter_table('round_pairs', schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Float(), nullable=True))


def downgrade():
    with op.batch_alter_table('round_pairs', schema=None) as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
