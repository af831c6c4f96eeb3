"""A mentorship between a mentee and a mentor, from proposal to its end.

At most one proposed-or-accepted mentorship per mentee in each programme is enforced by a
partial unique index, so no interleaving of requests can give a mentee two mentors in one
programme (a mentee in two programmes may have a mentor in each).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentormatch.extensions import db
from mentormatch.models.programmes import Programme
from mentormatch.models.statuses import (
    OPEN_MENTORSHIP_STATUSES,
    EndReason,
    MentorshipStatus,
    sql_in,
)
from mentormatch.models.times import utcnow
from mentormatch.models.user import User


class Mentorship(db.Model):
    __tablename__ = "mentorships"
    __table_args__ = (
        CheckConstraint(
            sql_in(MentorshipStatus),
            name="status_known",
        ),
        Index(
            "uq_mentorships_open_mentee",
            "programme_id",
            "mentee_id",
            unique=True,
            sqlite_where=text(sql_in(OPEN_MENTORSHIP_STATUSES)),
            postgresql_where=text(sql_in(OPEN_MENTORSHIP_STATUSES)),
        ),
        # "Has this mentee a mentorship (in some statuses) in this programme?", correlated per
        # member: with the statuses as bound parameters SQLite cannot use the partial index
        # above and, without this one, scanned every mentorship of the programme per member.
        Index("ix_mentorships_mentee_programme", "mentee_id", "programme_id"),
        CheckConstraint(
            "end_reason IS NULL OR " + sql_in(EndReason, "end_reason"), name="end_reason_known"
        ),
        CheckConstraint(
            "(mentee_rating IS NULL OR mentee_rating BETWEEN 1 AND 5) AND "
            "(mentor_rating IS NULL OR mentor_rating BETWEEN 1 AND 5)",
            name="ratings_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    mentee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(
        String(10), default=MentorshipStatus.PROPOSED.value, index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    responded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    response_reason: Mapped[str | None] = mapped_column(Text)
    round_id: Mapped[int | None] = mapped_column(
        ForeignKey("matching_rounds.id", ondelete="SET NULL"), index=True
    )
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # --- the accepted mentorship (services.mentorships) ---
    # when it completes; set on acceptance from the programme's length, moved by an extension
    ends_on: Mapped[date | None] = mapped_column(Date, index=True)
    mentee_extends: Mapped[bool] = mapped_column(default=False, server_default="0")
    mentor_extends: Mapped[bool] = mapped_column(default=False, server_default="0")
    end_reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    agreement_reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # the pathway plan's template (a goal code) and target Match year, once the plan exists
    plan_goal: Mapped[str | None] = mapped_column(String(30))
    plan_match_year: Mapped[int | None]
    # close-out: why, who, and each side's rating (1-5); coordinators see these, not notes
    end_reason: Mapped[str | None] = mapped_column(String(20))
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    mentee_rating: Mapped[int | None]
    mentor_rating: Mapped[int | None]
    # the last nudge about meetings (services.mentorships.nudges): at most one per cadence
    # period, claimed with a conditional UPDATE
    nudged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    programme: Mapped[Programme] = relationship()
    mentee: Mapped[User] = relationship(foreign_keys=[mentee_id])
    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id])
    ended_by: Mapped[User | None] = relationship(foreign_keys=[ended_by_id])

    def side_of(self, user_id: int) -> str | None:
        """ "mentee" or "mentor": the side ``user_id`` is on (None: not one of the two)."""
        if user_id == self.mentee_id:
            return "mentee"
        if user_id == self.mentor_id:
            return "mentor"
        return None

    def other(self, user_id: int) -> User:
        return self.mentor if user_id == self.mentee_id else self.mentee
