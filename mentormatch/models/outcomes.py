"""A mentee's outcomes: the milestones on her way to US training (an exam passed, ECFMG
certification, US clinical experience, letters, abstracts and publications, a research
position, applications, interviews, the Match result, a visa), each with its date. The mentee
records them; a coordinator may record one for her, and verifies them.

The mentee's own data: she, the coordinators of her programmes, and her mentor only while she
shares them (``outcomes_shared``) see them (services.audiences, Item.OUTCOMES). One Match result
per mentee and Match year (a partial unique index).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentormatch.extensions import db
from mentormatch.models.statuses import MatchResult, OutcomeKind, sql_in
from mentormatch.models.times import utcnow
from mentormatch.models.user import User

# The exams an "exam passed" outcome names (shared/domain.md, "exams").
OUTCOME_EXAMS = ("usmle-step1", "usmle-step2ck", "usmle-step3", "oet")
_MATCH_RESULT_ONLY = f"kind = '{OutcomeKind.MATCH_RESULT.value}'"


class Outcome(db.Model):
    __tablename__ = "outcomes"
    __table_args__ = (
        CheckConstraint(sql_in(OutcomeKind, "kind"), name="kind_known"),
        CheckConstraint(
            "match_result IS NULL OR " + sql_in(MatchResult, "match_result"),
            name="match_result_known",
        ),
        CheckConstraint(
            "exam IS NULL OR exam IN (" + ", ".join(f"'{e}'" for e in OUTCOME_EXAMS) + ")",
            name="exam_known",
        ),
        CheckConstraint("number IS NULL OR number BETWEEN 1 AND 999", name="number_range"),
        CheckConstraint(
            "match_year IS NULL OR match_year BETWEEN 2000 AND 2100", name="match_year_range"
        ),
        Index(
            "uq_outcomes_match_result_year",
            "mentee_id",
            "match_year",
            unique=True,
            sqlite_where=text(_MATCH_RESULT_ONLY),
            postgresql_where=text(_MATCH_RESULT_ONLY),
        ),
        Index("ix_outcomes_kind_match_year", "kind", "match_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    achieved_on: Mapped[date] = mapped_column(Date)
    exam: Mapped[str | None] = mapped_column(String(20))  # exam-passed
    # applications, interviews, the Match result (the specialty matched into)
    specialty: Mapped[str | None] = mapped_column(String(60))
    # applications: programmes applied to; interviews: interviews; letters: letters
    number: Mapped[int | None]
    match_result: Mapped[str | None] = mapped_column(String(12))
    match_year: Mapped[int | None]
    doi: Mapped[str | None] = mapped_column(String(200))  # abstracts and publications
    pmid: Mapped[str | None] = mapped_column(String(12))
    # a title, an institution, a visa type: what the mentee wants to say of it
    description: Mapped[str | None] = mapped_column(String(300))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    mentee: Mapped[User] = relationship(foreign_keys=[mentee_id])
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])

    @property
    def verified(self) -> bool:
        return self.verified_at is not None


class OutcomeSurvey(db.Model):
    """The outcome survey of one mentee for one Match year: mailed after Match Day, then
    reminded (``reminders``) until she records her Match result for that year."""

    __tablename__ = "outcome_surveys"
    __table_args__ = (
        UniqueConstraint("mentee_id", "match_year", name="uq_outcome_surveys_mentee_year"),
        CheckConstraint("reminders >= 0", name="reminders_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    match_year: Mapped[int]
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reminders: Mapped[int] = mapped_column(default=0)
    last_mailed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
