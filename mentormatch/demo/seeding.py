"""Demo data for the Quick start: one login per role, and a synthetic cohort around them.

Every demo person, generated or not, signs in with ``DEMO_PASSWORD``. They all share ONE
Argon2 hash of it, computed once per run: hashing 100,000 passwords one by one would take
over an hour, and identical hashes reveal nothing that the published demo password does not.
Demo data only: real accounts always get their own salted hash (services.accounts).

The cohort is written with bulk inserts (users first, then profiles and programme
memberships keyed by the users' ids read back by email) in one transaction. Running again
with the same seed skips the people who are already there (matched by email), so nothing is
duplicated and a larger ``--mentees`` adds only the newcomers.

The demo has two programmes: the one every database starts with ("general"), named as a
residency Match cohort and holding most people, and "research", six-month research
mentorships with approval sign-up, holding a subset of the mentees and mentors. Which
programmes a generated person belongs to follows from their number (``placements``), so a
larger cohort places the newcomers the same way; some mentors are in both, with fewer seats
in research than their overall capacity.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any, TypeVar

from sqlalchemy import Table, insert, select

from mentormatch.demo import generator, history
from mentormatch.demo.generator import GeneratedPerson
from mentormatch.extensions import db
from mentormatch.models import (
    MatchingRound,
    MembershipStatus,
    MenteeProfile,
    MentorProfile,
    Programme,
    ProgrammeKind,
    ProgrammeMember,
    Role,
    User,
)
from mentormatch.models.user import new_session_token, utcnow
from mentormatch.services.accounts import find_by_email
from mentormatch.services.errors import ValidationError
from mentormatch.services.passwords import hash_password
from mentormatch.services.preferences import windows
from mentormatch.services.profile_fields import parse_mentee, parse_mentor
from mentormatch.services.programmes import access, catalogue, membership
from mentormatch.services.rounds import transitions
from mentormatch.services.rounds.settings import parse_settings

DEMO_PASSWORD = "mentormatch-demo"  # noqa: S105 - published demo login, development only
DEFAULT_MENTEES = 200
DEFAULT_MENTORS = 60
DEFAULT_SEED = 1
MAX_COHORT = 1_000_000
BATCH_SIZE = 5_000  # people per round trip; bounds memory for large cohorts
T = TypeVar("T")


MAIN_PROGRAMME = "general"  # the programme every database starts with (migration 0010)
RESEARCH_PROGRAMME = "research"
# the name the migration gives the first programme: renamed for the demo while it is unchanged
_UNCHANGED_MAIN_NAME = "Mentorship programme"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    full_name: str
    password: str = DEMO_PASSWORD
    # a coordinator of this programme only (by slug); None: of every programme, or, for a
    # mentee or mentor, the main programme
    programme: str | None = None

    @property
    def scope(self) -> str:
        if self.role != Role.COORDINATOR.value:
            return ""
        return f"coordinates '{self.programme}' only" if self.programme else "every programme"


DEMO_LOGINS = (
    DemoLogin("coordinator", "coordinator@demo.mentormatch.org", "Dana Coordinator"),
    DemoLogin(
        "coordinator",
        "research@demo.mentormatch.org",
        "Rosa Research",
        programme=RESEARCH_PROGRAMME,
    ),  # fmt: skip
    DemoLogin("mentor", "mentor@demo.mentormatch.org", "Dr. Maya Mentor"),
    DemoLogin("mentee", "mentee@demo.mentormatch.org", "Dr. Arjun Mentee"),
)


def _main_programme_settings(today: dt.date) -> dict[str, Any]:
    match_year = today.year + (1 if today.month >= 4 else 0)  # the Match is in March
    return {
        "name": f"Residency Match {match_year} cohort",
        "kind": ProgrammeKind.RESIDENCY.value,
        "description": f"For international medical graduates applying to the {match_year} "
        "residency Match: a mentor in your specialty reviews your application, writes or "
        "finds letters, helps you to US clinical experience and rehearses interviews with "
        "you. Twelve months, meeting monthly.",
    }


RESEARCH_SETTINGS: dict[str, Any] = {
    "slug": RESEARCH_PROGRAMME,
    "name": "Research mentorship",
    "kind": ProgrammeKind.RESEARCH.value,
    "signup_mode": "approval",
    "description": "Six-month research mentorships for IMGs who want a first publication or a "
    "research position: a mentor who publishes guides you through a case report, a "
    "systematic review or a project at their institution. Coordinators read every "
    "application.",
    "mentorship_months": "6",
    "meeting_cadence": "fortnightly",
    "answer_days": "10",
    "weight_specialty": "0.3",
    "weight_region": "0.1",
    "weight_research": "0.6",
}

JOINED_VIA = membership.Via.PUBLIC


@dataclass(frozen=True)
class Placement:
    """A generated person's place in one of the demo's programmes."""

    programme: str  # slug
    status: str = MembershipStatus.ACTIVE.value
    seats: int | None = None  # a mentor's seats there (None: up to the overall capacity)


def placements(role: Role, number: int, capacity: int = 0) -> tuple[Placement, ...]:
    """The programmes generated person ``number`` belongs to. Mentees: a fifth in research
    only (one in four of them still applying), a tenth in both, the rest in the main
    programme. Mentors: a fifth in research only, a fifth in both with about half their
    capacity offered in research, the rest in the main programme."""
    main, research = Placement(MAIN_PROGRAMME), Placement(RESEARCH_PROGRAMME)
    if role == Role.MENTEE:
        if number % 5 == 0:
            pending = number % 20 == 10
            return (
                (Placement(RESEARCH_PROGRAMME, MembershipStatus.PENDING.value),)
                if pending
                else (research,)
            )
        return (main, research) if number % 10 == 1 else (main,)
    if number % 5 == 0:
        return (research,)
    if number % 5 == 1:
        return (main, Placement(RESEARCH_PROGRAMME, seats=min(capacity, max(1, capacity // 2))))
    return (main,)


# Complete profiles for the two demo logins, chosen so that they are a good match for each
# other: same specialty family, a shared state and shared research interests.
DEMO_MENTEE_PROFILE: dict[str, Any] = {
    "home_country": "IN",
    "medical_school": "Kasturba Medical College, Manipal",
    "graduation_year": 2021,
    "degree": "mbbs",
    "specialty": "internal-medicine",
    "specialty_second": "family-medicine",
    "preferred_regions": ["NY", "NJ", "middle-atlantic"],
    "research_interests": ["internal-medicine", "cardiology", "cardiovascular",
                           "systematic-review", "case-report", "img-workforce"],
    "research_tags": ["heart failure", "hospital medicine"],
    "goals": ["residency-match", "research-position"],
    "support_sought": ["research-guidance", "publication-writing", "application-review",
                       "letters-of-recommendation", "usce-access", "visa-guidance"],
    "usmle_step1": "passed",
    "usmle_step2ck": "score",
    "usmle_step2ck_score": 247,
    "usmle_step3": "not-taken",
    "oet": "passed",
    "ecfmg_status": "certified",
    "immigration_status": "outside-us",
    "visa_needed": "j1",
    "usce": ["observership:2", "research-elective:3"],
    "research_experience": "institutional-unfunded",
    "publications": 3,
    "first_author_publications": 1,
    "languages": ["en", "hi", "kn"],
    "prefers_img_mentor": True,
    "hours_per_month": 8,
    "about": "MBBS graduate from Manipal applying to internal medicine; interested in "
    "heart failure research and looking for help with letters and US clinical experience.",
}  # fmt: skip
DEMO_MENTOR_PROFILE: dict[str, Any] = {
    "position": "attending",
    "specialty": "internal-medicine",
    "subspecialty": "cardiology",
    "institution": "Montefiore Medical Center",
    "city": "Bronx",
    "state": "NY",
    "programme_type": "academic",
    "research_interests": ["internal-medicine", "cardiology", "cardiovascular",
                           "cohort-study", "systematic-review", "img-workforce"],
    "research_tags": ["heart failure", "echocardiography"],
    "support_offered": ["research-guidance", "publication-writing", "application-review",
                        "letters-of-recommendation", "interview-prep", "visa-guidance"],
    "is_img": True,
    "visa_sponsorship": "j1",
    "languages": ["en", "hi"],
    "capacity": 3,
    "about": "Cardiologist and former IMG; I help mentees publish their first paper and "
    "prepare strong applications.",
}  # fmt: skip


@dataclass(frozen=True)
class SeedReport:
    seed: int
    mentees_created: int
    mentees_skipped: int
    mentors_created: int
    mentors_skipped: int
    logins: tuple[DemoLogin, ...]
    example_email: str | None  # a generated person's login, to show in the output
    programmes: tuple[DemoProgramme, ...] = ()


@dataclass(frozen=True)
class DemoProgramme:
    slug: str
    name: str
    members: int  # active


def _demo_programmes(today: dt.date) -> dict[str, int]:
    """The demo's two programmes (slug -> id): the main one renamed for the demo while it
    still has the name the migration gave it, and the research one, made if missing."""
    main = db.session.scalar(select(Programme).where(Programme.slug == MAIN_PROGRAMME))
    if main is None:  # the first programme was given another slug: make the main one again
        main = _new_programme({"slug": MAIN_PROGRAMME, **_main_programme_settings(today)})
    elif main.name == _UNCHANGED_MAIN_NAME and main.kind == ProgrammeKind.GENERAL:
        for name, value in _main_programme_settings(today).items():
            setattr(main, name, value)
    research = db.session.scalar(select(Programme).where(Programme.slug == RESEARCH_PROGRAMME))
    if research is None:
        research = _new_programme(RESEARCH_SETTINGS)
    db.session.flush()
    return {MAIN_PROGRAMME: main.id, RESEARCH_PROGRAMME: research.id}


def _new_programme(raw: dict[str, Any]) -> Programme:
    programme = Programme(**catalogue.parse(raw), invitation_key=secrets.token_urlsafe(24))
    db.session.add(programme)
    return programme


def _add_demo_accounts(password_hash: str, programmes: dict[str, int]) -> None:
    """Add the demo logins that are missing, and their profiles if never filled in; the
    mentee and the mentor are members of the main programme, the mentor of research too."""
    users = []
    for login in DEMO_LOGINS:
        user = find_by_email(login.email)
        if user is None:
            user = User(
                email=login.email,
                full_name=login.full_name,
                password_hash=password_hash,
                role=login.role,
                organisation_wide=login.role == Role.COORDINATOR.value and not login.programme,
            )
            db.session.add(user)
        if login.role == Role.MENTEE.value and _unfilled(user.mentee_profile):
            values = parse_mentee(DEMO_MENTEE_PROFILE).as_dict()
            user.mentee_profile = _filled(user.mentee_profile or MenteeProfile(), values)
        elif login.role == Role.MENTOR.value and _unfilled(user.mentor_profile):
            values = parse_mentor(DEMO_MENTOR_PROFILE).as_dict()
            user.mentor_profile = _filled(user.mentor_profile or MentorProfile(), values)
        users.append(user)
    db.session.flush()
    for login, user in zip(DEMO_LOGINS, users, strict=True):
        if login.role == Role.COORDINATOR.value:
            if login.programme and user.role == Role.COORDINATOR.value:
                access.assign(user.id, programmes[login.programme])
            continue
        if user.role != login.role:
            continue  # the email was taken by someone else's account: leave it alone
        _join(user, programmes[MAIN_PROGRAMME])
        if login.role == Role.MENTOR.value:
            _join(user, programmes[RESEARCH_PROGRAMME], seats=1)


def _join(user: User, programme_id: int, seats: int | None = None) -> None:
    """Make a demo login an active member (with ``seats`` when the membership is new)."""
    if membership.member(programme_id, user.id) is not None:
        return
    row = membership.join(
        db.session.get(Programme, programme_id), user, membership.Via.COORDINATOR
    )
    row.seats = seats


def _unfilled(profile: MenteeProfile | MentorProfile | None) -> bool:
    return profile is None or profile.specialty is None


def _filled(
    profile: MenteeProfile | MentorProfile, values: dict[str, Any]
) -> MenteeProfile | MentorProfile:
    for name, value in values.items():
        setattr(profile, name, value)
    return profile


def _batches(items: Iterable[T]) -> Iterator[list[T]]:
    iterator = iter(items)
    while batch := list(islice(iterator, BATCH_SIZE)):
        yield batch


def _insert_new_people(
    people: Iterable[tuple[int, GeneratedPerson]],
    role: Role,
    profile_table: Table,
    password_hash: str,
    now: dt.datetime,
    programmes: dict[str, int],
) -> tuple[int, int]:
    """Insert the people (numbered) not yet in the database, with their profiles and
    programme memberships; return (created, skipped)."""
    users: Table = User.__table__
    created = skipped = 0
    for batch in _batches(people):
        emails = [person.email for _, person in batch]
        present = set(db.session.scalars(select(User.email).where(User.email.in_(emails))))
        new = [(number, person) for number, person in batch if person.email not in present]
        skipped += len(batch) - len(new)
        if not new:
            continue
        user_rows = [
            {
                "email": person.email,
                "full_name": person.full_name,
                "password_hash": password_hash,
                "role": role.value,
                "active": True,
                "session_token": new_session_token(),
                "created_at": now,
            }
            for _, person in new
        ]
        db.session.execute(insert(users), user_rows)
        # Ids read back by email: one indexed query, much faster on SQLite than RETURNING,
        # which SQLAlchemy runs row by row there when the order of the ids must be kept.
        read_ids = select(User.email, User.id).where(User.email.in_([p.email for _, p in new]))
        ids = {email: user_id for email, user_id in db.session.execute(read_ids)}
        profile_rows = [
            {**person.profile, "user_id": ids[person.email], "updated_at": now}
            for _, person in new
        ]
        db.session.execute(insert(profile_table), profile_rows)
        member_rows = [
            {
                "programme_id": programmes[place.programme],
                "user_id": ids[person.email],
                "status": place.status,
                "joined_via": JOINED_VIA,
                "seats": place.seats,
                "seats_taken": 0,
                "applied_at": now,
                "decided_at": now if place.status == MembershipStatus.ACTIVE.value else None,
            }
            for number, person in new
            for place in placements(role, number, person.profile.get("capacity", 0))
        ]
        db.session.execute(insert(ProgrammeMember.__table__), member_rows)
        created += len(new)
    return created, skipped


def seed_demo(
    mentees: int = DEFAULT_MENTEES, mentors: int = DEFAULT_MENTORS, seed: int = DEFAULT_SEED
) -> SeedReport:
    """The demo logins plus ``mentees`` and ``mentors`` synthetic people for ``seed``."""
    problems = [
        (name, f"Give {name} as a number from 0 to {MAX_COHORT:,}; got {value}.")
        for name, value in (("mentees", mentees), ("mentors", mentors))
        if not 0 <= value <= MAX_COHORT
    ]
    if seed < 0:
        problems.append(("seed", f"The seed must be 0 or more; got {seed}."))
    if problems:
        raise ValidationError(problems)

    password_hash = hash_password(DEMO_PASSWORD)  # shared by every demo person: see above
    now = utcnow()
    today = dt.date.today()
    year = today.year  # the year profile_fields checks graduation years against
    try:
        programmes = _demo_programmes(today)
        _add_demo_accounts(password_hash, programmes)
        db.session.flush()
        mentees_created, mentees_skipped = _insert_new_people(
            ((number, generator.mentee(seed, number, year)) for number in range(1, mentees + 1)),
            Role.MENTEE,
            MenteeProfile.__table__,
            password_hash,
            now,
            programmes,
        )
        mentors_created, mentors_skipped = _insert_new_people(
            ((number, generator.mentor(seed, number)) for number in range(1, mentors + 1)),
            Role.MENTOR,
            MentorProfile.__table__,
            password_hash,
            now,
            programmes,
        )
        history.seed_history(list(programmes.values()), programmes[MAIN_PROGRAMME], seed, now)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    _open_choices_round(programmes[MAIN_PROGRAMME], now)
    example = (
        generator.mentee(seed, 1, year)
        if mentees
        else generator.mentor(seed, 1)
        if mentors
        else None
    )
    return SeedReport(
        seed=seed,
        mentees_created=mentees_created,
        mentees_skipped=mentees_skipped,
        mentors_created=mentors_created,
        mentors_skipped=mentors_skipped,
        logins=DEMO_LOGINS,
        example_email=example.email if example else None,
        programmes=_programme_lines(programmes),
    )


CHOICES_ROUND = "Spring round: mentees choose their mentors"
CHOICES_OPEN_DAYS = 14


def _open_choices_round(programme_id: int, now: dt.datetime) -> None:
    """A draft round of the main programme whose preference window is open, so that the demo
    mentee can browse and rank mentors and the demo mentor see who chose them (once: a
    second seeding finds it). Through the services, each its own commit, after the people."""
    exists = db.session.scalar(
        select(MatchingRound.id).where(
            MatchingRound.programme_id == programme_id, MatchingRound.name == CHOICES_ROUND
        )
    )
    if exists is not None:
        return
    settings = parse_settings({"name": CHOICES_ROUND, "programme_id": programme_id})
    created = transitions.create_round(settings, None)
    windows.set_window(
        created.id, None, now - dt.timedelta(hours=1), now + dt.timedelta(days=CHOICES_OPEN_DAYS)
    )


def _programme_lines(programmes: dict[str, int]) -> tuple[DemoProgramme, ...]:
    counts = membership.active_member_counts()
    return tuple(
        DemoProgramme(
            slug, db.session.get(Programme, programme_id).name, counts.get(programme_id, 0)
        )
        for slug, programme_id in programmes.items()
    )
