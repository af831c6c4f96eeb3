"""pair health: check-ins, coordinators' notes on pairs, and the last nudge of a mentorship

Revision ID: 0013_pair_health
Revises: 0012_meetings
Create Date: 2026-12-01 10:00:00.000000

New tables ``check_ins`` (a fit check, pulses and a close-out survey per side, answered with
a score of 1-5 and a comment) and ``pair_notes`` (a coordinator's note on a mentorship);
``mentorships.nudged_at`` (the last meeting nudge, at most one per cadence period). Nothing
existing changes; a downgrade drops only what this adds.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0013_pair_health"
down_revision = "0012_meetings"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "check_ins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mentorship_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('fit', 'pulse', 'closeout')", name=op.f("ck_check_ins_kind_known")
        ),
        sa.CheckConstraint(
            "score IS NULL OR score BETWEEN 1 AND 5", name=op.f("ck_check_ins_score_range")
        ),
        sa.ForeignKeyConstraint(
            ["mentorship_id"],
            ["mentorships.id"],
            name=op.f("fk_check_ins_mentorship_id_mentorships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_check_ins_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_ins")),
        sa.UniqueConstraint(
            "mentorship_id", "user_id", "kind", "number", name=op.f("uq_check_ins_one_per_side")
        ),
    )
    with op.batch_alter_table("check_ins", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_check_ins_mentorship_id"), ["mentorship_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_check_ins_user_id"), ["user_id"], unique=False)

    op.create_table(
        "pair_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mentorship_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_pair_notes_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["mentorship_id"],
            ["mentorships.id"],
            name=op.f("fk_pair_notes_mentorship_id_mentorships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pair_notes")),
    )
    with op.batch_alter_table("pair_notes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pair_notes_mentorship_id"), ["mentorship_id"], unique=False
        )

    with op.batch_alter_table("mentorships", schema=None) as batch_op:
        batch_op.add_column(sa.Column("nudged_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("mentorships", schema=None) as batch_op:
        batch_op.drop_column("nudged_at")

    with op.batch_alter_table("pair_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pair_notes_mentorship_id"))
    op.drop_table("pair_notes")

    with op.batch_alter_table("check_ins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_check_ins_user_id"))
        batch_op.drop_index(batch_op.f("ix_check_ins_mentorship_id"))
    op.drop_table("check_ins")
