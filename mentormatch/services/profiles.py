"""Profiles: saving them, how complete they are, and who may see what."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from mentormatch import codes
from mentormatch.countries import country_names, world_region
from mentormatch.extensions import db
from mentormatch.models import (
    MenteeProfile,
    MentorProfile,
    Role,
    User,
)
from mentormatch.services import audiences, time_zones
from mentormatch.services.errors import NotFound, ValidationError
from mentormatch.services.profile_fields import MenteeFields, MentorFields
from mentormatch.services.programmes import access

# Visible only to the mentee, coordinators, and a mentor whose match with the mentee was
# accepted (services.audiences). Exam results are hidden whole: hiding only failures would
# reveal them by omission.
SENSITIVE_MENTEE_FIELDS = frozenset(audiences.MENTEE_FIELD_ITEMS)

# What a round needs; labels are what the home page says is missing.
MENTEE_MATCHING_NEEDS = (
    ("specialty", "specialty interest"),
    ("regions", "preferred US regions (or 'anywhere')"),
    ("research_interests", "research interests"),
)
MENTOR_MATCHING_NEEDS = (
    ("specialty", "specialty"),
    ("state", "state of your institution"),
    ("research_interests", "research interests"),
)
MENTEE_COMPLETENESS_FIELDS = (
    "home_country", "medical_school", "graduation_year", "degree", "specialty", "regions",
    "research_interests", "goals", "support_sought", "usmle_step1", "ecfmg_status",
    "immigration_status", "visa_needed", "research_experience", "languages", "hours_per_month",
)  # fmt: skip
MENTOR_COMPLETENESS_FIELDS = (
    "position", "specialty", "institution", "city", "state", "programme_type",
    "research_interests", "support_offered", "visa_sponsorship", "languages",
)  # fmt: skip


@dataclass(frozen=True)
class Completeness:
    percent: int
    missing_for_matching: tuple[str, ...]

    @property
    def ready_for_matching(self) -> bool:
        return not self.missing_for_matching


def _filled(profile: MenteeProfile | MentorProfile, name: str) -> bool:
    if name == "regions":
        return bool(profile.preferred_regions) or bool(profile.regions_anywhere)
    value = getattr(profile, name)
    return value not in (None, "", [])


def completeness(profile: MenteeProfile | MentorProfile) -> Completeness:
    if isinstance(profile, MenteeProfile):
        needs, counted = MENTEE_MATCHING_NEEDS, MENTEE_COMPLETENESS_FIELDS
    else:
        needs, counted = MENTOR_MATCHING_NEEDS, MENTOR_COMPLETENESS_FIELDS
    filled = sum(_filled(profile, name) for name in counted)
    missing = tuple(label for name, label in needs if not _filled(profile, name))
    return Completeness(round(100 * filled / len(counted)), missing)


def new_profile_for(user: User) -> MenteeProfile | MentorProfile | None:
    """The empty profile a new mentee or mentor starts with (added to the same session)."""
    if user.role == Role.MENTEE.value:
        return MenteeProfile(user=user)
    if user.role == Role.MENTOR.value:
        return MentorProfile(user=user)
    return None


def mentee_profile(user_id: int) -> MenteeProfile:
    profile = db.session.scalar(select(MenteeProfile).where(MenteeProfile.user_id == user_id))
    if profile is None:
        raise NotFound(f"No mentee profile for user {user_id}.")
    return profile


def mentor_profile(user_id: int) -> MentorProfile:
    profile = db.session.scalar(select(MentorProfile).where(MentorProfile.user_id == user_id))
    if profile is None:
        raise NotFound(f"No mentor profile for user {user_id}.")
    return profile


def apply_fields(profile: MenteeProfile | MentorProfile, values: MenteeFields | MentorFields):
    if isinstance(profile, MentorProfile) and values.capacity != profile.capacity:
        profile.capacity_before_pause = None  # a capacity chosen now replaces the paused one
    for name, value in values.as_dict().items():
        setattr(profile, name, value)


def _set_time_zone(profile: MenteeProfile | MentorProfile, time_zone: str | None) -> None:
    """The person's time zone, saved with the profile: None keeps it, '' clears it."""
    if time_zone is not None:
        profile.user.time_zone = time_zones.parse(time_zone, required=False)


def update_mentee_profile(
    user_id: int, values: MenteeFields, time_zone: str | None = None
) -> MenteeProfile:
    profile = mentee_profile(user_id)
    _set_time_zone(profile, time_zone)
    apply_fields(profile, values)
    db.session.commit()
    return profile


def _capacity_below_seats(taken: int) -> ValidationError:
    return ValidationError.single(
        "capacity",
        f"You have {codes.plural(taken, 'active or proposed mentee')}; capacity "
        f"cannot be lower than {taken}. End a mentorship or decline a proposal first.",
    )


def _commit_capacity_change(profile: MentorProfile) -> None:
    """Commit; the database refuses a capacity below the seats taken (a concurrent proposal
    may have taken one since we looked), and the person is told why."""
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        taken = db.session.get(MentorProfile, profile.id).seats_taken
        raise _capacity_below_seats(taken) from exc


def update_mentor_profile(
    user_id: int, values: MentorFields, time_zone: str | None = None
) -> MentorProfile:
    """Save the profile (and the time zone, see ``_set_time_zone``). Lowering capacity below
    the seats already taken (active mentees plus pending proposals) is refused: proposals are
    never withdrawn behind a mentee's back."""
    profile = mentor_profile(user_id)
    if values.capacity < profile.seats_taken:
        raise _capacity_below_seats(profile.seats_taken)
    _set_time_zone(profile, time_zone)
    apply_fields(profile, values)
    _commit_capacity_change(profile)
    return profile


def pause_mentor(user_id: int) -> MentorProfile:
    """Take no new mentees: capacity drops to the seats already taken (0 when none), and the
    capacity before the pause is kept for resuming. Pausing twice keeps the first one."""
    profile = mentor_profile(user_id)
    if profile.capacity_before_pause is None and profile.capacity > profile.seats_taken:
        profile.capacity_before_pause = profile.capacity
    profile.capacity = profile.seats_taken
    _commit_capacity_change(profile)
    return profile


def resume_mentor(user_id: int) -> MentorProfile:
    """Take mentees again: back to the capacity from before the pause, or, when there is none
    to go back to (capacity set to 0 on the profile, or already full), one seat more."""
    profile = mentor_profile(user_id)
    high = codes.MENTOR_CAPACITY_RANGE[1]
    before = profile.capacity_before_pause or 0
    profile.capacity = before if before > profile.seats_taken else profile.seats_taken + 1
    profile.capacity = min(high, profile.capacity)
    profile.capacity_before_pause = None
    _commit_capacity_change(profile)
    return profile


def _hidden_fields(held: frozenset[audiences.Audience]) -> set[str]:
    return {
        name
        for name, item in audiences.MENTEE_FIELD_ITEMS.items()
        if not audiences.may_see(held, item)
    }


def may_see_sensitive(viewer: User, mentee_user_id: int) -> bool:
    """The mentee, coordinators, and a mentor whose match with this mentee was accepted."""
    return not _hidden_fields(audiences.audiences(viewer, mentee_user_id))


def mentee_view(
    viewer: User, profile: MenteeProfile, held: frozenset[audiences.Audience] | None = None
) -> dict[str, Any]:
    """The profile as ``viewer`` may see it: hidden fields are absent, not blanked."""
    if held is None:
        held = audiences.audiences(viewer, profile.user_id)
    values = {name: getattr(profile, name) for name in MenteeFields.__dataclass_fields__}
    for name in _hidden_fields(held):
        values.pop(name, None)
    values["home_country_name"] = country_names().get(profile.home_country or "", "")
    values["home_region"] = world_region(profile.home_country)
    return values


@dataclass(frozen=True)
class ProfileView:
    """A person's profile as one viewer may see it."""

    person: User
    profile: MenteeProfile | MentorProfile
    values: dict[str, Any]
    sensitive_visible: bool
    contact_visible: bool


def profile_for_viewer(viewer: User, user_id: int) -> ProfileView:
    """Coordinators see the people of their programmes (organisation coordinators everyone);
    people see themselves and the other side of a proposed or accepted mentorship. Anyone else
    gets NotFound (so existence is not revealed)."""
    person = db.session.get(User, user_id)
    profile = None if person is None else person.mentee_profile or person.mentor_profile
    if person is None or profile is None:
        raise NotFound(f"No profile for user {user_id}.")
    if viewer.role == Role.COORDINATOR and not access.can_see_person(viewer, user_id):
        raise NotFound(f"No profile for user {user_id}.")
    held = audiences.audiences(viewer, person.id)
    if not audiences.may_see(held, audiences.Item.PROFILE):
        raise NotFound(f"No profile for user {user_id}.")
    if isinstance(profile, MenteeProfile):
        values = mentee_view(viewer, profile, held)
        sensitive_visible = not _hidden_fields(held)
    else:
        values = {name: getattr(profile, name) for name in MentorFields.__dataclass_fields__}
        sensitive_visible = True  # mentors' profiles hold nothing sensitive
    return ProfileView(
        person=person,
        profile=profile,
        values=values,
        sensitive_visible=sensitive_visible,
        contact_visible=audiences.may_see(held, audiences.Item.CONTACT),
    )
