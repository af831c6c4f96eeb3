"""Who coordinates what: organisation coordinators see every programme; a programme
coordinator sees only the programmes of their ProgrammeCoordinator rows (their people, rounds,
audit entries and exports), and gets nothing of the others.

``programme_ids_for`` answers None for "every programme" so that queries can skip the filter.
"""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.sql.elements import ColumnElement

from mentormatch.extensions import db
from mentormatch.models import (
    MembershipStatus,
    ProgrammeCoordinator,
    ProgrammeMember,
    Role,
    User,
)
from mentormatch.services.errors import NotFound, ValidationError


def programme_ids_for(user: User) -> frozenset[int] | None:
    """The programmes ``user`` coordinates: None when every one (an organisation
    coordinator), else the set (possibly empty)."""
    if user.role != Role.COORDINATOR:
        return frozenset()
    if user.organisation_wide:
        return None
    return frozenset(
        db.session.scalars(
            select(ProgrammeCoordinator.programme_id).where(
                ProgrammeCoordinator.user_id == user.id
            )
        )
    )


def coordinates(user: User, programme_id: int | None) -> bool:
    ids = programme_ids_for(user)
    return ids is None or (programme_id is not None and programme_id in ids)


def require(user: User, programme_id: int | None) -> None:
    """NotFound (a 404 on pages: nothing is told about another programme's records) unless
    ``user`` coordinates ``programme_id``."""
    if not coordinates(user, programme_id):
        raise NotFound("There is no such record among your programmes.")


def member_clause(
    person_column,
    programme_ids: frozenset[int] | None,
    statuses=(MembershipStatus.ACTIVE, MembershipStatus.PENDING),
) -> ColumnElement | None:
    """SQL: the person (``person_column``, a users.id) is a member of one of ``programme_ids``
    (None: no filter, returns None)."""
    if programme_ids is None:
        return None
    return exists().where(
        ProgrammeMember.user_id == person_column,
        ProgrammeMember.programme_id.in_(programme_ids),
        ProgrammeMember.status.in_([s.value for s in statuses]),
    )


def can_see_person(user: User, person_id: int) -> bool:
    """A coordinator sees a mentee or mentor who belongs (or applied) to one of their
    programmes; organisation coordinators see everyone; coordinators see coordinators."""
    ids = programme_ids_for(user)
    if ids is None:
        return True
    person = db.session.get(User, person_id)
    if person is None:
        return False
    if person.role == Role.COORDINATOR:
        return True
    clause = member_clause(User.id, ids, statuses=tuple(MembershipStatus))
    return bool(db.session.scalar(select(User.id).where(User.id == person_id, clause)))


def assign(coordinator_id: int, programme_id: int) -> None:
    """Make a coordinator a coordinator of ``programme_id`` (joins the caller's transaction)."""
    user = db.session.get(User, coordinator_id)
    if user is None or user.role != Role.COORDINATOR:
        raise ValidationError.single("coordinator", "Only a coordinator can run a programme.")
    present = db.session.scalar(
        select(ProgrammeCoordinator.id).where(
            ProgrammeCoordinator.user_id == coordinator_id,
            ProgrammeCoordinator.programme_id == programme_id,
        )
    )
    if present is None:
        db.session.add(ProgrammeCoordinator(user_id=coordinator_id, programme_id=programme_id))


def coordinator_emails(programme_id: int) -> list[str]:
    """Who hears of a programme's applications: its own coordinators, or, when it has none,
    the organisation coordinators."""
    own = list(
        db.session.scalars(
            select(User.email)
            .join(ProgrammeCoordinator, ProgrammeCoordinator.user_id == User.id)
            .where(ProgrammeCoordinator.programme_id == programme_id, User.active.is_(True))
            .order_by(User.id)
        )
    )
    if own:
        return own
    return list(
        db.session.scalars(
            select(User.email)
            .where(
                User.role == Role.COORDINATOR.value,
                User.organisation_wide.is_(True),
                User.active.is_(True),
            )
            .order_by(User.id)
        )
    )
