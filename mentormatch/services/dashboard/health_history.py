"""Pair health over time: at each of the last 12 month ends, how many running mentorships
were on track, meeting due, overdue, never met or at risk.

Each state is found by the same pure ``health.assess`` the work queue calls, given the facts
as they stood at that moment: accepted by then and not yet ended; the confirmed agreement's
cadence if both had confirmed it by then, else the programme's; the latest meeting held
(started) before it; the next meeting booked ahead then (proposed before it, starting after
it, not cancelled by then); the latest poor fit answer and problem report given before it,
unless a coordinator's note followed them before it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from sqlalchemy import select

from mentormatch.extensions import db
from mentormatch.models import (
    Agreement,
    AuditEntry,
    CheckIn,
    Meeting,
    MeetingStatus,
    Mentorship,
    PairNote,
    Programme,
)
from mentormatch.models.times import as_utc
from mentormatch.services import audit
from mentormatch.services.dashboard.cohort import Scope, in_scope
from mentormatch.services.mentorships import health
from mentormatch.services.mentorships.calendar import add_months

MONTH_ENDS_SHOWN = 12


def month_ends(today: date) -> list[tuple[date, datetime]]:
    """The last 12 months that have ended by ``today``: (the month, its end: midnight UTC of
    the next month's first day), oldest first."""
    this_month = today.replace(day=1)
    months = [add_months(this_month, -k) for k in range(MONTH_ENDS_SHOWN, 0, -1)]
    return [
        (month, datetime.combine(add_months(month, 1), time(), tzinfo=UTC)) for month in months
    ]


@dataclass
class PairHistory:
    """What one accepted mentorship's health rested on, with the moment of each fact."""

    accepted_at: datetime
    ended_at: datetime | None
    programme_cadence: str
    agreement: tuple[datetime, str] | None = None  # confirmed by both at, cadence
    held: list[datetime] = field(default_factory=list)  # meeting starts, sorted
    # (booked at, starts at, cancelled at or None)
    bookings: list[tuple[datetime, datetime, datetime | None]] = field(default_factory=list)
    poor_fits: list[datetime] = field(default_factory=list)  # sorted
    problems: list[datetime] = field(default_factory=list)  # sorted
    notes: list[datetime] = field(default_factory=list)  # sorted

    def running_at(self, moment: datetime) -> bool:
        return self.accepted_at <= moment and (self.ended_at is None or self.ended_at > moment)

    def facts_at(self, moment: datetime) -> health.Facts:
        cadence = self.programme_cadence
        if self.agreement is not None and self.agreement[0] <= moment:
            cadence = self.agreement[1]
        ahead = None
        for booked, starts, cancelled in self.bookings:
            if booked <= moment < starts and (cancelled is None or cancelled > moment):
                ahead = starts if ahead is None else min(ahead, starts)
        poor_fit = _latest(self.poor_fits, moment)
        problem = _latest(self.problems, moment)
        if poor_fit is not None or problem is not None:
            noted = _latest(self.notes, moment)
            if noted is not None:  # a note written after a sign handles it
                poor_fit = None if poor_fit is not None and noted >= poor_fit else poor_fit
                problem = None if problem is not None and noted >= problem else problem
        return health.Facts(
            accepted_at=self.accepted_at,
            cadence=cadence,
            last_held_at=_latest(self.held, moment),
            next_meeting_at=ahead,
            poor_fit_at=poor_fit,
            problem_at=problem,
        )


def _latest(moments: list[datetime], moment: datetime) -> datetime | None:
    """The latest of sorted ``moments`` at or before ``moment``."""
    if not moments:
        return None
    k = bisect_right(moments, moment)
    return moments[k - 1] if k else None


def histories(scope: Scope, first: datetime, last: datetime) -> list[PairHistory]:
    """Every accepted mentorship of the scope running at some moment in [first, last]."""
    running = (
        Mentorship.ends_on.is_not(None),
        Mentorship.responded_at.is_not(None),
        Mentorship.responded_at <= last,
        (Mentorship.ended_at.is_(None)) | (Mentorship.ended_at > first),
        in_scope(Mentorship.programme_id, scope),
    )
    pairs: dict[int, PairHistory] = {}
    for mentorship_id, accepted, ended, cadence in db.session.execute(
        select(Mentorship.id, Mentorship.responded_at, Mentorship.ended_at,
               Programme.meeting_cadence)
        .join(Programme, Programme.id == Mentorship.programme_id)
        .where(*running)
    ):  # fmt: skip
        pairs[mentorship_id] = PairHistory(
            as_utc(accepted), as_utc(ended) if ended else None, cadence
        )
    if not pairs:
        return []
    ids = select(Mentorship.id).where(*running)
    for mentorship_id, cadence, mentee_at, mentor_at in db.session.execute(
        select(Agreement.mentorship_id, Agreement.cadence, Agreement.mentee_confirmed_at,
               Agreement.mentor_confirmed_at)
        .where(Agreement.mentorship_id.in_(ids), Agreement.mentee_confirmed_at.is_not(None),
               Agreement.mentor_confirmed_at.is_not(None))
    ):  # fmt: skip
        pairs[mentorship_id].agreement = (max(as_utc(mentee_at), as_utc(mentor_at)), cadence)
    for mentorship_id, status, created, starts, cancelled in db.session.execute(
        select(Meeting.mentorship_id, Meeting.status, Meeting.created_at, Meeting.starts_at,
               Meeting.cancelled_at)
        .where(Meeting.mentorship_id.in_(ids))
    ):  # fmt: skip
        pair, starts = pairs[mentorship_id], as_utc(starts)
        if status == MeetingStatus.HELD:
            pair.held.append(starts)
        if starts > first:  # only these can be booked ahead at a month end shown
            gone = as_utc(cancelled) if status == MeetingStatus.CANCELLED and cancelled else None
            pair.bookings.append((as_utc(created), starts, gone))
    for mentorship_id, answered in db.session.execute(
        select(CheckIn.mentorship_id, CheckIn.answered_at).where(
            CheckIn.mentorship_id.in_(ids),
            CheckIn.answered_at.is_not(None),
            CheckIn.score <= health.POOR_FIT,
        )
    ):
        pairs[mentorship_id].poor_fits.append(as_utc(answered))
    for mentorship_id, at in db.session.execute(
        select(AuditEntry.target_id, AuditEntry.at).where(
            AuditEntry.action == audit.PROBLEM_REPORTED,
            AuditEntry.target_type == "mentorship",
            AuditEntry.target_id.in_(ids),
        )
    ):
        pairs[mentorship_id].problems.append(as_utc(at))
    for mentorship_id, created in db.session.execute(
        select(PairNote.mentorship_id, PairNote.created_at).where(PairNote.mentorship_id.in_(ids))
    ):
        pairs[mentorship_id].notes.append(as_utc(created))
    for pair in pairs.values():
        for moments in (pair.held, pair.poor_fits, pair.problems, pair.notes):
            moments.sort()
    return list(pairs.values())


def states_at_month_ends(scope: Scope) -> list[tuple[date, dict[health.HealthState, int]]]:
    """Per month end (oldest first): the running mentorships in each state."""
    ends = month_ends(scope.today)
    pairs = histories(scope, ends[0][1], ends[-1][1])
    found = []
    for month, moment in ends:
        counts: dict[health.HealthState, int] = defaultdict(int)
        for pair in pairs:
            if pair.running_at(moment):
                counts[health.assess(moment, pair.facts_at(moment)).state] += 1
        found.append((month, {state: counts[state] for state in health.HealthState}))
    return found
