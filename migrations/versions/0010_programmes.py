"""programmes: several programmes, each with its members, coordinators, rounds and mentorships

Revision ID: 0010_programmes
Revises: 0007_optional_components
Create Date: 2026-12-01 06:00:00.000000

Everything that existed before moves into one programme, "general" (a fresh install starts
with it too; coordinators rename or archive it): every mentee and mentor becomes an active
member (a mentor's seats taken there are those taken overall), every round, mentorship and
pair rule belongs to it, and every coordinator becomes an organisation coordinator. Nothing is
lost. The one-open-mentorship index and pair rules become per programme.
"""

import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0010_programmes"
down_revision = "0007_optional_components"
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('proposed', 'accepted')")
PROGRAMME_TABLES = ("matching_rounds", "mentorships", "pair_rules")


def _create_tables():
    op.create_table(
        "programmes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("signup_mode", sa.String(length=12), nullable=False),
        sa.Column("eligibility", sa.JSON(), nullable=False),
        sa.Column("mentorship_months", sa.Integer(), nullable=False),
        sa.Column("meeting_cadence", sa.String(length=12), nullable=False),
        sa.Column("answer_days", sa.Integer(), nullable=False),
        sa.Column("round_defaults", sa.JSON(), nullable=False),
        sa.Column("invitation_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "kind IN ('residency', 'research', 'fellowship', 'licensure', 'general')",
            name=op.f("ck_programmes_kind_known"),
        ),
        sa.CheckConstraint(
            "signup_mode IN ('open', 'approval', 'invitation')",
            name=op.f("ck_programmes_signup_mode_known"),
        ),
        sa.CheckConstraint(
            "meeting_cadence IN ('weekly', 'fortnightly', 'monthly')",
            name=op.f("ck_programmes_cadence_known"),
        ),
        sa.CheckConstraint(
            "mentorship_months BETWEEN 1 AND 60", name=op.f("ck_programmes_months_range")
        ),
        sa.CheckConstraint(
            "answer_days BETWEEN 1 AND 60", name=op.f("ck_programmes_answer_days_range")
        ),
        sa.CheckConstraint(
            "ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on",
            name=op.f("ck_programmes_dates_ordered"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programmes")),
        sa.UniqueConstraint("slug", name=op.f("uq_programmes_slug")),
    )
    op.create_table(
        "programme_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("joined_via", sa.String(length=12), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=True),
        sa.Column("seats_taken", sa.Integer(), server_default="0", nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'active', 'declined', 'left')",
            name=op.f("ck_programme_members_status_known"),
        ),
        sa.CheckConstraint(
            "seats IS NULL OR seats BETWEEN 0 AND 20",
            name=op.f("ck_programme_members_seats_range"),
        ),
        sa.CheckConstraint(
            "seats_taken >= 0 AND (seats IS NULL OR seats_taken <= seats)",
            name=op.f("ck_programme_members_seats_within"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_programme_members_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_programme_members_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_programme_members_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_members")),
        sa.UniqueConstraint("programme_id", "user_id", name="uq_programme_members_person"),
    )
    with op.batch_alter_table("programme_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_programme_members_programme_id"), ["programme_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_programme_members_user_id"), ["user_id"], unique=False
        )
    op.create_table(
        "programme_coordinators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_programme_coordinators_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_programme_coordinators_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_coordinators")),
        sa.UniqueConstraint("programme_id", "user_id", name="uq_programme_coordinators_person"),
    )
    with op.batch_alter_table("programme_coordinators", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_programme_coordinators_programme_id"), ["programme_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_programme_coordinators_user_id"), ["user_id"], unique=False
        )


def _move_everything_into_the_general_programme():
    bind = op.get_bind()
    now = sa.func.now() if bind.dialect.name == "postgresql" else sa.text("CURRENT_TIMESTAMP")
    programmes = sa.table(
        "programmes",
        *(
            sa.column(name)
            for name in (
                "id",
                "slug",
                "name",
                "description",
                "kind",
                "signup_mode",
                "eligibility",
                "mentorship_months",
                "meeting_cadence",
                "answer_days",
                "round_defaults",
                "invitation_key",
                "created_at",
            )
        ),
    )
    bind.execute(
        programmes.insert().values(
            slug="general",
            name="Mentorship programme",
            description="Mentoring for international medical graduates on the way to US residency, "
            "research, fellowship and licensure.",
            kind="general",
            signup_mode="open",
            eligibility=sa.text("'{}'"),
            mentorship_months=12,
            meeting_cadence="monthly",
            answer_days=14,
            round_defaults=sa.text("'{}'"),
            invitation_key=secrets.token_urlsafe(24),
            created_at=now,
        )
    )
    general = bind.execute(
        sa.text("SELECT id FROM programmes WHERE slug = 'general'")
    ).scalar_one()
    for table in PROGRAMME_TABLES:
        bind.execute(sa.text(f"UPDATE {table} SET programme_id = :p"), {"p": general})  # nosec B608
    bind.execute(
        sa.text(
            "UPDATE audit_entries SET programme_id = :p WHERE target_type IN ('round', 'pair')"
        ),
        {"p": general},
    )
    # mentees and mentors become active members; a mentor's seats taken there are the seats
    # taken overall (every proposal and mentorship so far was of this programme)
    bind.execute(
        sa.text(
            "INSERT INTO programme_members (programme_id, user_id, status, joined_via, seats, "
            "seats_taken, applied_at) "
            "SELECT :p, users.id, 'active', 'existing', NULL, "
            "COALESCE(mentor_profiles.seats_taken, 0), users.created_at FROM users "
            "LEFT JOIN mentor_profiles ON mentor_profiles.user_id = users.id "
            "WHERE users.role IN ('mentee', 'mentor') ORDER BY users.id"
        ),
        {"p": general},
    )
    bind.execute(
        sa.text("UPDATE users SET organisation_wide = :yes WHERE role = 'coordinator'"),
        {"yes": True},
    )


def upgrade():
    _create_tables()
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("organisation_wide", sa.Boolean(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("mentee_profiles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("target_match_year", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            "match_year_range",
            "target_match_year IS NULL OR target_match_year BETWEEN 2000 AND 2100",
        )
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("programme_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_audit_entries_programme_id"), ["programme_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_audit_entries_programme_id_programmes"),
            "programmes",
            ["programme_id"],
            ["id"],
            ondelete="SET NULL",
        )
    for table in PROGRAMME_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("programme_id", sa.Integer(), nullable=True))

    _move_everything_into_the_general_programme()

    with op.batch_alter_table("mentorships", schema=None) as batch_op:
        batch_op.drop_index("uq_mentorships_open_mentee", sqlite_where=OPEN, postgresql_where=OPEN)
    with op.batch_alter_table("pair_rules", schema=None) as batch_op:
        batch_op.drop_constraint("uq_pair_rules_pair", type_="unique")
    for table in PROGRAMME_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("programme_id", existing_type=sa.Integer(), nullable=False)
            batch_op.create_index(
                batch_op.f(f"ix_{table}_programme_id"), ["programme_id"], unique=False
            )
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_programme_id_programmes"),
                "programmes",
                ["programme_id"],
                ["id"],
            )
    with op.batch_alter_table("mentorships", schema=None) as batch_op:
        batch_op.create_index(
            "uq_mentorships_open_mentee",
            ["programme_id", "mentee_id"],
            unique=True,
            sqlite_where=OPEN,
            postgresql_where=OPEN,
        )
    with op.batch_alter_table("pair_rules", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            "uq_pair_rules_pair", ["programme_id", "mentee_id", "mentor_id"]
        )


def downgrade():
    # Back to one pool: rounds, mentorships and rules of every programme stay (without their
    # programme); a mentee with open mentorships in several programmes keeps the oldest open.
    bind = op.get_bind()
    bind.execute(
        sa.text(
            "UPDATE mentorships SET status = 'ended' WHERE status IN ('proposed', 'accepted') AND "
            "id NOT IN (SELECT MIN(id) FROM mentorships WHERE status IN ('proposed', 'accepted') "
            "GROUP BY mentee_id)"
        )
    )
    bind.execute(
        sa.text(
            "DELETE FROM pair_rules WHERE id NOT IN (SELECT MIN(id) FROM pair_rules "
            "GROUP BY mentee_id, mentor_id)"
        )
    )
    with op.batch_alter_table("pair_rules", schema=None) as batch_op:
        batch_op.drop_constraint("uq_pair_rules_pair", type_="unique")
    with op.batch_alter_table("mentorships", schema=None) as batch_op:
        batch_op.drop_index("uq_mentorships_open_mentee", sqlite_where=OPEN, postgresql_where=OPEN)
    for table in reversed(PROGRAMME_TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(
                batch_op.f(f"fk_{table}_programme_id_programmes"), type_="foreignkey"
            )
            batch_op.drop_index(batch_op.f(f"ix_{table}_programme_id"))
            batch_op.drop_column("programme_id")
    with op.batch_alter_table("mentorships", schema=None) as batch_op:
        batch_op.create_index(
            "uq_mentorships_open_mentee",
            ["mentee_id"],
            unique=True,
            sqlite_where=OPEN,
            postgresql_where=OPEN,
        )
    with op.batch_alter_table("pair_rules", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_pair_rules_pair", ["mentee_id", "mentor_id"])
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_audit_entries_programme_id_programmes"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_audit_entries_programme_id"))
        batch_op.drop_column("programme_id")
    with op.batch_alter_table("mentee_profiles", schema=None) as batch_op:
        batch_op.drop_constraint("match_year_range", type_="check")
        batch_op.drop_column("target_match_year")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("organisation_wide")
    with op.batch_alter_table("programme_coordinators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programme_coordinators_user_id"))
        batch_op.drop_index(batch_op.f("ix_programme_coordinators_programme_id"))
    op.drop_table("programme_coordinators")
    with op.batch_alter_table("programme_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programme_members_user_id"))
        batch_op.drop_index(batch_op.f("ix_programme_members_programme_id"))
    op.drop_table("programme_members")
    op.drop_table("programmes")
