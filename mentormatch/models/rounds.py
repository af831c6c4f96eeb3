"""Matching rounds: their settings, progress, proposed pairs and who was left out.

Locks and forbids live in `PairRule`, whether a coordinator set them or a mentor's answer did
(accepted: locked; declined or expired: forbidden), so every later round respects them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentormatch.extensions import db
from mentormatch.models.programmes import Programme
from mentormatch.models.statuses import PairRuleKind, RoundStatus, sql_in
from mentormatch.models.times import utcnow
from mentormatch.models.user import User


class MatchingRound(db.Model):
    __tablename__ = "matching_rounds"
    __table_args__ = (
        CheckConstraint(
            sql_in(RoundStatus),
            name="status_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(12), default=RoundStatus.DRAFT.value, index=True)
    # weights, objective, min_score, mentee selection: everything needed to reproduce the run
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    progress_stage: Mapped[str | None] = mapped_column(String(10))  # a ProgressStage
    progress_percent: Mapped[int] = mapped_column(Integer, default=0)
    # when the runner last reported; a running round silent for too long has lost its worker
    progress_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    engine_version: Mapped[str | None] = mapped_column(String(20))
    input_fingerprint: Mapped[str | None] = mapped_column(String(64))
    # counts, totals, fairness, charts, stability: computed once when the run finishes
    summary: Mapped[dict] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    # Where a round came from: a re-run is a new round (so the earlier result stays to compare
    # with), a top-up re-matches the mentees of a published round whose mentor said no. Rounds
    # are closed, never deleted, so these references hold.
    rerun_of_id: Mapped[int | None] = mapped_column(ForeignKey("matching_rounds.id"))
    top_up_of_id: Mapped[int | None] = mapped_column(ForeignKey("matching_rounds.id"))

    created_by: Mapped[User | None] = relationship()
    programme: Mapped[Programme] = relationship()
    pairs: Mapped[list[RoundPair]] = relationship(
        back_populates="round", cascade="all, delete-orphan", passive_deletes=True
    )
    unmatched: Mapped[list[RoundUnmatched]] = relationship(
        back_populates="round", cascade="all, delete-orphan", passive_deletes=True
    )


class RoundPair(db.Model):
    """One proposed (mentee, mentor) pair of a round, with its score and components."""

    __tablename__ = "round_pairs"
    __table_args__ = (UniqueConstraint("round_id", "mentee_id", name="uq_round_pairs_mentee"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("matching_rounds.id", ondelete="CASCADE"), index=True
    )
    mentee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float)
    specialty_score: Mapped[float] = mapped_column(Float)
    region_score: Mapped[float] = mapped_column(Float)
    research_score: Mapped[float] = mapped_column(Float)
    # the optional extras (computed for every pair of a round run since they exist, whatever
    # their weight; None in rounds run before)
    support_score: Mapped[float | None] = mapped_column(Float)
    language_score: Mapped[float | None] = mapped_column(Float)
    img_mentor_score: Mapped[float | None] = mapped_column(Float)
    visa_score: Mapped[float | None] = mapped_column(Float)
    locked: Mapped[bool] = mapped_column(default=False)

    round: Mapped[MatchingRound] = relationship(back_populates="pairs")
    mentee: Mapped[User] = relationship(foreign_keys=[mentee_id])
    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id])


class RoundUnmatched(db.Model):
    """A mentee who took part in a round but got no mentor, and the engine's reason."""

    __tablename__ = "round_unmatched"
    __table_args__ = (UniqueConstraint("round_id", "mentee_id", name="uq_round_unmatched_mentee"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("matching_rounds.id", ondelete="CASCADE"), index=True
    )
    mentee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(30))
    message: Mapped[str] = mapped_column(Text)
    # the mentors the mentee could have had and why each was not available, by user id
    # (services/rounds/unmatched.py writes and reads it); None for rows of older runs
    details: Mapped[dict | None] = mapped_column(JSON)

    round: Mapped[MatchingRound] = relationship(back_populates="unmatched")
    mentee: Mapped[User] = relationship()


class PairRule(db.Model):
    """A pair that must (lock) or must not (forbid) be proposed in later rounds of its
    programme."""

    __tablename__ = "pair_rules"
    __table_args__ = (
        CheckConstraint(sql_in(PairRuleKind, "kind"), name="kind_known"),
        UniqueConstraint("programme_id", "mentee_id", "mentor_id", name="uq_pair_rules_pair"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # a rule holds in its programme only (a mentor may decline a mentee in one programme and
    # still be proposed to them in another)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    mentee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(6))  # a PairRuleKind
    source: Mapped[str] = mapped_column(String(12))  # a PairRuleSource
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
