"""outcomes: a mentee's milestones (exams, letters, publications, the Match result, ...), the
outcome survey after Match Day, and the mentee's switch that shares her outcomes with her mentor

Revision ID: 0014_outcomes
Revises: 0013_pair_health
Create Date: 2026-12-01 10:00:00.000000

New tables ``outcomes`` (one row per milestone, with who recorded and who verified it; one
Match result per mentee and year, a partial unique index) and ``outcome_surveys`` (one row per
mentee and Match year: when the survey went out and how many reminders followed);
``mentee_profiles.outcomes_shared`` (false for everyone). Nothing existing changes; a
downgrade drops only what this adds.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0014_outcomes"
down_revision = "0013_pair_health"
branch_labels = None
depends_on = None

KINDS = (
    "exam-passed", "ecfmg-certified", "usce", "us-letter", "abstract", "publication",
    "research-position", "applications", "interviews", "match-result", "visa-obtained",
)  # fmt: skip
MATCH_ONLY = "kind = 'match-result'"


def _quoted(values):
    return ", ".join(f"'{value}'" for value in values)


def upgrade():
    op.create_table(
        "outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mentee_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("achieved_on", sa.Date(), nullable=False),
        sa.Column("exam", sa.String(length=20), nullable=True),
        sa.Column("specialty", sa.String(length=60), nullable=True),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("match_result", sa.String(length=12), nullable=True),
        sa.Column("match_year", sa.Integer(), nullable=True),
        sa.Column("doi", sa.String(length=200), nullable=True),
        sa.Column("pmid", sa.String(length=12), nullable=True),
        sa.Column("description", sa.String(length=300), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verified_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(f"kind IN ({_quoted(KINDS)})", name=op.f("ck_outcomes_kind_known")),
        sa.CheckConstraint(
            "match_result IS NULL OR match_result IN ('matched', 'soap', 'not-matched')",
            name=op.f("ck_outcomes_match_result_known"),
        ),
        sa.CheckConstraint(
            "exam IS NULL OR exam IN ('usmle-step1', 'usmle-step2ck', 'usmle-step3', 'oet')",
            name=op.f("ck_outcomes_exam_known"),
        ),
        sa.CheckConstraint(
            "number IS NULL OR number BETWEEN 1 AND 999", name=op.f("ck_outcomes_number_range")
        ),
        sa.CheckConstraint(
            "match_year IS NULL OR match_year BETWEEN 2000 AND 2100",
            name=op.f("ck_outcomes_match_year_range"),
        ),
        sa.ForeignKeyConstraint(
            ["mentee_id"],
            ["users.id"],
            name=op.f("fk_outcomes_mentee_id_users"),
            ondelete="CASCADE",
        ),  # fmt: skip
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_outcomes_recorded_by_id_users"),
            ondelete="SET NULL",
        ),  # fmt: skip
        sa.ForeignKeyConstraint(
            ["verified_by_id"],
            ["users.id"],
            name=op.f("fk_outcomes_verified_by_id_users"),
            ondelete="SET NULL",
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcomes")),
    )
    with op.batch_alter_table("outcomes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outcomes_mentee_id"), ["mentee_id"], unique=False)
        batch_op.create_index("ix_outcomes_kind_match_year", ["kind", "match_year"], unique=False)
        batch_op.create_index(
            "uq_outcomes_match_result_year",
            ["mentee_id", "match_year"],
            unique=True,
            sqlite_where=sa.text(MATCH_ONLY),
            postgresql_where=sa.text(MATCH_ONLY),
        )

    op.create_table(
        "outcome_surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mentee_id", sa.Integer(), nullable=False),
        sa.Column("match_year", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reminders", sa.Integer(), nullable=False),
        sa.Column("last_mailed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "reminders >= 0", name=op.f("ck_outcome_surveys_reminders_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["mentee_id"],
            ["users.id"],
            name=op.f("fk_outcome_surveys_mentee_id_users"),
            ondelete="CASCADE",
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_surveys")),
        sa.UniqueConstraint(
            "mentee_id", "match_year", name=op.f("uq_outcome_surveys_mentee_year")
        ),
    )
    with op.batch_alter_table("outcome_surveys", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outcome_surveys_mentee_id"), ["mentee_id"], unique=False
        )

    with op.batch_alter_table("mentee_profiles", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("outcomes_shared", sa.Boolean(), server_default="0", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("mentee_profiles", schema=None) as batch_op:
        batch_op.drop_column("outcomes_shared")

    with op.batch_alter_table("outcome_surveys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outcome_surveys_mentee_id"))
    op.drop_table("outcome_surveys")

    with op.batch_alter_table("outcomes", schema=None) as batch_op:
        batch_op.drop_index("uq_outcomes_match_result_year")
        batch_op.drop_index("ix_outcomes_kind_match_year")
        batch_op.drop_index(batch_op.f("ix_outcomes_mentee_id"))
    op.drop_table("outcomes")
