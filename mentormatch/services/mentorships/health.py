"""Pair health: is an accepted mentorship meeting at the pace its two people agreed?

``assess(now, facts)`` is a pure function of the moment and a pair's facts (when it was
accepted, its cadence, its last held meeting, the next one booked, its warning signs), so a
test clock can drive it; ``facts_for`` reads those facts for many pairs at once, and
``work_queue`` lists a coordinator's pairs, worst first, each with its reason in words.

The states, worst first:
- at risk: a poor fit answer (a check-in scored CHECK_IN_POOR_FIT or lower) or a reported
  problem, not yet handled: a coordinator's note written after it marks it as handled;
- never met: no meeting held NEVER_MET_DAYS after acceptance;
- overdue: two cadence periods or more since the last meeting held;
- meeting due: one period or more since the last meeting, and none booked ahead;
- on track: otherwise.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from mentormatch.extensions import db
from mentormatch.models import (
    LIVE_MEETING_STATUSES,
    Agreement,
    AuditEntry,
    CheckIn,
    Meeting,
    MeetingCadence,
    MeetingStatus,
    Mentorship,
    MentorshipStatus,
    PairNote,
    User,
)
from mentormatch.models.times import as_utc, utcnow
from mentormatch.services import audit
from mentormatch.services.programmes import access

NEVER_MET_DAYS = 21
POOR_FIT = 2  # a check-in score at or below this is a poor fit
CADENCE_DAYS = {
    MeetingCadence.WEEKLY: 7,
    MeetingCadence.FORTNIGHTLY: 14,
    MeetingCadence.MONTHLY: 30,
}
CADENCE_WORDS = {
    MeetingCadence.WEEKLY: "weekly",
    MeetingCadence.FORTNIGHTLY: "every two weeks",
    MeetingCadence.MONTHLY: "monthly",
}


class HealthState(enum.StrEnum):
    """Worst first: the queue sorts by this order."""

    AT_RISK = "at-risk"
    NEVER_MET = "never-met"
    OVERDUE = "overdue"
    MEETING_DUE = "meeting-due"
    ON_TRACK = "on-track"


STATE_LABELS = {
    HealthState.AT_RISK: "At risk",
    HealthState.NEVER_MET: "Never met",
    HealthState.OVERDUE: "Overdue",
    HealthState.MEETING_DUE: "Meeting due",
    HealthState.ON_TRACK: "On track",
}
RISK_ORDER = {state: rank for rank, state in enumerate(HealthState)}
# the meeting states a nudge is for (at risk is a coordinator's call, not a reminder's)
NUDGED = (HealthState.NEVER_MET, HealthState.OVERDUE, HealthState.MEETING_DUE)
# the nudges that also tell the programme's coordinators
TOLD_TO_COORDINATORS = (HealthState.NEVER_MET, HealthState.OVERDUE)


@dataclass(frozen=True)
class Facts:
    """What pair health rests on, for one accepted mentorship (every moment in UTC)."""

    accepted_at: datetime
    cadence: str  # the confirmed agreement's, else the programme's
    last_held_at: datetime | None = None  # the start of the latest meeting held
    next_meeting_at: datetime | None = None  # the next meeting booked ahead (proposed or accepted)
    poor_fit_at: datetime | None = None  # the latest unhandled poor fit answer
    problem_at: datetime | None = None  # the latest unhandled problem report

    @property
    def period(self) -> timedelta:
        # the codes are the enum's values (a StrEnum): looked up as they are, as the dashboard
        # asks this for thousands of pairs at each month end
        return timedelta(days=CADENCE_DAYS.get(self.cadence, 30))


@dataclass(frozen=True)
class Health:
    state: HealthState
    meetings: HealthState  # the state from meetings alone (what nudges follow)
    reason: str  # in words, for the coordinator
    since: datetime  # since when the pair has been waiting (sorts the queue within a state)
    # the words of the meetings alone: all that a mail to the pair may say (a poor fit answer
    # or a problem report is for coordinators and its author only)
    meetings_reason: str = ""

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def rank(self) -> int:
        return RISK_ORDER[self.state]


def _days(delta: timedelta) -> str:
    days = max(0, delta.days)
    return "1 day" if days == 1 else f"{days} days"


def meeting_state(now: datetime, facts: Facts) -> tuple[HealthState, str, datetime]:
    """The state from meetings alone, its reason in words, and since when."""
    period = facts.period
    cadence = CADENCE_WORDS.get(facts.cadence, facts.cadence)
    if facts.last_held_at is None:
        waited = now - facts.accepted_at
        if waited >= timedelta(days=NEVER_MET_DAYS):
            booked = " (one is booked)" if facts.next_meeting_at else ""
            return (
                HealthState.NEVER_MET,
                f"No meeting held in the {_days(waited)} since the mentor accepted{booked}.",
                facts.accepted_at,
            )
        start, since_words = facts.accepted_at, "the mentor accepted"
    else:
        start, since_words = facts.last_held_at, "their last meeting"
        waited = now - start
    if facts.last_held_at is not None and waited >= 2 * period:
        booked = " A meeting is booked." if facts.next_meeting_at else ""
        return (
            HealthState.OVERDUE,
            f"They agreed to meet {cadence}; {_days(waited)} since {since_words}.{booked}",
            start + 2 * period,
        )
    if waited >= period and facts.next_meeting_at is None:
        return (
            HealthState.MEETING_DUE,
            f"They agreed to meet {cadence}; {_days(waited)} since {since_words} and "
            "nothing is booked.",
            start + period,
        )
    if facts.next_meeting_at is not None:
        reason = f"Meeting {cadence}; the next one is booked."
    elif facts.last_held_at is not None:
        reason = f"Meeting {cadence}; last met {_days(waited)} ago."
    else:
        when = "today" if waited.days <= 0 else f"{_days(waited)} ago"
        reason = f"Accepted {when}; no meeting held yet."
    return HealthState.ON_TRACK, reason, now


def assess(now: datetime, facts: Facts) -> Health:
    """The pair's health at ``now`` (pure: the same facts at the same moment, the same
    answer)."""
    meetings, reason, since = meeting_state(now, facts)
    signs = []
    if facts.poor_fit_at is not None:
        signs.append((facts.poor_fit_at, "A check-in answer says the fit is poor"))
    if facts.problem_at is not None:
        signs.append((facts.problem_at, "One of the two reported a problem"))
    if signs:
        first = min(at for at, _ in signs)
        words = " and ".join([signs[0][1]] + [text.lower() for _, text in signs[1:]])
        return Health(HealthState.AT_RISK, meetings, f"{words}. {reason}", first, reason)
    return Health(meetings, meetings, reason, since, reason)


# --- reading the facts -------------------------------------------------------------------------


def _per_mentorship(key, aggregate, ids: list[int], *conditions) -> dict:
    """Mentorship id (``key``) -> ``aggregate`` over its rows meeting ``conditions``, in one
    grouped query for all of ``ids``."""
    return dict(
        db.session.execute(
            select(key, aggregate).where(key.in_(ids), *conditions).group_by(key)
        ).all()
    )


def facts_for(mentorships: list[Mentorship], now: datetime) -> dict[int, Facts]:
    """Mentorship id -> its facts, for accepted mentorships (a handful of queries)."""
    ids = [m.id for m in mentorships]
    if not ids:
        return {}
    cadences = dict(
        db.session.execute(
            select(Agreement.mentorship_id, Agreement.cadence).where(
                Agreement.mentorship_id.in_(ids),
                Agreement.mentee_confirmed_at.is_not(None),
                Agreement.mentor_confirmed_at.is_not(None),
            )
        ).all()
    )
    held = _per_mentorship(
        Meeting.mentorship_id, func.max(Meeting.starts_at), ids,
        Meeting.status == MeetingStatus.HELD,
    )  # fmt: skip
    ahead = _per_mentorship(
        Meeting.mentorship_id, func.min(Meeting.starts_at), ids,
        Meeting.status.in_(LIVE_MEETING_STATUSES), Meeting.starts_at > now,
    )  # fmt: skip
    noted = _per_mentorship(PairNote.mentorship_id, func.max(PairNote.created_at), ids)
    poor = _per_mentorship(
        CheckIn.mentorship_id, func.max(CheckIn.answered_at), ids,
        CheckIn.answered_at.is_not(None), CheckIn.score <= POOR_FIT,
    )  # fmt: skip
    problems = _per_mentorship(
        AuditEntry.target_id, func.max(AuditEntry.at), ids,
        AuditEntry.action == audit.PROBLEM_REPORTED, AuditEntry.target_type == "mentorship",
    )  # fmt: skip

    def unhandled(at, mentorship_id):
        if at is None:
            return None
        note = noted.get(mentorship_id)
        return None if note is not None and as_utc(note) >= as_utc(at) else as_utc(at)

    found = {}
    for m in mentorships:
        found[m.id] = Facts(
            accepted_at=as_utc(m.responded_at or m.created_at),
            cadence=cadences.get(m.id) or m.programme.meeting_cadence,
            last_held_at=as_utc(held[m.id]) if m.id in held else None,
            next_meeting_at=as_utc(ahead[m.id]) if m.id in ahead else None,
            poor_fit_at=unhandled(poor.get(m.id), m.id),
            problem_at=unhandled(problems.get(m.id), m.id),
        )
    return found


def accepted_mentorships(programme_ids=None) -> list[Mentorship]:
    """Accepted mentorships (of ``programme_ids`` when given), with their people."""
    statement = (
        select(Mentorship)
        .where(Mentorship.status == MentorshipStatus.ACCEPTED)
        .options(
            selectinload(Mentorship.mentee),
            selectinload(Mentorship.mentor),
            selectinload(Mentorship.programme),
        )
        .order_by(Mentorship.id)
    )
    if programme_ids is not None:
        statement = statement.where(Mentorship.programme_id.in_(programme_ids))
    return list(db.session.scalars(statement))


def assess_all(mentorships: list[Mentorship], now: datetime) -> dict[int, Health]:
    facts = facts_for(mentorships, now)
    return {m.id: assess(now, facts[m.id]) for m in mentorships}


@dataclass(frozen=True)
class QueueRow:
    mentorship: Mentorship
    health: Health
    nudged_at: datetime | None
    # while this period's nudge is out: when the next one may go (the queue shows no button)
    next_nudge_at: datetime | None = None


def work_queue(
    coordinator: User,
    programme_id: int | None = None,
    now: datetime | None = None,
    include_on_track: bool = False,
) -> list[QueueRow]:
    """The coordinator's accepted mentorships that need attention (all of them with
    ``include_on_track``), worst first, then the longest waiting first."""
    now = now or utcnow()
    if programme_id is not None:
        access.require(coordinator, programme_id)
        programme_ids = frozenset({programme_id})
    else:
        programme_ids = access.programme_ids_for(coordinator)
    mentorships = accepted_mentorships(programme_ids)
    facts = facts_for(mentorships, now)
    rows = []
    for m in mentorships:
        state = assess(now, facts[m.id])
        if not include_on_track and state.state == HealthState.ON_TRACK:
            continue
        nudged = as_utc(m.nudged_at) if m.nudged_at else None
        next_nudge = nudged + facts[m.id].period if nudged else None
        rows.append(
            QueueRow(m, state, nudged, next_nudge if next_nudge and next_nudge > now else None)
        )
    rows.sort(key=lambda r: (r.health.rank, r.health.since, r.mentorship.id))
    return rows


def counts(rows: list[QueueRow]) -> dict[HealthState, int]:
    found = dict.fromkeys(HealthState, 0)
    for row in rows:
        found[row.health.state] += 1
    return found
