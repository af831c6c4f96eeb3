"""A programme's people as its coordinators manage them: the members list (applications
first), adding someone who already has an account, and who coordinates which programme."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import contains_eager

from mentormatch.extensions import db
from mentormatch.models import (
    MembershipStatus,
    Programme,
    ProgrammeCoordinator,
    ProgrammeMember,
    Role,
    User,
)
from mentormatch.services import audit
from mentormatch.services.accounts import normalise_email
from mentormatch.services.errors import NotFound, ValidationError
from mentormatch.services.pagination import Page, paginate
from mentormatch.services.programmes import access, catalogue, membership

MEMBER_ROLES = (Role.MENTEE.value, Role.MENTOR.value)


@dataclass(frozen=True)
class MemberFilter:
    """Blank means any; ``status`` blank shows the active members (applications are listed
    apart, by ``pending``)."""

    role: str = ""
    status: str = ""
    page: int = 1


def _check(filters: MemberFilter) -> None:
    problems = []
    if filters.role and filters.role not in MEMBER_ROLES:
        problems.append(("role", f"Choose {' or '.join(MEMBER_ROLES)}."))
    if filters.status and filters.status not in {status.value for status in MembershipStatus}:
        problems.append(("status", f"Choose one of {', '.join(MembershipStatus)}."))
    if problems:
        raise ValidationError(problems)


def pending(programme_id: int) -> list[ProgrammeMember]:
    """Applications waiting for a coordinator, oldest first."""
    return list(
        db.session.scalars(
            select(ProgrammeMember)
            .join(User, User.id == ProgrammeMember.user_id)
            .options(contains_eager(ProgrammeMember.user))
            .where(
                ProgrammeMember.programme_id == programme_id,
                ProgrammeMember.status == MembershipStatus.PENDING,
            )
            .order_by(ProgrammeMember.applied_at, ProgrammeMember.id)
        )
    )


def members_page(programme_id: int, filters: MemberFilter) -> Page[ProgrammeMember]:
    """A page of the programme's members (with their users), filtered by role and status;
    pending applications first, then by name."""
    _check(filters)
    statement = (
        select(ProgrammeMember)
        .join(User, User.id == ProgrammeMember.user_id)
        .options(contains_eager(ProgrammeMember.user))
        .where(ProgrammeMember.programme_id == programme_id)
    )
    if filters.role:
        statement = statement.where(User.role == filters.role)
    if filters.status:
        statement = statement.where(ProgrammeMember.status == filters.status)
    else:
        statement = statement.where(ProgrammeMember.status == MembershipStatus.ACTIVE)
    first = case((ProgrammeMember.status == MembershipStatus.PENDING, 0), else_=1)
    return paginate(statement.order_by(first, func.lower(User.full_name), User.id), filters.page)


def add_by_email(programme_id: int, email: str, actor_id: int | None) -> ProgrammeMember:
    """A coordinator adds a mentee or mentor who already has an account (eligibility aside:
    the coordinator decides). One transaction."""
    programme = catalogue.get(programme_id)
    address = normalise_email(email) if email and email.strip() else ""
    if not address:
        raise ValidationError.single("email", "Give the email of the person's account.")
    user = db.session.scalar(select(User).where(User.email == address))
    if user is None:
        raise ValidationError.single(
            "email",
            f"Nobody has an account with {address}. Import new people from a CSV file (they "
            "get an invitation), or ask them to sign up on the programme's page.",
        )
    if user.role not in MEMBER_ROLES:
        raise ValidationError.single(
            "email", f"{address} is a coordinator's account; only mentees and mentors join."
        )
    current = membership.member(programme_id, user.id)
    if current is not None and current.status == MembershipStatus.ACTIVE:
        raise ValidationError.single("email", f"{user.full_name} is already a member.")
    if current is not None and current.status == MembershipStatus.PENDING:
        raise ValidationError.single(
            "email", f"{user.full_name} has applied: approve the application at the top."
        )
    try:
        row = membership.join(programme, user, membership.Via.COORDINATOR, actor_id=actor_id)
    except ValidationError:
        db.session.rollback()
        raise
    db.session.commit()
    return row


def assign_coordinator(coordinator_id: int, programme_id: int, actor_id: int | None) -> User:
    """Make an existing coordinator a coordinator of ``programme_id`` too. One transaction."""
    programme = catalogue.get(programme_id)
    user = db.session.get(User, coordinator_id)
    if user is None or user.role != Role.COORDINATOR:
        raise ValidationError.single("coordinator", "Choose one of the coordinators.")
    if user.organisation_wide:
        raise ValidationError.single(
            "coordinator",
            f"{user.full_name} coordinates the whole organisation, {programme.name} included.",
        )
    access.assign(coordinator_id, programme_id)
    audit.record(actor_id, audit.COORDINATOR_ASSIGNED, ("user", coordinator_id),
                 programme_id=programme_id)  # fmt: skip
    db.session.commit()
    return user


def programmes_by_coordinator() -> dict[int, list[Programme]]:
    """Coordinator id -> the programmes they coordinate by assignment (one query)."""
    rows = db.session.execute(
        select(ProgrammeCoordinator.user_id, Programme)
        .join(Programme, Programme.id == ProgrammeCoordinator.programme_id)
        .order_by(Programme.name)
    ).all()
    found: dict[int, list[Programme]] = {}
    for user_id, programme in rows:
        found.setdefault(user_id, []).append(programme)
    return found


def application(programme_id: int, member_id: int) -> ProgrammeMember:
    """The membership row ``member_id`` of ``programme_id`` (NotFound for another
    programme's)."""
    row = db.session.get(ProgrammeMember, member_id)
    if row is None or row.programme_id != programme_id:
        raise NotFound("There is no such application in this programme.")
    return row


def pending_counts(programme_ids: frozenset[int] | None) -> dict[int, int]:
    """Programme id -> applications waiting for a coordinator (one query)."""
    statement = (
        select(ProgrammeMember.programme_id, func.count())
        .where(ProgrammeMember.status == MembershipStatus.PENDING)
        .group_by(ProgrammeMember.programme_id)
    )
    if programme_ids is not None:
        statement = statement.where(ProgrammeMember.programme_id.in_(programme_ids))
    return dict(db.session.execute(statement).all())


def coordinator(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.role != Role.COORDINATOR:
        raise NotFound(f"There is no coordinator #{user_id}.")
    return user


def require_members(programme_id: int, people: dict[str, int]) -> None:
    """ValidationError, by field, for each person (field -> user id) who is not a member (or
    applicant) of the programme: a lock or forbid typed in by email is for its own people."""
    found = set(
        db.session.scalars(
            select(ProgrammeMember.user_id).where(
                ProgrammeMember.programme_id == programme_id,
                ProgrammeMember.user_id.in_(list(people.values())),
                ProgrammeMember.status.in_([MembershipStatus.ACTIVE, MembershipStatus.PENDING]),
            )
        )
    )
    name = catalogue.get(programme_id).name
    problems = [
        (field, f"This person is not a member of {name}; add them on its members page first.")
        for field, user_id in people.items()
        if user_id not in found
    ]
    if problems:
        raise ValidationError(problems)
