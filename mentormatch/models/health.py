"""What coordinators keep about a mentorship's health: the check-ins each side answers (a fit
check after the first logged meeting, a pulse every few weeks, a close-out survey), and the
coordinators' own notes on a pair. Both are the coordinators' (services.audiences: the
answers are seen by their author and coordinators, the notes by coordinators only); never the
other side of the pair."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentormatch.extensions import db
from mentormatch.models.mentorship import Mentorship
from mentormatch.models.statuses import CheckInKind, sql_in
from mentormatch.models.times import utcnow
from mentormatch.models.user import User


class CheckIn(db.Model):
    """One side's check-in: asked (``created_at``, mailed in the same transaction) and, once
    answered, a score of 1-5 and a comment. ``number`` tells pulses apart (the first, the
    second, ...); 0 for the fit check and the close-out survey. The unique constraint makes
    asking idempotent: two runs at once ask once."""

    __tablename__ = "check_ins"
    __table_args__ = (
        CheckConstraint(sql_in(CheckInKind, "kind"), name="kind_known"),
        CheckConstraint("score IS NULL OR score BETWEEN 1 AND 5", name="score_range"),
        UniqueConstraint(
            "mentorship_id", "user_id", "kind", "number", name="uq_check_ins_one_per_side"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(
        ForeignKey("mentorships.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    number: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    score: Mapped[int | None]
    comment: Mapped[str | None] = mapped_column(Text)

    mentorship: Mapped[Mentorship] = relationship()
    user: Mapped[User] = relationship()


class PairNote(db.Model):
    """A coordinator's note on a mentorship (a call made, a problem handled). A note written
    after a warning sign (a poor fit answer, a problem report) marks it as handled."""

    __tablename__ = "pair_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(
        ForeignKey("mentorships.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    author: Mapped[User | None] = relationship()
