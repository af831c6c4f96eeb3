"""A mentorship between a mentee and a mentor, from proposal to its end.

At most one proposed-or-accepted mentorship per mentee in each programme is enforced by a
partial unique index, so no interleaving of requests can give a mentee two mentors in one
programme (a mentee in two programmes may have a mentor in each).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentormatch.extensions import db
from mentormatch.models.programmes import Programme
from mentormatch.models.statuses import OPEN_MENTORSHIP_STATUSES, MentorshipStatus, sql_in
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

    programme: Mapped[Programme] = relationship()
    mentee: Mapped[User] = relationship(foreign_keys=[mentee_id])
    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id])
