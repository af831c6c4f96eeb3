"""preferences: a round's preference window, mentees' rank lists, mentors' marks

Revision ID: 0016_preferences
Revises: 0015_mentorship_lookup_index
Create Date: 2026-12-01 10:00:00.000000

New tables ``preference_windows`` (one per round), ``mentee_rankings`` (rank 1..50 of a
mentor by a mentee in a round) and ``mentor_marks`` (prefer / avoid, with a reason for
avoid); four programme settings with server defaults (max ranks 10, rankers anonymous,
unranked pairs allowed, optimal mode), so existing programmes behave as before. A downgrade
drops only what this adds.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0016_preferences"
down_revision = "0015_mentorship_lookup_index"
branch_labels = None
depends_on = None


def _fk(table, column, target, ondelete="CASCADE"):
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def upgrade():
    op.create_table(
        "preference_windows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_mailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_mailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "closes_at > opens_at", name=op.f("ck_preference_windows_closes_after_opens")
        ),
        _fk("preference_windows", "round_id", "matching_rounds"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_preference_windows")),
        sa.UniqueConstraint("round_id", name=op.f("uq_preference_windows_round_id")),
    )
    op.create_table(
        "mentee_rankings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("mentee_id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("rank BETWEEN 1 AND 50", name=op.f("ck_mentee_rankings_rank_range")),
        _fk("mentee_rankings", "round_id", "matching_rounds"),
        _fk("mentee_rankings", "mentee_id", "users"),
        _fk("mentee_rankings", "mentor_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentee_rankings")),
        sa.UniqueConstraint("round_id", "mentee_id", "mentor_id", name="uq_mentee_rankings_pair"),
        sa.UniqueConstraint("round_id", "mentee_id", "rank", name="uq_mentee_rankings_rank"),
    )
    with op.batch_alter_table("mentee_rankings", schema=None) as batch_op:
        for column in ("round_id", "mentee_id", "mentor_id"):
            batch_op.create_index(batch_op.f(f"ix_mentee_rankings_{column}"), [column])
    op.create_table(
        "mentor_marks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("mentee_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=6), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('prefer', 'avoid')", name=op.f("ck_mentor_marks_kind_known")),
        sa.CheckConstraint(
            "kind <> 'avoid' OR reason IS NOT NULL",
            name=op.f("ck_mentor_marks_avoid_has_reason"),
        ),
        _fk("mentor_marks", "round_id", "matching_rounds"),
        _fk("mentor_marks", "mentor_id", "users"),
        _fk("mentor_marks", "mentee_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentor_marks")),
        sa.UniqueConstraint("round_id", "mentor_id", "mentee_id", name="uq_mentor_marks_pair"),
    )
    with op.batch_alter_table("mentor_marks", schema=None) as batch_op:
        for column in ("round_id", "mentor_id", "mentee_id"):
            batch_op.create_index(batch_op.f(f"ix_mentor_marks_{column}"), [column])

    with op.batch_alter_table("programmes", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("preference_max_ranks", sa.Integer(), server_default="10", nullable=False)
        )
        batch_op.add_column(
            sa.Column("preference_rankers_named", sa.Boolean(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "preference_unranked_pairs", sa.Boolean(), server_default="1", nullable=False
            )
        )
        batch_op.add_column(
            sa.Column(
                "preference_mode", sa.String(length=8), server_default="optimal", nullable=False
            )
        )
        batch_op.create_check_constraint(
            "max_ranks_range", "preference_max_ranks BETWEEN 1 AND 50"
        )
        batch_op.create_check_constraint(
            "preference_mode_known", "preference_mode IN ('optimal', 'stable')"
        )


def downgrade():
    with op.batch_alter_table("programmes", schema=None) as batch_op:
        batch_op.drop_constraint("preference_mode_known", type_="check")
        batch_op.drop_constraint("max_ranks_range", type_="check")
        batch_op.drop_column("preference_mode")
        batch_op.drop_column("preference_unranked_pairs")
        batch_op.drop_column("preference_rankers_named")
        batch_op.drop_column("preference_max_ranks")
    with op.batch_alter_table("mentor_marks", schema=None) as batch_op:
        for column in ("mentee_id", "mentor_id", "round_id"):
            batch_op.drop_index(batch_op.f(f"ix_mentor_marks_{column}"))
    op.drop_table("mentor_marks")
    with op.batch_alter_table("mentee_rankings", schema=None) as batch_op:
        for column in ("mentor_id", "mentee_id", "round_id"):
            batch_op.drop_index(batch_op.f(f"ix_mentee_rankings_{column}"))
    op.drop_table("mentee_rankings")
    op.drop_table("preference_windows")
