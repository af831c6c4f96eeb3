"""round re-runs and top-ups: links to the round each came from

A re-run is a new round (the earlier result stays to compare with); a top-up re-matches the
mentees of a published round whose mentor declined or let the proposal expire.

Revision ID: round_reruns_and_top_ups
Revises: 0006_unmatched_details
Create Date: 2026-12-01 03:30:11.889234

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'round_reruns_and_top_ups'
down_revision = '0006_unmatched_details'
branch_labels = None
depends_on = None

COLUMNS = ('rerun_of_id', 'top_up_of_id')


def _constraint(column):
    return f'fk_matching_rounds_{column}_matching_rounds'


def upgrade():
    # SQLite adds each column with its reference in place. Batch mode would copy the table
    # instead, and dropping the old copy (foreign keys on) would cascade to every round's
    # pairs and detach the mentorships.
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for column in COLUMNS:
        if sqlite:
            op.execute(
                f'ALTER TABLE matching_rounds ADD COLUMN {column} INTEGER '
                f'CONSTRAINT {_constraint(column)} REFERENCES matching_rounds (id)'
            )
        else:
            op.add_column('matching_rounds', sa.Column(column, sa.Integer(), nullable=True))
            op.create_foreign_key(
                _constraint(column), 'matching_rounds', 'matching_rounds', [column], ['id']
            )


def downgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for column in reversed(COLUMNS):
        if sqlite:
            # a later migration may have rebuilt the table, moving the reference into a
            # table constraint that DROP COLUMN refuses; batch mode copies the table (with
            # foreign keys off while migrating: see env.py)
            with op.batch_alter_table('matching_rounds', schema=None) as batch_op:
                batch_op.drop_column(column)
        else:
            op.drop_constraint(_constraint(column), 'matching_rounds', type_='foreignkey')
            op.drop_column('matching_rounds', column)
