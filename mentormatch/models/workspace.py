"""What a mentee and mentor keep together once the mentor accepts: their agreement, the
mentee's pathway plan, and their message thread. All of it is the pair's: coordinators see
dates, counts, statuses and ratings (services.mentorships.oversight), never the text.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentormatch.extensions import db
from mentormatch.models.mentorship import Mentorship
from mentormatch.models.statuses import AgreementChannel, GoalStatus, MeetingCadence, sql_in
from mentormatch.models.times import utcnow
from mentormatch.models.user import User


class Agreement(db.Model):
    """How the pair will work together; in force once both have confirmed the same text."""

    __tablename__ = "agreements"
    __table_args__ = (
        CheckConstraint(sql_in(MeetingCadence, "cadence"), name="cadence_known"),
        CheckConstraint(sql_in(AgreementChannel, "channel"), name="channel_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(
        ForeignKey("mentorships.id", ondelete="CASCADE"), unique=True
    )
    cadence: Mapped[str] = mapped_column(String(12))
    channel: Mapped[str] = mapped_column(String(12))
    # support codes: what the mentee most wants help with
    focus: Mapped[list] = mapped_column(JSON, default=list)
    expectations: Mapped[str] = mapped_column(Text, default="")
    confidentiality: Mapped[bool] = mapped_column(default=False)
    # a change by one side clears the other's confirmation: both confirm the same text
    mentee_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    mentor_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    mentorship: Mapped[Mentorship] = relationship()

    @property
    def confirmed(self) -> bool:
        return self.mentee_confirmed_at is not None and self.mentor_confirmed_at is not None


class PlanGoal(db.Model):
    """One goal of a mentee's pathway plan: the mentee edits it, the mentor comments."""

    __tablename__ = "plan_goals"
    __table_args__ = (CheckConstraint(sql_in(GoalStatus), name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(
        ForeignKey("mentorships.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default=GoalStatus.NOT_STARTED.value)
    mentee_note: Mapped[str | None] = mapped_column(Text)
    mentor_comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Message(db.Model):
    """A message in a mentorship's one thread. ``notified_at``: included in a mail digest;
    ``removed_at``: its author deleted their account and the text went with it."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(
        ForeignKey("mentorships.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    recipient_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    notified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    author: Mapped[User] = relationship(foreign_keys=[author_id])
