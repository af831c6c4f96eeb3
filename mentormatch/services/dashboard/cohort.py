"""The people and pairs a dashboard counts, loaded once per page in a few grouped queries.

The mentees of a scope are those who are, or were, members of its programmes (active, or left
since); a mentee in two programmes of a roll-up counts once, from the first time she joined
one of them. Her Match result is her latest one (the highest Match year); with
``only_verified`` only results a coordinator verified count.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select, true

from mentormatch.extensions import db
from mentormatch.models import (
    CheckIn,
    Meeting,
    MeetingStatus,
    MembershipStatus,
    MenteeProfile,
    Mentorship,
    Outcome,
    OutcomeKind,
    ProgrammeMember,
    Role,
    User,
)
from mentormatch.models.times import as_utc

# who a programme's reports count: its members now, and those who left it
COUNTED_MEMBERSHIPS = (MembershipStatus.ACTIVE, MembershipStatus.LEFT)


@dataclass(frozen=True)
class Scope:
    programme_ids: frozenset[int] | None  # None: every programme
    today: date
    only_verified: bool = False


@dataclass
class MenteeRow:
    mentee_id: int
    joined_at: datetime
    programme_ids: set[int] = field(default_factory=set)
    home_country: str | None = None
    visa_needed: str | None = None
    specialty: str | None = None  # her first choice
    match_year: int | None = None
    match_result: str | None = None
    matched_specialty: str | None = None
    meetings_held: int = 0  # logged meetings in the scope's mentorships


def _in(column, ids: frozenset[int] | None):
    return true() if ids is None else column.in_(ids)


def in_scope(column, scope: Scope):
    """A filter on a programme id column: the scope's programmes."""
    return _in(column, scope.programme_ids)


def _members_query(scope: Scope):
    return (
        select(ProgrammeMember.user_id)
        .join(User, User.id == ProgrammeMember.user_id)
        .where(
            User.role == Role.MENTEE,
            ProgrammeMember.status.in_(COUNTED_MEMBERSHIPS),
            _in(ProgrammeMember.programme_id, scope.programme_ids),
        )
    )


def mentees(scope: Scope) -> list[MenteeRow]:
    rows: dict[int, MenteeRow] = {}
    for user_id, programme_id, applied_at in db.session.execute(
        select(ProgrammeMember.user_id, ProgrammeMember.programme_id, ProgrammeMember.applied_at)
        .join(User, User.id == ProgrammeMember.user_id)
        .where(
            User.role == Role.MENTEE,
            ProgrammeMember.status.in_(COUNTED_MEMBERSHIPS),
            _in(ProgrammeMember.programme_id, scope.programme_ids),
        )
    ):
        joined = as_utc(applied_at)
        row = rows.get(user_id)
        if row is None:
            row = rows[user_id] = MenteeRow(user_id, joined)
        row.joined_at = min(row.joined_at, joined)
        row.programme_ids.add(programme_id)
    members = _members_query(scope)
    for user_id, country, visa, specialty in db.session.execute(
        select(
            MenteeProfile.user_id,
            MenteeProfile.home_country,
            MenteeProfile.visa_needed,
            MenteeProfile.specialty,
        ).where(MenteeProfile.user_id.in_(members))
    ):
        row = rows[user_id]
        row.home_country, row.visa_needed, row.specialty = country, visa, specialty
    results = select(
        Outcome.mentee_id, Outcome.match_year, Outcome.match_result, Outcome.specialty
    ).where(Outcome.kind == OutcomeKind.MATCH_RESULT, Outcome.mentee_id.in_(members))
    if scope.only_verified:
        results = results.where(Outcome.verified_at.is_not(None))
    for mentee_id, year, result, specialty in db.session.execute(
        results.order_by(Outcome.match_year)
    ):
        row = rows[mentee_id]  # the latest year wins
        row.match_year, row.match_result, row.matched_specialty = year, result, specialty
    for mentee_id, held in db.session.execute(
        select(Mentorship.mentee_id, func.count(Meeting.id))
        .join(Meeting, Meeting.mentorship_id == Mentorship.id)
        .where(
            Meeting.status == MeetingStatus.HELD,
            _in(Mentorship.programme_id, scope.programme_ids),
            Mentorship.mentee_id.in_(members),
        )
        .group_by(Mentorship.mentee_id)
    ):
        rows[mentee_id].meetings_held = held
    return sorted(rows.values(), key=lambda row: row.mentee_id)


@dataclass(frozen=True)
class PairSpan:
    """An accepted mentorship: from its acceptance to its end (None: still running)."""

    mentorship_id: int
    started: date
    ended: date | None


def pairs(scope: Scope) -> tuple[list[PairSpan], dict[tuple[int, int], int]]:
    """Accepted mentorships of the scope, and logged meetings per (year, month)."""
    spans = [
        PairSpan(mentorship_id, as_utc(started).date(), as_utc(ended).date() if ended else None)
        for mentorship_id, started, ended in db.session.execute(
            select(Mentorship.id, Mentorship.responded_at, Mentorship.ended_at).where(
                Mentorship.ends_on.is_not(None),
                Mentorship.responded_at.is_not(None),
                _in(Mentorship.programme_id, scope.programme_ids),
            )
        )
    ]
    held: dict[tuple[int, int], int] = defaultdict(int)
    for (starts_at,) in db.session.execute(
        select(Meeting.starts_at)
        .join(Mentorship, Mentorship.id == Meeting.mentorship_id)
        .where(
            Meeting.status == MeetingStatus.HELD,
            _in(Mentorship.programme_id, scope.programme_ids),
        )
    ):
        moment = as_utc(starts_at)
        held[(moment.year, moment.month)] += 1
    return spans, held


@dataclass(frozen=True)
class CheckInRow:
    kind: str
    asked_at: datetime
    answered_at: datetime | None
    score: int | None


def day_end(today: date) -> datetime:
    """Midnight UTC after ``today``: what a dashboard as of ``today`` counts up to."""
    return datetime.combine(today + timedelta(days=1), time(), tzinfo=UTC)


def check_ins(scope: Scope) -> list[CheckInRow]:
    """Every check-in asked in the scope's mentorships by the end of ``scope.today``."""
    end = day_end(scope.today)
    return [
        CheckInRow(kind, as_utc(asked), as_utc(answered) if answered else None, score)
        for kind, asked, answered, score in db.session.execute(
            select(CheckIn.kind, CheckIn.created_at, CheckIn.answered_at, CheckIn.score)
            .join(Mentorship, Mentorship.id == CheckIn.mentorship_id)
            .where(_in(Mentorship.programme_id, scope.programme_ids), CheckIn.created_at < end)
        )
    ]
