"""Which mentorship a person may open: only its mentee and its mentor, and only once the
mentor accepted (an ended mentorship stays readable to both). Anyone else, coordinators
included, is told it does not exist."""

from __future__ import annotations

from sqlalchemy.orm import selectinload

from mentormatch.extensions import db
from mentormatch.models import Mentorship, MentorshipStatus, User
from mentormatch.services.errors import NotFound, ServiceError


class Closed(ServiceError):
    """The mentorship has ended: it can be read, not changed."""


def load_for(mentorship_id: int, user_id: int) -> Mentorship:
    mentorship = db.session.get(
        Mentorship,
        mentorship_id,
        options=[
            selectinload(Mentorship.mentee).selectinload(User.mentee_profile),
            selectinload(Mentorship.mentor).selectinload(User.mentor_profile),
            selectinload(Mentorship.programme),
        ],
    )
    if (
        mentorship is None
        or mentorship.side_of(user_id) is None
        or mentorship.ends_on is None  # never accepted (end dates are set on acceptance)
        or mentorship.status not in (MentorshipStatus.ACCEPTED, MentorshipStatus.ENDED)
    ):
        raise NotFound(f"No mentorship {mentorship_id} among yours.")
    return mentorship


def load_active(mentorship_id: int, user_id: int) -> Mentorship:
    """As ``load_for``, for a change: Closed once the mentorship has ended."""
    mentorship = load_for(mentorship_id, user_id)
    if mentorship.status != MentorshipStatus.ACCEPTED:
        raise Closed("This mentorship has ended: it can no longer be changed.")
    return mentorship
