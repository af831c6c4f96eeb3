"""The programmes themselves: validated settings, creation, changes, archiving, lookup.

Programmes are archived, never deleted: their rounds, mentorships and audit entries stay.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from mentormatch import codes
from mentormatch.extensions import db
from mentormatch.models import MeetingCadence, Programme, ProgrammeKind, SignupMode
from mentormatch.models.programmes import SLUG_MAX
from mentormatch.models.times import utcnow
from mentormatch.services import audit
from mentormatch.services.errors import NotFound, ValidationError
from mentormatch.services.rounds.settings import DEFAULT_OBJECTIVE, parse_settings

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
NAME_MAX = 200
DESCRIPTION_MAX = 5000
MATCH_YEARS = range(2000, 2101)

KIND_LABELS = {
    ProgrammeKind.RESIDENCY: "Residency application",
    ProgrammeKind.RESEARCH: "Research",
    ProgrammeKind.FELLOWSHIP: "Fellowship",
    ProgrammeKind.LICENSURE: "Licensure",
    ProgrammeKind.GENERAL: "General",
}
SIGNUP_LABELS = {
    SignupMode.OPEN: "Open: anyone eligible joins at once",
    SignupMode.APPROVAL: "Open with approval: a coordinator approves each application",
    SignupMode.INVITATION: "Invitation only: with the programme's invitation link",
}
CADENCE_LABELS = {
    MeetingCadence.WEEKLY: "Weekly",
    MeetingCadence.FORTNIGHTLY: "Every two weeks",
    MeetingCadence.MONTHLY: "Monthly",
}


@dataclass(frozen=True)
class Eligibility:
    """Who may join a programme as a mentee (empty: anyone)."""

    specialties: tuple[str, ...] = ()
    match_years: tuple[int, ...] = ()

    @classmethod
    def of(cls, programme: Programme) -> Eligibility:
        data = programme.eligibility or {}
        return cls(tuple(data.get("specialties") or ()), tuple(data.get("match_years") or ()))

    def as_json(self) -> dict[str, list]:
        return {"specialties": list(self.specialties), "match_years": list(self.match_years)}

    def describe(self) -> list[str]:
        """In words, for the programme's public page."""
        lines = []
        if self.specialties:
            names = ", ".join(codes.label(code) for code in self.specialties)
            lines.append(f"Mentees aiming for {names}.")
        if self.match_years:
            years = ", ".join(str(year) for year in self.match_years)
            lines.append(f"Mentees applying to the Match in {years}.")
        return lines


def _text(raw: Mapping[str, Any], key: str) -> str:
    return " ".join(str(raw.get(key) or "").split())


def _int(raw, key: str, low: int, high: int, problems: list, default: int) -> int:
    text = str(raw.get(key) if raw.get(key) is not None else "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        problems.append((key, f"'{text}' is not a whole number."))
        return default
    if not low <= value <= high:
        problems.append((key, f"Must be between {low} and {high}; got {value}."))
    return value


def _date(raw, key: str, problems: list) -> date | None:
    value = raw.get(key)
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        problems.append((key, f"'{value}' is not a date (YYYY-MM-DD)."))
        return None


def _choice(raw, key: str, enum, problems: list, default):
    value = str(raw.get(key) or default.value).strip().lower()
    if value not in {item.value for item in enum}:
        choices = ", ".join(item.value for item in enum)
        problems.append((key, f"'{value}' is not one of: {choices}."))
        return default.value
    return value


def _list(raw, key: str) -> list[str]:
    value = raw.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        value = value.replace(";", ",").split(",")
    return [str(item).strip() for item in value if str(item).strip()]


def _eligibility(raw, problems: list) -> Eligibility:
    specialties = []
    for code in _list(raw, "eligible_specialties"):
        code = code.lower()
        if code not in codes.SPECIALTY_CODES:
            problems.append(("eligible_specialties", f"'{code}' is not a specialty code."))
        elif code not in specialties:
            specialties.append(code)
    years = []
    for text in _list(raw, "eligible_match_years"):
        if not text.isdecimal() or int(text) not in MATCH_YEARS:
            problems.append(("eligible_match_years", f"'{text}' is not a year (2000-2100)."))
        elif int(text) not in years:
            years.append(int(text))
    return Eligibility(tuple(specialties), tuple(sorted(years)))


def _round_defaults(raw, problems: list) -> dict[str, Any]:
    keys = [key for key in raw if key.startswith("weight_")] + ["objective", "min_score"]
    given = {key: raw[key] for key in keys if raw.get(key) not in (None, "")}
    try:
        settings = parse_settings({"name": "defaults", **given})
    except ValidationError as exc:
        problems.extend(exc.errors)
        return {}
    return {
        "weights": settings.weights,
        "objective": settings.objective or DEFAULT_OBJECTIVE,
        "min_score": settings.min_score,
    }


def parse(raw: Mapping[str, Any], current: Programme | None = None) -> dict[str, Any]:
    """A programme's columns from a form or the command line; every problem named, by field."""
    problems: list[tuple[str, str]] = []
    values: dict[str, Any] = {}
    if current is None or "slug" in raw:
        slug = str(raw.get("slug") or "").strip().lower()
        if not slug:
            problems.append(("slug", "Give the programme a short web name, e.g. 'research-2027'."))
        elif len(slug) > SLUG_MAX or not SLUG_PATTERN.match(slug):
            problems.append(("slug", f"Use lower-case letters, digits and dashes (at most "
                                     f"{SLUG_MAX}), starting and ending with a letter or digit; "
                                     f"got '{slug}'."))  # fmt: skip
        elif db.session.scalar(
            select(Programme.id).where(
                Programme.slug == slug, Programme.id != (current.id if current else -1)
            )
        ):
            problems.append(("slug", f"Another programme already uses '{slug}'."))
        values["slug"] = slug
    name = _text(raw, "name")
    if not name:
        problems.append(("name", "Give the programme a name."))
    elif len(name) > NAME_MAX:
        problems.append(("name", f"Use at most {NAME_MAX} characters."))
    description = str(raw.get("description") or "").strip()
    if len(description) > DESCRIPTION_MAX:
        problems.append(("description", f"Use at most {DESCRIPTION_MAX} characters."))
    starts_on, ends_on = _date(raw, "starts_on", problems), _date(raw, "ends_on", problems)
    if starts_on and ends_on and ends_on < starts_on:
        problems.append(("ends_on", "The end date comes before the start date."))
    values.update(
        name=name,
        description=description,
        kind=_choice(raw, "kind", ProgrammeKind, problems, ProgrammeKind.GENERAL),
        starts_on=starts_on,
        ends_on=ends_on,
        signup_mode=_choice(raw, "signup_mode", SignupMode, problems, SignupMode.OPEN),
        eligibility=_eligibility(raw, problems).as_json(),
        mentorship_months=_int(raw, "mentorship_months", 1, 60, problems, 12),
        meeting_cadence=_choice(
            raw, "meeting_cadence", MeetingCadence, problems, MeetingCadence.MONTHLY
        ),
        # a new programme's answer window starts from the service-wide default
        answer_days=_int(
            raw, "answer_days", 1, 60, problems, int(current_app.config["PROPOSAL_DAYS"])
        ),
        round_defaults=_round_defaults(raw, problems),
    )
    if problems:
        raise ValidationError(problems)
    return values


def create(raw: Mapping[str, Any], actor_id: int | None) -> Programme:
    programme = Programme(**parse(raw), invitation_key=secrets.token_urlsafe(24))
    db.session.add(programme)
    try:
        db.session.flush()
    except IntegrityError as exc:  # the same slug created at this very moment
        db.session.rollback()
        raise ValidationError.single("slug", "Another programme already uses this name.") from exc
    audit.record(actor_id, audit.PROGRAMME_CREATED, ("programme", programme.id),
                 programme_id=programme.id, slug=programme.slug)  # fmt: skip
    db.session.commit()
    return programme


def update(programme_id: int, raw: Mapping[str, Any], actor_id: int | None) -> Programme:
    programme = get(programme_id)
    for key, value in parse(raw, current=programme).items():
        setattr(programme, key, value)
    audit.record(actor_id, audit.PROGRAMME_CHANGED, ("programme", programme.id),
                 programme_id=programme.id)  # fmt: skip
    db.session.commit()
    return programme


def archive(programme_id: int, actor_id: int | None) -> Programme:
    """Close a programme to sign-ups and new rounds; nothing in it is deleted."""
    programme = get(programme_id)
    if programme.archived_at is None:
        programme.archived_at = utcnow()
        audit.record(actor_id, audit.PROGRAMME_ARCHIVED, ("programme", programme.id),
                     programme_id=programme.id)  # fmt: skip
        db.session.commit()
    return programme


def new_invitation_key(programme_id: int, actor_id: int | None) -> Programme:
    """A new invitation link; the old one stops working."""
    programme = get(programme_id)
    programme.invitation_key = secrets.token_urlsafe(24)
    audit.record(actor_id, audit.PROGRAMME_CHANGED, ("programme", programme.id),
                 programme_id=programme.id, invitation="renewed")  # fmt: skip
    db.session.commit()
    return programme


def get(programme_id: int) -> Programme:
    programme = db.session.get(Programme, programme_id)
    if programme is None:
        raise NotFound(f"There is no programme #{programme_id}.")
    return programme


def listed(include_archived: bool = False, ids: frozenset[int] | None = None) -> list[Programme]:
    query = select(Programme).order_by(Programme.archived_at.is_not(None), Programme.name)
    if not include_archived:
        query = query.where(Programme.archived_at.is_(None))
    if ids is not None:
        query = query.where(Programme.id.in_(ids))
    return list(db.session.scalars(query))


def open_for_signup() -> list[Programme]:
    """Programmes anyone may find and join (or apply to): live, not invitation only, not
    over."""
    today = date.today()
    return [
        p
        for p in listed()
        if p.signup_mode != SignupMode.INVITATION and (p.ends_on is None or p.ends_on >= today)
    ]


def _choices(programmes: list[Programme]) -> str:
    return (
        ", ".join(p.slug for p in programmes)
        or "none yet (create one with 'mentormatch programme create')"
    )


def by_slug(slug: str, allow_archived: bool = False) -> Programme:
    """The programme called ``slug``; the error names the programmes there are."""
    programme = db.session.scalar(select(Programme).where(Programme.slug == slug.strip().lower()))
    if programme is None or (programme.archived and not allow_archived):
        what = "is archived" if programme is not None else "does not exist"
        raise NotFound(f"Programme '{slug}' {what}. Programmes: {_choices(listed())}.")
    return programme


def resolve(slug: str | None, allowed: frozenset[int] | None = None) -> Programme:
    """The programme ``slug`` names, or, when none is given, the only live one (among
    ``allowed`` when given). With several, the error asks for one and names the choices."""
    if slug:
        programme = by_slug(slug)
        if allowed is not None and programme.id not in allowed:
            raise NotFound(f"Programme '{slug}' is not one of yours.")
        return programme
    live = listed(ids=allowed)
    if len(live) == 1:
        return live[0]
    if not live:
        raise NotFound(
            "There is no live programme: create one with 'mentormatch programme create'."
        )
    raise ValidationError.single(
        "programme",
        f"There are {len(live)} programmes; choose one with --programme SLUG: {_choices(live)}.",
    )
