"""The organisation's roll-up: per programme, who is in it and how matching is going.

A handful of grouped queries for every programme at once (never a query per person or per
programme), so the coordinator home stays quick with thousands of members.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import and_, exists, func, not_, select, true

from mentormatch.extensions import db
from mentormatch.models import (
    OPEN_MENTORSHIP_STATUSES,
    MembershipStatus,
    MenteeProfile,
    Mentorship,
    MentorshipStatus,
    Programme,
    ProgrammeMember,
    Role,
    User,
)
from mentormatch.services.eligibility import mentee_ready_clause
from mentormatch.services.programmes import catalogue

# Mentorships that were accepted at some point: still running, or ended since.
EVER_MATCHED = (MentorshipStatus.ACCEPTED, MentorshipStatus.ENDED)


@dataclass(frozen=True)
class ProgrammeFigures:
    """One programme's line of the roll-up."""

    programme: Programme
    mentees: int = 0  # active members
    mentors: int = 0
    pending: int = 0  # applications waiting for a coordinator
    ready: int = 0  # active mentees ready for matching with no open mentorship here
    matched: int = 0  # mentorships accepted (running or ended since)
    waiting: int = 0  # proposals waiting for the mentor's answer
    active: int = 0  # mentorships running now
    declined: int = 0  # proposals the mentor declined
    expired: int = 0  # proposals left unanswered past their deadline

    @property
    def members(self) -> int:
        return self.mentees + self.mentors


@dataclass(frozen=True)
class Rollup:
    rows: list[ProgrammeFigures]

    @property
    def totals(self) -> dict[str, int]:
        names = ("mentees", "mentors", "pending", "ready", "matched", "waiting", "active",
                 "declined", "expired")  # fmt: skip
        return {name: sum(getattr(row, name) for row in self.rows) for name in names}


def _in(column, programme_ids: frozenset[int] | None):
    return true() if programme_ids is None else column.in_(programme_ids)


def _members(programme_ids) -> dict[int, dict[tuple[str, str], int]]:
    rows = db.session.execute(
        select(ProgrammeMember.programme_id, User.role, ProgrammeMember.status, func.count())
        .join(User, User.id == ProgrammeMember.user_id)
        .where(
            _in(ProgrammeMember.programme_id, programme_ids),
            ProgrammeMember.status.in_([MembershipStatus.ACTIVE, MembershipStatus.PENDING]),
        )
        .group_by(ProgrammeMember.programme_id, User.role, ProgrammeMember.status)
    ).all()
    found: dict[int, dict[tuple[str, str], int]] = defaultdict(dict)
    for programme_id, role, status, count in rows:
        found[programme_id][(role, status)] = count
    return found


def _ready(programme_ids) -> dict[int, int]:
    """Active mentees with an active account and a profile ready for matching, and no proposal
    or mentorship open in that programme: what the programme's next round would take."""
    open_here = exists().where(
        Mentorship.mentee_id == ProgrammeMember.user_id,
        Mentorship.programme_id == ProgrammeMember.programme_id,
        Mentorship.status.in_(OPEN_MENTORSHIP_STATUSES),
    )
    rows = db.session.execute(
        select(ProgrammeMember.programme_id, func.count())
        .join(User, User.id == ProgrammeMember.user_id)
        .join(MenteeProfile, MenteeProfile.user_id == User.id)
        .where(
            _in(ProgrammeMember.programme_id, programme_ids),
            ProgrammeMember.status == MembershipStatus.ACTIVE,
            and_(User.role == Role.MENTEE, User.active.is_(True)),
            mentee_ready_clause(),
            not_(open_here),
        )
        .group_by(ProgrammeMember.programme_id)
    ).all()
    return dict(rows)


def _mentorships(programme_ids) -> dict[int, dict[str, int]]:
    rows = db.session.execute(
        select(Mentorship.programme_id, Mentorship.status, func.count())
        .where(_in(Mentorship.programme_id, programme_ids))
        .group_by(Mentorship.programme_id, Mentorship.status)
    ).all()
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for programme_id, status, count in rows:
        found[programme_id][status] = count
    return found


def rollup(programme_ids: frozenset[int] | None = None, include_archived: bool = False) -> Rollup:
    """The figures of every programme (of ``programme_ids`` when given), live ones first."""
    programmes = catalogue.listed(include_archived=include_archived, ids=programme_ids)
    members = _members(programme_ids)
    ready = _ready(programme_ids)
    mentorships = _mentorships(programme_ids)
    rows = []
    for programme in programmes:
        people = members.get(programme.id, {})
        answers = mentorships.get(programme.id, {})
        rows.append(
            ProgrammeFigures(
                programme=programme,
                mentees=people.get((Role.MENTEE, MembershipStatus.ACTIVE), 0),
                mentors=people.get((Role.MENTOR, MembershipStatus.ACTIVE), 0),
                pending=sum(
                    count
                    for (_, status), count in people.items()
                    if status == MembershipStatus.PENDING
                ),
                ready=ready.get(programme.id, 0),
                matched=sum(answers.get(status, 0) for status in EVER_MATCHED),
                waiting=answers.get(MentorshipStatus.PROPOSED, 0),
                active=answers.get(MentorshipStatus.ACCEPTED, 0),
                declined=answers.get(MentorshipStatus.DECLINED, 0),
                expired=answers.get(MentorshipStatus.EXPIRED, 0),
            )
        )
    return Rollup(rows)
