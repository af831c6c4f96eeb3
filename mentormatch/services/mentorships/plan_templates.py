"""The pathway-plan templates: for each goal, the milestones and when each falls relative to
the mentee's target Match year Y. Data, not code: a programme's coordinators replace any goal's
template with their own lines (stored in ``Programme.plan_templates``); the rest stay built in.

A line is ``<when> | <title>``; <when> is ``Match Day`` or ``Y``, ``Y-1`` or ``Y+1`` followed
by a month and a day: ``Y-1 Sep 15 | Residency application (ERAS) submitted``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from mentormatch.extensions import db
from mentormatch.models import Programme
from mentormatch.services import audit
from mentormatch.services.errors import NotFound, ValidationError
from mentormatch.services.mentorships.calendar import match_day

MATCH_DAY = "Match Day"
TITLE_MAX = 200
LINES_MAX = 40
YEAR_OFFSETS = range(-3, 2)
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

# The plan's goals, in the order a mentee picks them; a profile goal maps onto one.
GOALS = {
    "residency-match": "Residency match",
    "research-position": "Research position",
    "fellowship": "Fellowship",
    "licensure": "Licensure",
    "alternative-career": "Alternative career",
}
PROFILE_GOALS = {
    "residency-match": "residency-match",
    "research-position": "research-position",
    "pre-residency-fellowship": "fellowship",
    "clinical-fellowship": "fellowship",
    "licensure": "licensure",
    "alternative-career": "alternative-career",
}

BUILT_IN: dict[str, tuple[tuple[str, str], ...]] = {
    "residency-match": (
        ("Y-2 Dec 1", "USMLE Step 1 passed"),
        ("Y-1 Mar 1", "OET Medicine passed (for ECFMG certification)"),
        ("Y-1 May 31", "US clinical experience: 3 months (observership or hands-on elective)"),
        ("Y-1 Jun 1", "USMLE Step 2 CK score reported"),
        ("Y-1 Aug 15", "Research project submitted for publication"),
        ("Y-1 Aug 31", "Personal statement final"),
        ("Y-1 Sep 1", "3 US letters of recommendation uploaded"),
        ("Y-1 Sep 15", "Residency application (ERAS) submitted"),
        ("Y-1 Dec 31", "ECFMG certification"),
        ("Y Jan 31", "Interviews done"),
        ("Y Mar 1", "Rank list certified"),
        (MATCH_DAY, "Match Day"),
        ("Y May 15", "Visa: J-1 through ECFMG or H-1B"),
    ),
    "research-position": (
        ("Y-1 Jul 1", "CV and research statement ready"),
        ("Y-1 Sep 1", "2 US letters of recommendation"),
        ("Y-1 Oct 1", "Applications to research positions sent"),
        ("Y-1 Dec 31", "Research project submitted for publication"),
        ("Y Jan 31", "Interviews done"),
        ("Y Mar 15", "Visa: J-1 research scholar or H-1B"),
        ("Y May 1", "Research position starts"),
    ),
    "fellowship": (
        ("Y-2 Dec 1", "USMLE Step 1 passed"),
        ("Y-1 Mar 1", "USMLE Step 2 CK score reported"),
        ("Y-1 Apr 30", "ECFMG certification"),
        ("Y-1 Jun 15", "Personal statement final"),
        ("Y-1 Jul 1", "3 US letters of recommendation uploaded"),
        ("Y-1 Jul 15", "Fellowship application submitted"),
        ("Y-1 Oct 31", "Interviews done"),
        ("Y-1 Nov 15", "Rank list certified"),
        ("Y-1 Dec 1", "Fellowship Match results"),
        ("Y May 15", "Visa: J-1 through ECFMG or H-1B"),
    ),
    "licensure": (
        ("Y-2 Dec 1", "USMLE Step 1 passed"),
        ("Y-1 Mar 1", "OET Medicine passed (for ECFMG certification)"),
        ("Y-1 Jun 1", "USMLE Step 2 CK passed"),
        ("Y-1 Sep 30", "ECFMG certification"),
        ("Y-1 Dec 31", "USMLE Step 3 passed"),
        ("Y Mar 1", "State licence application submitted"),
        ("Y Jun 30", "Licence granted"),
    ),
    "alternative-career": (
        ("Y-1 Jul 1", "Path chosen: public health, research, industry or informatics"),
        ("Y-1 Oct 1", "5 informational interviews in the chosen field"),
        ("Y-1 Dec 1", "CV rewritten for the new field"),
        ("Y Jan 31", "Course or certificate started (e.g. MPH, clinical research)"),
        ("Y Mar 31", "Applications sent"),
        ("Y Jul 1", "New role starts"),
    ),
}

_WHEN = re.compile(r"^Y([+-]\d)?\s+([A-Za-z]{3})[A-Za-z]*\.?\s+(\d{1,2})$")


@dataclass(frozen=True)
class Milestone:
    when: str
    title: str

    def due_on(self, match_year: int) -> date:
        return resolve(self.when, match_year)


def resolve(when: str, match_year: int) -> date:
    """The date of ``when`` for Match year ``match_year`` (``when`` already validated)."""
    if when.strip().lower() == MATCH_DAY.lower():
        return match_day(match_year)
    found = _WHEN.match(when.strip())
    assert found is not None, when
    offset, month, day = found.groups()
    return date(match_year + int(offset or 0), MONTHS.index(month.lower()) + 1, int(day))


def _when_problem(when: str) -> str | None:
    if when.strip().lower() == MATCH_DAY.lower():
        return None
    found = _WHEN.match(when.strip())
    if found is None:
        return f"'{when}' is not a date: write 'Y-1 Sep 15', 'Y Mar 1' or 'Match Day'."
    offset, month, day = found.groups()
    if int(offset or 0) not in YEAR_OFFSETS:
        return f"'{when}': the year must be Y-3 to Y+1."
    if month.lower() not in MONTHS:
        return f"'{when}': '{month}' is not a month (Jan, Feb, ... Dec)."
    try:
        date(2001, MONTHS.index(month.lower()) + 1, int(day))  # 2001: no 29 February
    except ValueError:
        return f"'{when}': {month} has no day {day}."
    return None


def parse_lines(text: str, field: str) -> list[Milestone]:
    """Milestones from a coordinator's lines; ValidationError naming each bad line."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    problems: list[tuple[str, str]] = []
    if len(lines) > LINES_MAX:
        problems.append((field, f"At most {LINES_MAX} goals; there are {len(lines)}."))
    found: list[Milestone] = []
    for number, line in enumerate(lines, start=1):
        when, bar, title = line.partition("|")
        title = title.strip()
        if not bar or not title:
            problems.append(
                (field, f"Line {number}: write '<when> | <title>', e.g. 'Y Mar 1 | Rank list'.")
            )
            continue
        problem = _when_problem(when)
        if problem:
            problems.append((field, f"Line {number}: {problem}"))
        elif len(title) > TITLE_MAX:
            problems.append((field, f"Line {number}: the title is over {TITLE_MAX} characters."))
        else:
            found.append(Milestone(when.strip(), title))
    if problems:
        raise ValidationError(problems)
    return found


def as_lines(milestones: list[Milestone]) -> str:
    return "\n".join(f"{m.when} | {m.title}" for m in milestones)


def built_in(goal: str) -> list[Milestone]:
    return [Milestone(when, title) for when, title in BUILT_IN[goal]]


def for_programme(programme: Programme | None, goal: str) -> list[Milestone]:
    """The template of ``goal`` in this programme: its own lines, else the built-in ones."""
    own = (programme.plan_templates or {}).get(goal) if programme is not None else None
    if own:
        return [Milestone(when, title) for when, title in own]
    return built_in(goal)


def customised(programme: Programme) -> set[str]:
    return {goal for goal, lines in (programme.plan_templates or {}).items() if lines}


def save_for_programme(programme_id: int, texts: dict[str, str], actor_id: int | None) -> None:
    """Replace the programme's templates: each goal's text (empty: the built-in template);
    nothing is saved when any line is wrong."""
    programme = db.session.get(Programme, programme_id)
    if programme is None:
        raise NotFound(f"No programme {programme_id}.")
    problems: list[tuple[str, str]] = []
    stored: dict[str, list[list[str]]] = {}
    for goal in GOALS:
        text = texts.get(goal, "")
        try:
            milestones = parse_lines(text, goal)
        except ValidationError as error:
            problems.extend(error.errors)
            continue
        if milestones and milestones != built_in(goal):
            stored[goal] = [[m.when, m.title] for m in milestones]
    if problems:
        raise ValidationError(problems)
    programme.plan_templates = stored or None
    audit.record(
        actor_id,
        audit.PROGRAMME_CHANGED,
        ("programme", programme.id),
        programme_id=programme.id,
        plan_templates=sorted(stored),
    )
    db.session.commit()


def goal_for_profile(profile_goals: list[str] | None) -> str:
    """The template a mentee's plan starts from: the first of their goals that has one."""
    for goal in profile_goals or ():
        if goal in PROFILE_GOALS:
            return PROFILE_GOALS[goal]
    return "residency-match"
