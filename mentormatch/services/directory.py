"""The coordinator's directory: people in the programme, filtered, searched and paged."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, not_, or_, select
from sqlalchemy.orm import contains_eager
from sqlalchemy.sql.elements import ColumnElement

from mentormatch import codes
from mentormatch.countries import COUNTRY_REGION
from mentormatch.extensions import db
from mentormatch.models import (
    MenteeProfile,
    MentorProfile,
    Mentorship,
    MentorshipStatus,
    Role,
    User,
)
from mentormatch.services import accounts, audit
from mentormatch.services.eligibility import (
    mentee_ready_clause,
    mentor_ready_clause,
    open_mentorship_clause,
)
from mentormatch.services.errors import NotFound, ValidationError
from mentormatch.services.pagination import Page, paginate
from mentormatch.services.programmes import access

# The match filter: no open mentorship, a pending proposal, or an accepted one ("active").
UNMATCHED, ACTIVE = "unmatched", "active"
MATCH_STATES = (UNMATCHED, MentorshipStatus.PROPOSED.value, ACTIVE)


@dataclass(frozen=True)
class DirectoryFilter:
    """What the coordinator asked for; blank means 'any'."""

    query: str = ""
    specialty: str = ""
    region: str = ""  # mentees: home world region; mentors: US census region
    complete: str = ""  # "yes" | "no"
    match_state: str = ""  # unmatched | proposed | active
    paused: str = ""  # mentors: "yes" | "no"
    active: str = ""  # account: "yes" | "no"
    programme: str = ""  # a programme's id: its members (active or applying) only
    page: int = 1


def count_by_role(programme_ids: frozenset[int] | None = None) -> dict[str, int]:
    """People by role (mentees and mentors of ``programme_ids`` only, when given; coordinators
    are counted all the same)."""
    statement = select(User.role, func.count()).group_by(User.role)
    clause = access.member_clause(User.id, programme_ids)
    if clause is not None:
        statement = statement.where(or_(clause, User.role == Role.COORDINATOR))
    rows = db.session.execute(statement).all()
    counts = {role.value: 0 for role in Role}
    counts.update({role: count for role, count in rows})
    return counts


def list_by_role(role: str) -> list[User]:
    return list(db.session.scalars(select(User).where(User.role == role).order_by(User.email)))


def _match_condition(person_column, state: str) -> ColumnElement:
    if state == UNMATCHED:
        return not_(open_mentorship_clause(person_column))
    status = MentorshipStatus.ACCEPTED if state == ACTIVE else MentorshipStatus.PROPOSED
    return open_mentorship_clause(person_column, (status,))


def _check(filters: DirectoryFilter, role: Role) -> None:
    problems = []
    if filters.programme and not filters.programme.isdecimal():
        problems.append(("programme", f"Unknown programme '{filters.programme}'."))
    if filters.specialty and filters.specialty not in codes.SPECIALTY_CODES:
        problems.append(("specialty", f"Unknown specialty '{filters.specialty}'."))
    regions = set(COUNTRY_REGION.values()) if role == Role.MENTEE else set(codes.CENSUS_REGIONS)
    if filters.region and filters.region not in regions:
        problems.append(("region", f"Unknown region '{filters.region}'."))
    if filters.match_state and filters.match_state not in MATCH_STATES:
        problems.append(("match_state", f"Choose one of {', '.join(MATCH_STATES)}."))
    if problems:
        raise ValidationError(problems)


def _in_programmes(statement, filters: DirectoryFilter, programme_ids: frozenset[int] | None):
    """Only the members of the coordinator's programmes (``programme_ids``; None: everyone),
    and of the one programme chosen in the filter."""
    clause = access.member_clause(User.id, programme_ids)
    if clause is not None:
        statement = statement.where(clause)
    if filters.programme:
        statement = statement.where(
            access.member_clause(User.id, frozenset({int(filters.programme)}))
        )
    return statement


def _common_filters(statement, filters: DirectoryFilter, profile_cls, person_column, ready):
    needle = " ".join(filters.query.split()).lower()
    if needle:
        # autoescape: a % or _ typed in the search box is a character, not a wildcard
        statement = statement.where(
            or_(
                func.lower(User.full_name).contains(needle, autoescape=True),
                func.lower(User.email).contains(needle, autoescape=True),
            )
        )
    if filters.specialty:
        statement = statement.where(profile_cls.specialty == filters.specialty)
    if filters.complete in ("yes", "no"):
        statement = statement.where(ready if filters.complete == "yes" else not_(ready))
    if filters.match_state:
        statement = statement.where(_match_condition(person_column, filters.match_state))
    if filters.active in ("yes", "no"):
        statement = statement.where(User.active.is_(filters.active == "yes"))
    return statement


def search_mentees(
    filters: DirectoryFilter, programme_ids: frozenset[int] | None = None
) -> Page[User]:
    """A page of mentee Users, their profiles loaded (members of ``programme_ids`` only, when
    given)."""
    _check(filters, Role.MENTEE)
    statement = (
        select(User)
        .join(MenteeProfile, MenteeProfile.user_id == User.id)
        .options(contains_eager(User.mentee_profile))
    )
    statement = _in_programmes(statement, filters, programme_ids)
    statement = _common_filters(
        statement, filters, MenteeProfile, Mentorship.mentee_id, mentee_ready_clause()
    )
    if filters.region:
        countries = [code for code, region in COUNTRY_REGION.items() if region == filters.region]
        statement = statement.where(MenteeProfile.home_country.in_(countries))
    return paginate(statement.order_by(User.full_name, User.id), filters.page)


def search_mentors(
    filters: DirectoryFilter, programme_ids: frozenset[int] | None = None
) -> Page[User]:
    """A page of mentor Users, their profiles loaded (members of ``programme_ids`` only, when
    given)."""
    _check(filters, Role.MENTOR)
    statement = (
        select(User)
        .join(MentorProfile, MentorProfile.user_id == User.id)
        .options(contains_eager(User.mentor_profile))
    )
    statement = _in_programmes(statement, filters, programme_ids)
    statement = _common_filters(
        statement, filters, MentorProfile, Mentorship.mentor_id, mentor_ready_clause()
    )
    if filters.region:
        states = [
            state for division in codes.CENSUS[filters.region].values() for state in division
        ]
        statement = statement.where(MentorProfile.state.in_(states))
    if filters.paused in ("yes", "no"):
        paused = MentorProfile.capacity == 0
        statement = statement.where(paused if filters.paused == "yes" else not_(paused))
    return paginate(statement.order_by(User.full_name, User.id), filters.page)


def set_account_active(user_id: int, active: bool, actor_id: int | None = None) -> User:
    """Deactivate (signed out everywhere, cannot sign in, left out of rounds) or reactivate an
    account. The last active coordinator stays active, however many ask at once."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(f"No user with id {user_id}.")
    if active:
        user.active = True
    elif not accounts.deactivate_unless_last_coordinator(user_id):
        db.session.rollback()
        raise ValidationError.single(
            "active", "The last active coordinator cannot be deactivated."
        )
    audit.record(
        actor_id, audit.ACCOUNT_REACTIVATED if active else audit.ACCOUNT_DEACTIVATED, user
    )
    db.session.commit()
    return user
