"""Programmes: several mentoring programmes on one service, each with its own people, rounds,
settings and coordinators.

A person belongs to a programme through a `ProgrammeMember` row (applied, active, declined or
left; never deleted, so the history stays). A mentor's seats in a programme are bounded twice:
by the programme's ``seats`` (None: up to the overall capacity) and by the profile's overall
capacity; both counters are taken with conditional updates (services.seats) and backed by CHECK
constraints. Programmes are archived, never deleted.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentormatch.extensions import db
from mentormatch.models.statuses import (
    MeetingCadence,
    MembershipStatus,
    ProgrammeKind,
    SignupMode,
    sql_in,
)
from mentormatch.models.times import utcnow
from mentormatch.models.user import User

SLUG_MAX = 60


class Programme(db.Model):
    __tablename__ = "programmes"
    __table_args__ = (
        CheckConstraint(sql_in(ProgrammeKind, "kind"), name="kind_known"),
        CheckConstraint(sql_in(SignupMode, "signup_mode"), name="signup_mode_known"),
        CheckConstraint(sql_in(MeetingCadence, "meeting_cadence"), name="cadence_known"),
        CheckConstraint("mentorship_months BETWEEN 1 AND 60", name="months_range"),
        CheckConstraint("answer_days BETWEEN 1 AND 60", name="answer_days_range"),
        CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on",
                        name="dates_ordered"),
        CheckConstraint("preference_max_ranks BETWEEN 1 AND 50", name="max_ranks_range"),
        CheckConstraint("preference_mode IN ('optimal', 'stable')", name="preference_mode_known"),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(SLUG_MAX), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # for applicants: who it is for, what mentees get
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20), default=ProgrammeKind.GENERAL.value)
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    signup_mode: Mapped[str] = mapped_column(String(12), default=SignupMode.OPEN.value)
    # who may join as a mentee: {"specialties": [codes], "match_years": [years]}; empty = anyone
    eligibility: Mapped[dict] = mapped_column(JSON, default=dict)
    mentorship_months: Mapped[int] = mapped_column(default=12)
    meeting_cadence: Mapped[str] = mapped_column(String(12), default=MeetingCadence.MONTHLY.value)
    # how long a mentor has to answer a proposal
    answer_days: Mapped[int] = mapped_column(default=14)
    # what a new round starts from: {"weights": {...}, "objective": ..., "min_score": ...}
    round_defaults: Mapped[dict] = mapped_column(JSON, default=dict)
    # the secret in the programme's invitation link; replaced to revoke old links
    invitation_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # the pathway-plan templates of this programme, by goal (services.mentorships.plan_templates);
    # None: the built-in ones
    plan_templates: Mapped[dict | None] = mapped_column(JSON)
    # stated preferences (models.preferences): how many mentors a mentee may rank, whether a
    # mentor sees who ranked them by name, whether a pair the mentee did not rank may be
    # proposed, and how rounds are solved (a MatchingMode)
    preference_max_ranks: Mapped[int] = mapped_column(default=10, server_default="10")
    preference_rankers_named: Mapped[bool] = mapped_column(default=False, server_default="0")
    preference_unranked_pairs: Mapped[bool] = mapped_column(default=True, server_default="1")
    preference_mode: Mapped[str] = mapped_column(
        String(8), default="optimal", server_default="optimal"
    )

    @property
    def archived(self) -> bool:
        return self.archived_at is not None

    def __repr__(self) -> str:
        return f"<Programme {self.id} {self.slug}>"


class ProgrammeMember(db.Model):
    """A mentee's or mentor's place in a programme."""

    __tablename__ = "programme_members"
    __table_args__ = (
        UniqueConstraint("programme_id", "user_id", name="uq_programme_members_person"),
        CheckConstraint(sql_in(MembershipStatus), name="status_known"),
        CheckConstraint("seats IS NULL OR seats BETWEEN 0 AND 20", name="seats_range"),
        # a mentor's seats in this programme, held like the overall capacity (services.seats)
        CheckConstraint(
            "seats_taken >= 0 AND (seats IS NULL OR seats_taken <= seats)", name="seats_within"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=MembershipStatus.ACTIVE.value)
    # how they came: public, invitation, import, coordinator, existing (the migration)
    joined_via: Mapped[str] = mapped_column(String(12), default="public")
    # mentors only: seats offered in this programme (None: up to the overall capacity)
    seats: Mapped[int | None]
    seats_taken: Mapped[int] = mapped_column(default=0, server_default="0")
    applied_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    programme: Mapped[Programme] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class ProgrammeCoordinator(db.Model):
    """A coordinator of one programme (organisation coordinators need no row: they see every
    programme)."""

    __tablename__ = "programme_coordinators"
    __table_args__ = (
        UniqueConstraint("programme_id", "user_id", name="uq_programme_coordinators_person"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    programme: Mapped[Programme] = relationship()
    user: Mapped[User] = relationship()
