"""meetings: a mentorship's meetings, each person's time zone, and one attachment per mail

Revision ID: 0012_meetings
Revises: 0011_mentorship_workspace
Create Date: 2026-12-01 06:00:00.000000

New table ``meetings`` (proposed / accepted / cancelled / held, with an iCalendar UID and
SEQUENCE, and the pair's log after the meeting); ``users.time_zone`` (an IANA name, NULL:
times are shown in UTC); three nullable columns on ``outbox_messages`` for one attachment
(a meeting's .ics). Nothing existing changes; a downgrade drops only what this adds.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0012_meetings"
down_revision = "0011_mentorship_workspace"
branch_labels = None
depends_on = None


def _user_column(name):
    return sa.ForeignKeyConstraint(
        [name], ["users.id"], name=op.f(f"fk_meetings_{name}_users"), ondelete="SET NULL"
    )


def upgrade():
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mentorship_id", sa.Integer(), nullable=False),
        sa.Column("organizer_id", sa.Integer(), nullable=True),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=12), nullable=False),
        sa.Column("location", sa.String(length=300), nullable=True),
        sa.Column("agenda", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("uid", sa.String(length=255), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_by_id", sa.Integer(), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("next_steps", sa.Text(), nullable=True),
        sa.Column("goals_touched", sa.Text(), nullable=True),
        sa.Column("logged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("logged_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "channel IN ('video', 'phone', 'in-person')", name=op.f("ck_meetings_channel_known")
        ),
        sa.CheckConstraint(
            "status IN ('proposed', 'accepted', 'cancelled', 'held')",
            name=op.f("ck_meetings_status_known"),
        ),
        sa.CheckConstraint(
            "duration_minutes BETWEEN 15 AND 240", name=op.f("ck_meetings_duration_range")
        ),
        sa.CheckConstraint("sequence >= 0", name=op.f("ck_meetings_sequence_not_negative")),
        _user_column("cancelled_by_id"),
        _user_column("logged_by_id"),
        sa.ForeignKeyConstraint(
            ["mentorship_id"],
            ["mentorships.id"],
            name=op.f("fk_meetings_mentorship_id_mentorships"),
            ondelete="CASCADE",
        ),
        _user_column("organizer_id"),
        _user_column("proposed_by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
        sa.UniqueConstraint("uid", name=op.f("uq_meetings_uid")),
    )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meetings_mentorship_id"), ["mentorship_id"], unique=False
        )
        batch_op.create_index("ix_meetings_status_starts_at", ["status", "starts_at"], unique=False)

    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attachment_filename", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("attachment_type", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("attachment_content", sa.Text(), nullable=True))

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("time_zone", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("time_zone")

    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_column("attachment_content")
        batch_op.drop_column("attachment_type")
        batch_op.drop_column("attachment_filename")

    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index("ix_meetings_status_starts_at")
        batch_op.drop_index(batch_op.f("ix_meetings_mentorship_id"))

    op.drop_table("meetings")
