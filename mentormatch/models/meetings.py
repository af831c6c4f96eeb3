"""A meeting of a mentorship: proposed by one side, accepted by the other (or moved to another
time, which the other side must accept again), cancelled, or held and logged afterwards.

``uid`` is the iCalendar UID of the meeting for its whole life, and ``sequence`` its iCalendar
SEQUENCE: every move (and the cancellation) raises it, so a calendar replaces the entry it
already holds instead of adding a second one. ``starts_at`` is stored in UTC; ``time_zone``
is the IANA zone the time was proposed in (shown beside it, and used for the local date).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentormatch.extensions import db
from mentormatch.models.mentorship import Mentorship
from mentormatch.models.statuses import MeetingChannel, MeetingStatus, sql_in
from mentormatch.models.times import utcnow
from mentormatch.models.user import User


class Meeting(db.Model):
    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint(sql_in(MeetingStatus), name="status_known"),
        CheckConstraint(sql_in(MeetingChannel, "channel"), name="channel_known"),
        CheckConstraint("duration_minutes BETWEEN 15 AND 240", name="duration_range"),
        CheckConstraint("sequence >= 0", name="sequence_not_negative"),
        Index("ix_meetings_status_starts_at", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(
        ForeignKey("mentorships.id", ondelete="CASCADE"), index=True
    )
    # who first proposed it: the ORGANIZER of the calendar entry, for its whole life
    organizer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # who proposed the time it has now: the other side is the one to accept
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    duration_minutes: Mapped[int]
    time_zone: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(12))
    location: Mapped[str | None] = mapped_column(String(300))  # a video link, phone, address
    agenda: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=MeetingStatus.PROPOSED.value)
    uid: Mapped[str] = mapped_column(String(255), unique=True)
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    proposed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    # the day-before reminder of the time it has now (a move clears it)
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # the log after the meeting: the pair's own, never shown to coordinators
    notes: Mapped[str | None] = mapped_column(Text)
    next_steps: Mapped[str | None] = mapped_column(Text)
    goals_touched: Mapped[str | None] = mapped_column(Text)
    logged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    mentorship: Mapped[Mentorship] = relationship()
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])
    organizer: Mapped[User | None] = relationship(foreign_keys=[organizer_id])
    logged_by: Mapped[User | None] = relationship(foreign_keys=[logged_by_id])
    cancelled_by: Mapped[User | None] = relationship(foreign_keys=[cancelled_by_id])
