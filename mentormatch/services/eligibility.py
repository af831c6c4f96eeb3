"""Who can take part in a round, as SQL: a profile ready for matching, an open mentorship.

The directory filters on the same clauses, so "ready" and "has a mentor" mean the same on its
pages as in a round.
"""

from __future__ import annotations

from sqlalchemy import String, and_, cast, exists, not_, or_
from sqlalchemy.sql.elements import ColumnElement

from mentormatch.models import (
    OPEN_MENTORSHIP_STATUSES,
    MenteeProfile,
    MentorProfile,
    Mentorship,
    MentorshipStatus,
    User,
)


def _json_empty(column) -> ColumnElement:
    return or_(column.is_(None), cast(column, String).in_(["[]", "null"]))


def mentee_ready_clause() -> ColumnElement:
    """SQL: the mentee profile has what a round needs (see profiles.MENTEE_MATCHING_NEEDS)."""
    return and_(
        MenteeProfile.specialty.is_not(None),
        or_(MenteeProfile.regions_anywhere.is_(True), not_(_json_empty(
            MenteeProfile.preferred_regions))),
        not_(_json_empty(MenteeProfile.research_interests)),
    )  # fmt: skip


def mentor_ready_clause() -> ColumnElement:
    """SQL: the mentor profile has what a round needs (see profiles.MENTOR_MATCHING_NEEDS)."""
    return and_(
        MentorProfile.specialty.is_not(None),
        MentorProfile.state.is_not(None),
        not_(_json_empty(MentorProfile.research_interests)),
    )


def open_mentorship_clause(
    person_column,
    statuses: tuple[MentorshipStatus, ...] = OPEN_MENTORSHIP_STATUSES,
    programme_id: int | None = None,
) -> ColumnElement:
    """SQL: the user (mentee or mentor, by ``person_column``) has a mentorship in ``statuses``
    (in ``programme_id`` when given: the one-open-mentorship rule holds per programme)."""
    clause = exists().where(person_column == User.id, Mentorship.status.in_(statuses))
    if programme_id is not None:
        clause = clause.where(Mentorship.programme_id == programme_id)
    return clause
