"""Stated preferences of one matching round: its window, mentees' rank lists, mentors' marks.

Rank lists belong to a round (not to the programme): each round opens its own window, and a
mentee ranks the mentors with seats in that round's programme, 1..N (N the programme's
``preference_max_ranks``), editable until the window closes. A mentor marks a mentee who
ranked them ``prefer`` (raises the pair's value in the round) or ``avoid`` (the pair is never
proposed: the mark also writes a forbid pair rule of the programme with the mentor's reason,
services.preferences). Who may read which row is stated in services/audiences.py: a mentor
never reads a mentee's ranking of other mentors, a mentee never reads a mentor's marks.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentormatch.extensions import db
from mentormatch.models.rounds import MatchingRound
from mentormatch.models.statuses import sql_in
from mentormatch.models.times import utcnow
from mentormatch.models.user import User

MAX_RANKS_LIMIT = 50  # the most ranks a programme may allow


class MarkKind(enum.StrEnum):
    PREFER = "prefer"
    AVOID = "avoid"


class MatchingMode(enum.StrEnum):
    """How a round with preferences is solved: the best total (certified), or stable on the
    stated preferences (mentee-proposing deferred acceptance)."""

    OPTIMAL = "optimal"
    STABLE = "stable"


class PreferenceWindow(db.Model):
    """When the mentees of a round may rank mentors, and which of its mails have gone."""

    __tablename__ = "preference_windows"
    __table_args__ = (CheckConstraint("closes_at > opens_at", name="closes_after_opens"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("matching_rounds.id", ondelete="CASCADE"), unique=True
    )
    opens_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closes_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # set once each mail is queued, so the cron command never sends one twice
    opened_mailed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_mailed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    round: Mapped[MatchingRound] = relationship()

    def is_open(self, now: datetime) -> bool:
        return self.opens_at <= now < self.closes_at


class MenteeRanking(db.Model):
    """One entry of a mentee's rank list in a round: mentor at rank (1 = first choice)."""

    __tablename__ = "mentee_rankings"
    __table_args__ = (
        UniqueConstraint("round_id", "mentee_id", "mentor_id", name="uq_mentee_rankings_pair"),
        UniqueConstraint("round_id", "mentee_id", "rank", name="uq_mentee_rankings_rank"),
        CheckConstraint(f"rank BETWEEN 1 AND {MAX_RANKS_LIMIT}", name="rank_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("matching_rounds.id", ondelete="CASCADE"), index=True
    )
    mentee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    mentee: Mapped[User] = relationship(foreign_keys=[mentee_id])
    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id])


class MentorMark(db.Model):
    """A mentor's prefer or avoid mark on a mentee in a round (avoid carries a reason)."""

    __tablename__ = "mentor_marks"
    __table_args__ = (
        UniqueConstraint("round_id", "mentor_id", "mentee_id", name="uq_mentor_marks_pair"),
        CheckConstraint(sql_in(MarkKind, "kind"), name="kind_known"),
        CheckConstraint("kind <> 'avoid' OR reason IS NOT NULL", name="avoid_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("matching_rounds.id", ondelete="CASCADE"), index=True
    )
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    mentee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(6))  # a MarkKind
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    mentee: Mapped[User] = relationship(foreign_keys=[mentee_id])
