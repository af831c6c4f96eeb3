"""Demo data for the Quick start: one login per role, and a synthetic cohort around them.

Every demo person, generated or not, signs in with ``DEMO_PASSWORD``. They all share ONE
Argon2 hash of it, computed once per run: hashing 100,000 passwords one by one would take
over an hour, and identical hashes reveal nothing that the published demo password does not.
Demo data only: real accounts always get their own salted hash (services.accounts).

The cohort is written with bulk inserts (users first, then profiles keyed by the users' ids
read back by email) in one transaction. Running again with the same seed skips the people
who are already there (matched by email), so nothing is duplicated and a larger
``--mentees`` adds only the newcomers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from sqlalchemy import Table, insert, select

from mentormatch.demo import generator
from mentormatch.demo.generator import GeneratedPerson
from mentormatch.extensions import db
from mentormatch.models import MenteeProfile, MentorProfile, Role, User
from mentormatch.models.user import new_session_token, utcnow
from mentormatch.services.accounts import find_by_email
from mentormatch.services.errors import ValidationError
from mentormatch.services.passwords import hash_password
from mentormatch.services.profile_fields import parse_mentee, parse_mentor

DEMO_PASSWORD = "mentormatch-demo"  # noqa: S105 - published demo login, development only
DEFAULT_MENTEES = 200
DEFAULT_MENTORS = 60
DEFAULT_SEED = 1
MAX_COHORT = 1_000_000
BATCH_SIZE = 5_000  # people per round trip; bounds memory for large cohorts


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    full_name: str
    password: str = DEMO_PASSWORD


DEMO_LOGINS = (
    DemoLogin("coordinator", "coordinator@demo.mentormatch.org", "Dana Coordinator"),
    DemoLogin("mentor", "mentor@demo.mentormatch.org", "Dr. Maya Mentor"),
    DemoLogin("mentee", "mentee@demo.mentormatch.org", "Dr. Arjun Mentee"),
)

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


def _add_demo_accounts(password_hash: str) -> None:
    """Add the demo logins that are missing, and their profiles if never filled in."""
    for login in DEMO_LOGINS:
        user = find_by_email(login.email)
        if user is None:
            user = User(
                email=login.email,
                full_name=login.full_name,
                password_hash=password_hash,
                role=login.role,
            )
            db.session.add(user)
        if login.role == Role.MENTEE.value and _unfilled(user.mentee_profile):
            values = parse_mentee(DEMO_MENTEE_PROFILE).as_dict()
            user.mentee_profile = _filled(user.mentee_profile or MenteeProfile(), values)
        elif login.role == Role.MENTOR.value and _unfilled(user.mentor_profile):
            values = parse_mentor(DEMO_MENTOR_PROFILE).as_dict()
            user.mentor_profile = _filled(user.mentor_profile or MentorProfile(), values)


def _unfilled(profile: MenteeProfile | MentorProfile | None) -> bool:
    return profile is None or profile.specialty is None


def _filled(
    profile: MenteeProfile | MentorProfile, values: dict[str, Any]
) -> MenteeProfile | MentorProfile:
    for name, value in values.items():
        setattr(profile, name, value)
    return profile


def _batches(items: Iterable[GeneratedPerson]) -> Iterator[list[GeneratedPerson]]:
    iterator = iter(items)
    while batch := list(islice(iterator, BATCH_SIZE)):
        yield batch


def _insert_new_people(
    people: Iterable[GeneratedPerson],
    role: Role,
    profile_table: Table,
    password_hash: str,
    now: dt.datetime,
) -> tuple[int, int]:
    """Insert the people not yet in the database; return (created, skipped)."""
    users: Table = User.__table__
    created = skipped = 0
    for batch in _batches(people):
        emails = [person.email for person in batch]
        present = set(db.session.scalars(select(User.email).where(User.email.in_(emails))))
        new = [person for person in batch if person.email not in present]
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
            for person in new
        ]
        db.session.execute(insert(users), user_rows)
        # Ids read back by email: one indexed query, much faster on SQLite than RETURNING,
        # which SQLAlchemy runs row by row there when the order of the ids must be kept.
        read_ids = select(User.email, User.id).where(User.email.in_([p.email for p in new]))
        ids = {email: user_id for email, user_id in db.session.execute(read_ids)}
        profile_rows = [
            {**person.profile, "user_id": ids[person.email], "updated_at": now} for person in new
        ]
        db.session.execute(insert(profile_table), profile_rows)
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
    year = dt.date.today().year  # the year profile_fields checks graduation years against
    try:
        _add_demo_accounts(password_hash)
        db.session.flush()
        mentees_created, mentees_skipped = _insert_new_people(
            (generator.mentee(seed, number, year) for number in range(1, mentees + 1)),
            Role.MENTEE,
            MenteeProfile.__table__,
            password_hash,
            now,
        )
        mentors_created, mentors_skipped = _insert_new_people(
            (generator.mentor(seed, number) for number in range(1, mentors + 1)),
            Role.MENTOR,
            MentorProfile.__table__,
            password_hash,
            now,
        )
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
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
    )
