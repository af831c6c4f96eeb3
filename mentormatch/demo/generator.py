"""Synthetic, realistic mentees and mentors for demos and load tests (no database here).

Each person is drawn from their own random stream, seeded by (kind, seed, number), so the
same seed always gives the same people, and a larger cohort with the same seed starts with
the people of the smaller one. Profiles hold clean codes, exactly what
``profile_fields.parse_mentee`` / ``parse_mentor`` return for them, so they can be written
straight to the profile tables. The shares behind the draws are in ``tables``.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from bisect import bisect_right
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from random import Random
from typing import Any, Generic, TypeVar

from mentormatch import codes
from mentormatch.demo import tables

MENTEE_EMAIL_DOMAIN = "demo-mentee.mentormatch.org"
MENTOR_EMAIL_DOMAIN = "demo-mentor.mentormatch.org"

T = TypeVar("T")


class Weighted(Generic[T]):
    """Draws values in proportion to their weights."""

    def __init__(self, weights: Mapping[T, float]) -> None:
        self.values: tuple[T, ...] = tuple(weights)
        self._cumulative = tuple(accumulate(weights.values()))
        self._total = self._cumulative[-1]
        self._last = len(self.values) - 1

    def draw(self, rng: Random) -> T:
        # Searching below the last index keeps a rounding error at the top end in range.
        return self.values[
            bisect_right(self._cumulative, rng.random() * self._total, 0, self._last)
        ]

    def distinct(self, rng: Random, count: int, exclude: Collection[T] = ()) -> list[T]:
        """Up to ``count`` different values, none of them in ``exclude``."""
        if exclude:
            count = min(count, sum(value not in exclude for value in self.values))
        else:
            count = min(count, len(self.values))
        picked: list[T] = []
        while len(picked) < count:
            value = self.draw(rng)
            if value not in picked and value not in exclude:
                picked.append(value)
        return picked


@dataclass(frozen=True)
class GeneratedPerson:
    email: str
    full_name: str
    profile: dict[str, Any]  # model column -> clean value


_MENTEE_SPECIALTIES = Weighted(tables.MENTEE_SPECIALTY_WEIGHTS)
_MENTOR_SPECIALTIES = Weighted(tables.MENTOR_SPECIALTY_WEIGHTS)
_SUBSPECIALTIES = {
    parent: (share, Weighted(weights))
    for parent, (share, weights) in tables.MENTOR_SUBSPECIALTIES.items()
}
_HOME_COUNTRIES = Weighted(tables.HOME_COUNTRY_WEIGHTS)
# An IMG mentor trained abroad; a US-born mentor is not an IMG.
_MENTOR_HOME_COUNTRIES = Weighted(
    {country: weight for country, weight in tables.HOME_COUNTRY_WEIGHTS.items() if country != "US"}
)
# Years since graduation: few graduate and apply the same year; most apply within 2-6 years.
_YEARS_SINCE_GRADUATION = Weighted(
    {years: min(1.0, (years + 1) / 3) * 0.85**years for years in range(31)}
)
_MENTEE_STUDY_TYPES = Weighted(tables.MENTEE_STUDY_TYPE_WEIGHTS)
_MENTOR_STUDY_TYPES = Weighted(tables.MENTOR_STUDY_TYPE_WEIGHTS)
_PREFERRED_STATES = Weighted(tables.PREFERRED_STATE_WEIGHTS)
_PREFERRED_DIVISIONS = Weighted(tables.PREFERRED_DIVISION_WEIGHTS)
_REGION_COUNT = Weighted({1: 30, 2: 30, 3: 25, 4: 15})
_STEP1 = Weighted(tables.STEP1_WEIGHTS)
_STEP2CK_AFTER_STEP1 = Weighted({"score": 78, "not-taken": 18, "failed": 4})
_STEP2CK_BEFORE_STEP1 = Weighted({"not-taken": 90, "score": 10})
_IMMIGRATION = Weighted(tables.IMMIGRATION_WEIGHTS)
_VISA_NEEDED = Weighted(tables.VISA_NEEDED_WEIGHTS)
_USCE_TYPES = Weighted(tables.USCE_TYPE_WEIGHTS)
_USCE_COUNT_ABROAD = Weighted({0: 35, 1: 35, 2: 20, 3: 10})
_USCE_COUNT_IN_US = Weighted({0: 15, 1: 35, 2: 30, 3: 20})
_RESEARCH_EXPERIENCE = Weighted(tables.RESEARCH_EXPERIENCE_WEIGHTS)
_HOURS = Weighted(tables.HOURS_PER_MONTH_WEIGHTS)
_STUDY_TYPE_COUNT = Weighted({1: 45, 2: 35, 3: 20})
_MENTOR_STATES = Weighted(tables.MENTOR_STATE_WEIGHTS)
_POSITIONS = Weighted(tables.MENTOR_POSITION_WEIGHTS)
_PROGRAMME_TYPES = {
    position: Weighted(weights) for position, weights in tables.PROGRAMME_TYPE_WEIGHTS.items()
}
_VISA_SPONSORSHIP = {
    programme: Weighted(weights) for programme, weights in tables.VISA_SPONSORSHIP_WEIGHTS.items()
}
_CAPACITY = Weighted(tables.MENTOR_CAPACITY_WEIGHTS)
_RESIDENT_CAPACITY = Weighted(tables.RESIDENT_CAPACITY_WEIGHTS)
_HOSPITAL_SUFFIXES = tables.COMMUNITY_HOSPITAL_SUFFIXES

_POSITION_WORDS = {
    "attending": "Attending physician",
    "programme-director": "Programme director",
    "resident-fellow": "Resident or fellow",
    "research-faculty": "Research faculty",
    "other": "Physician",
}
# Letters that Unicode does not decompose to a plain ASCII letter.
_ASCII_FIXES = str.maketrans({"ı": "i", "ø": "o", "ß": "ss", "đ": "d", "ł": "l"})


def _stream(kind: str, seed: int, number: int) -> Random:
    """One person's random numbers: reproducible on purpose, never used for secrets."""
    return Random(f"{kind}:{seed}:{number}")  # noqa: S311


@cache
def email_slug(name: str) -> str:
    """'María José' -> 'mariajose': ASCII letters and digits for an email's local part."""
    plain = unicodedata.normalize("NFKD", name.translate(_ASCII_FIXES))
    return "".join(c for c in plain.lower() if c.isascii() and c.isalnum())


def _person_name(rng: Random, country: str) -> tuple[str, str]:
    first_names, last_names = tables.NAMES[tables.NAME_TRADITION[country]]
    return rng.choice(first_names), rng.choice(last_names)


def _email(first: str, last: str, seed: int, number: int, domain: str) -> str:
    return f"{email_slug(first)}.{email_slug(last)}.{seed}-{number}@{domain}"


def _languages(rng: Random, country: str | None) -> list[str]:
    languages = ["en"]
    if country is not None:
        always, sometimes = tables.LANGUAGES_BY_COUNTRY[country]
        languages.extend(always)
        if sometimes and rng.random() < (0.6 if always else 0.85):
            languages.append(rng.choice(sometimes))
    return list(dict.fromkeys(languages))


def _research(
    rng: Random, specialties: list[str], study_types: Weighted[str], study_type_count: int
) -> list[str]:
    """Topics that go with the specialties, some general topics, then study types."""
    topics = list(specialties)
    for specialty in specialties:
        for topic in tables.RELATED_TOPICS.get(specialty, ()):
            if rng.random() < 0.5:
                topics.append(topic)
    topics.extend(t for t, share in tables.GENERAL_TOPIC_SHARES.items() if rng.random() < share)
    topics.extend(study_types.distinct(rng, study_type_count))
    return list(dict.fromkeys(topics))


def _tags(rng: Random, specialty: str, most: int) -> list[str]:
    tags = list(tables.RESEARCH_TAGS[specialty])
    rng.shuffle(tags)
    return tags[: rng.randint(0, most)]


def _pick_by_share(rng: Random, shares: Mapping[str, float]) -> list[str]:
    return [code for code, share in shares.items() if rng.random() < share]


def _in_code_order(chosen: Collection[str], order: tuple[str, ...]) -> list[str]:
    return [code for code in order if code in chosen]


# --- Mentees ---------------------------------------------------------------------------------


def _exams(rng: Random) -> dict[str, Any]:
    step1 = _STEP1.draw(rng)
    passed_step1 = step1 in ("passed", "failed-then-passed")
    if passed_step1:
        step2ck = _STEP2CK_AFTER_STEP1.draw(rng)
    elif step1 == "failed":
        step2ck = "not-taken"
    else:
        step2ck = _STEP2CK_BEFORE_STEP1.draw(rng)
    score = None
    if step2ck == "score":
        low, high = codes.USMLE_STEP2CK_SCORE_RANGE
        score = max(low, min(high, round(rng.gauss(tables.STEP2CK_MEAN, tables.STEP2CK_SD))))
    oet_share = 0.8 if step2ck == "score" else 0.35 if passed_step1 else 0.05
    oet = "passed" if rng.random() < oet_share else "not-taken"
    if passed_step1 and step2ck == "score" and oet == "passed":
        ecfmg = "certified"
    elif step1 != "not-taken" or step2ck != "not-taken" or oet == "passed":
        ecfmg = "in-progress"
    else:
        ecfmg = "in-progress" if rng.random() < 0.35 else "not-started"
    step3 = "passed" if ecfmg == "certified" and rng.random() < 0.3 else "not-taken"
    return {
        "usmle_step1": step1,
        "usmle_step2ck": step2ck,
        "usmle_step2ck_score": score,
        "usmle_step3": step3,
        "oet": oet,
        "ecfmg_status": ecfmg,
    }


def _usce(rng: Random, abroad: bool) -> list[dict]:
    count = (_USCE_COUNT_ABROAD if abroad else _USCE_COUNT_IN_US).draw(rng)
    entries = []
    for kind in _USCE_TYPES.distinct(rng, count):
        low, high = tables.USCE_MONTHS[kind]
        entries.append({"type": kind, "months": rng.randint(low, high)})
    return entries


def _preferred_regions(rng: Random) -> list[str]:
    regions = _PREFERRED_STATES.distinct(rng, _REGION_COUNT.draw(rng))
    if rng.random() < 0.2:  # some think in divisions ("anywhere in the Midwest")
        regions[-1] = _PREFERRED_DIVISIONS.draw(rng)
    return list(dict.fromkeys(regions))


def _support_sought(rng: Random, profile: dict[str, Any]) -> list[str]:
    goals = profile["goals"]
    shares: dict[str, float] = {"networking": 0.5, "specialty-choice": 0.15}
    if "residency-match" in goals:
        shares |= {
            "application-review": 0.6, "personal-statement": 0.5,
            "letters-of-recommendation": 0.6, "interview-prep": 0.4, "programme-selection": 0.45,
        }  # fmt: skip
    if "research-position" in goals or "pre-residency-fellowship" in goals:
        shares |= {"research-guidance": 0.7, "publication-writing": 0.5}
    shares["usce-access"] = 0.25 if profile["usce"] else 0.7
    if profile["visa_needed"] in ("j1", "h1b", "undecided"):
        shares["visa-guidance"] = 0.45
    if profile["usmle_step1"] in ("not-taken", "failed") or profile["usmle_step2ck"] != "score":
        shares["exam-preparation"] = 0.5
    shares["licensure-guidance"] = 0.8 if "licensure" in goals else 0.05
    shares["cultural-orientation"] = 0.3 if profile["immigration_status"] == "outside-us" else 0.1
    shares["alternative-careers"] = 0.9 if "alternative-career" in goals else 0.03
    sought = _pick_by_share(rng, shares) or ["networking"]
    return _in_code_order(sought, codes.SUPPORT_CODES)


def mentee(seed: int, number: int, year: int | None = None) -> GeneratedPerson:
    """Mentee ``number`` (1, 2, ...) of the cohort for ``seed``; ``year`` is 'now'."""
    year = year or dt.date.today().year
    rng = _stream("mentee", seed, number)
    country = _HOME_COUNTRIES.draw(rng)
    first, last = _person_name(rng, country)
    specialty = _MENTEE_SPECIALTIES.draw(rng)
    second = None
    if rng.random() < tables.MENTEE_SECOND_CHOICE_SHARE:
        second = _MENTEE_SPECIALTIES.distinct(rng, 1, exclude={specialty})[0]
    graduated = year - _YEARS_SINCE_GRADUATION.draw(rng)
    degree = "other" if rng.random() < 0.01 else tables.DEGREE_BY_COUNTRY.get(country, "md")
    school = rng.choice(tables.MEDICAL_SCHOOLS[country])
    immigration = "us-citizen" if country == "US" else _IMMIGRATION.draw(rng)
    citizen_like = immigration in ("us-citizen", "permanent-resident")
    anywhere = rng.random() < tables.REGIONS_ANYWHERE_SHARE
    experience = _RESEARCH_EXPERIENCE.draw(rng)
    low, high = tables.PUBLICATIONS[experience]
    publications = low + int((high - low + 1) * rng.random() ** 2)
    research_specialties = [specialty] + ([second] if second and rng.random() < 0.3 else [])
    goals = _pick_by_share(rng, tables.MENTEE_GOAL_SHARES) or ["residency-match"]
    profile: dict[str, Any] = {
        "home_country": country,
        "medical_school": school,
        "graduation_year": graduated,
        "degree": degree,
        "specialty": specialty,
        "specialty_second": second,
        "target_match_year": None,  # a profile field since programmes; the cohort leaves it open
        "preferred_regions": [] if anywhere else _preferred_regions(rng),
        "regions_anywhere": anywhere,
        "research_interests": _research(
            rng, research_specialties, _MENTEE_STUDY_TYPES, _STUDY_TYPE_COUNT.draw(rng)
        ),
        "research_tags": _tags(rng, specialty, 2),
        "goals": _in_code_order(goals, codes.GOALS),
        **_exams(rng),
        "immigration_status": immigration,
        "visa_needed": "none" if citizen_like else _VISA_NEEDED.draw(rng),
        "usce": _usce(rng, abroad=immigration == "outside-us"),
        "research_experience": experience,
        "publications": publications,
        "first_author_publications": int(publications * rng.random() * 0.7),
        "languages": _languages(rng, country),
        "prefers_img_mentor": rng.random() < tables.PREFERS_IMG_MENTOR_SHARE,
        "hours_per_month": _HOURS.draw(rng),
    }
    profile["support_sought"] = _support_sought(rng, profile)
    profile["about"] = (
        f"{codes.label(degree)} graduate of {school} ({graduated}), "
        f"working toward {codes.label(specialty).lower()}."
    )
    return GeneratedPerson(
        email=_email(first, last, seed, number, MENTEE_EMAIL_DOMAIN),
        full_name=f"{first} {last}",
        profile=profile,
    )


# --- Mentors ---------------------------------------------------------------------------------


def _workplace(rng: Random, state: str, programme: str) -> tuple[str, str, str]:
    """(institution, city, programme type) in ``state``."""
    academic, towns = tables.STATE_SITES[state]
    if programme == "research-institute":
        if state not in tables.RESEARCH_INSTITUTES:
            programme = "academic"
        else:
            institution, city = rng.choice(tables.RESEARCH_INSTITUTES[state]).split("|")
            return institution, city, programme
    if programme == "academic":
        institution, city = rng.choice(academic).split("|")
        return institution, city, programme
    city = rng.choice(towns)
    return f"{city} {rng.choice(_HOSPITAL_SUFFIXES)}", city, programme


def _support_offered(rng: Random, position: str, is_img: bool) -> list[str]:
    shares = dict(tables.MENTOR_SUPPORT_SHARES[position])
    if is_img:
        for code, share in tables.IMG_MENTOR_SUPPORT_SHARES.items():
            shares[code] = max(share, shares.get(code, 0.0))
    offered = _pick_by_share(rng, shares)
    for code in sorted(shares, key=shares.__getitem__, reverse=True):
        if len(offered) >= 2:
            break
        if code not in offered:
            offered.append(code)
    return _in_code_order(offered, codes.SUPPORT_CODES)


def mentor(seed: int, number: int) -> GeneratedPerson:
    """Mentor ``number`` (1, 2, ...) of the cohort for ``seed``."""
    rng = _stream("mentor", seed, number)
    is_img = rng.random() < tables.MENTOR_IS_IMG_SHARE
    country = _MENTOR_HOME_COUNTRIES.draw(rng) if is_img else "US"
    first, last = _person_name(rng, country)
    position = _POSITIONS.draw(rng)
    specialty = _MENTOR_SPECIALTIES.draw(rng)
    subspecialty = None
    if specialty in _SUBSPECIALTIES:
        share, choices = _SUBSPECIALTIES[specialty]
        if rng.random() < share:
            subspecialty = choices.draw(rng)
    state = _MENTOR_STATES.draw(rng)
    institution, city, programme = _workplace(rng, state, _PROGRAMME_TYPES[position].draw(rng))
    capacity_draw = _RESIDENT_CAPACITY if position == "resident-fellow" else _CAPACITY
    focus = subspecialty or specialty
    study_types = _STUDY_TYPE_COUNT.draw(rng) + (position == "research-faculty")
    languages = _languages(rng, country if is_img else None)
    if not is_img and rng.random() < 0.12:
        languages.append("es")
    profile: dict[str, Any] = {
        "position": position,
        "specialty": specialty,
        "subspecialty": subspecialty,
        "institution": institution,
        "city": city,
        "state": state,
        "programme_type": programme,
        "research_interests": _research(
            rng,
            [specialty] + ([subspecialty] if subspecialty else []),
            _MENTOR_STUDY_TYPES,
            study_types,
        ),  # fmt: skip
        "research_tags": _tags(rng, focus, 3),
        "support_offered": _support_offered(rng, position, is_img),
        "is_img": is_img,
        "visa_sponsorship": _VISA_SPONSORSHIP[programme].draw(rng),
        "languages": languages,
        "capacity": capacity_draw.draw(rng),
        "about": (
            f"{_POSITION_WORDS[position]} in {codes.label(focus).lower()} at {institution}"
            + (" who trained abroad." if is_img else ".")
        ),
    }
    return GeneratedPerson(
        email=_email(first, last, seed, number, MENTOR_EMAIL_DOMAIN),
        full_name=f"{first} {last}",
        profile=profile,
    )
