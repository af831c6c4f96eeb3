"""unmatched details: the mentors an unmatched mentee could have had, and why not

Revision ID: 0006_unmatched_details
Revises: 0005_server_sessions
Create Date: 2026-12-01 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_unmatched_details'
# On main this follows 0005_server_sessions; the integrator re-chains it there.
down_revision = '0005_server_sessions'
branch_labels = None
depends_on = None


def upgrade():
    # A nullable column is added in place (no batch copy of the table) on every database.
    op.add_column('round_unmatched', sa.Column('details', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('round_unmatched', schema=None) as batch_op:
        batch_op.drop_column('details')
