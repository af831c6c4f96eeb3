"""The dashboard of one programme, or rolled up across several: a list of sections, each
built by one function of ``SECTION_BUILDERS`` from the same ``Scope``.

A new part (pair health over time, check-in scores) is a new builder appended to
``SECTION_BUILDERS``, returning a ``figures.Section``; pages, charts and the CSV show every
section the same way. Figures follow ``figures``: a group of fewer than five is suppressed.

Definitions, in words on the page too:
- meetings per pair per month: logged meetings in the month / mentorships running in it
  (accepted by then, not ended before it began); the last 12 months;
- match rate: mentees whose latest recorded Match result is "matched" or "matched through SOAP"
  / mentees with a recorded result;
- matched in first-choice specialty: of those matched, the share whose matched specialty is
  the first choice on their profile;
- time from joining to match: months from joining the programme to Match Day of the result's
  year, for those matched (the median);
- engagement against outcome: the match rate of mentees with six or more logged meetings
  against those with fewer.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from mentormatch import codes
from mentormatch.countries import WORLD_REGION_LABELS, world_region
from mentormatch.models import MATCHED_RESULTS, Programme
from mentormatch.services.dashboard import cohort
from mentormatch.services.dashboard.cohort import MenteeRow, Scope
from mentormatch.services.dashboard.figures import (
    Figure,
    Row,
    Section,
    Table,
    headcount,
    rate,
    suppress_complement,
)
from mentormatch.services.mentorships.calendar import add_months, match_day
from mentormatch.services.programmes import catalogue

MONTHS_SHOWN = 12
ENGAGED_MEETINGS = 6  # "met six or more times"
NOT_STATED = "Not stated"


@dataclass(frozen=True)
class Dashboard:
    scope: Scope
    programmes: list[Programme]  # the programmes it covers
    sections: list[Section]

    @property
    def rolled_up(self) -> bool:
        return len(self.programmes) != 1


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _months(today: date) -> list[date]:
    first = add_months(_month_start(today), -(MONTHS_SHOWN - 1))
    return [add_months(first, k) for k in range(MONTHS_SHOWN)]


def engagement_section(scope: Scope, mentees: list[MenteeRow]) -> Section:
    spans, held = cohort.pairs(scope)
    rows = []
    pair_months = meetings = 0
    for month in _months(scope.today):
        end = add_months(month, 1)
        running = sum(
            1
            for span in spans
            if span.started < end and (span.ended is None or span.ended >= month)
        )
        count = held.get((month.year, month.month), 0)
        pair_months += running
        meetings += count
        value = count / running if running else None
        rows.append(
            Row(month.strftime("%b %Y"), Figure(group=running, value=value, unit="per pair"))
        )
    overall = Figure(
        group=len(spans), value=meetings / pair_months if pair_months else None,
        unit="meetings per pair per month",
    )  # fmt: skip
    return Section(
        key="engagement",
        title="Engagement",
        explanation=(
            "Meetings the pairs logged after they took place, per running mentorship, month "
            "by month over the last 12 months. A month with fewer than 5 running mentorships "
            "is not shown."
        ),
        headlines=[
            Row("Mentorships accepted", headcount(len(spans))),
            Row("Meetings per pair per month (12 months)", overall),
        ],
        tables=[
            Table(
                "meetings-per-pair",
                "Meetings per pair per month",
                "meetings per pair",
                rows,
                chart="months",
            ),
        ],  # fmt: skip
        missing=(
            "Pair health over time and check-in scores are not recorded yet, so they are not "
            "shown here."
        ),
    )


def _breakdown(
    key: str, title: str, mentees: Iterable[MenteeRow], group_of: Callable[[MenteeRow], str]
) -> Table:
    groups: dict[str, list[MenteeRow]] = defaultdict(list)
    for row in mentees:
        groups[group_of(row)].append(row)
    rows = [
        Row(name, rate(sum(m.match_result in MATCHED_RESULTS for m in members), len(members)))
        for name, members in sorted(groups.items(), key=lambda item: (item[0] == NOT_STATED,
                                                                      item[0]))
    ]  # fmt: skip
    return Table(key, title, "match rate", suppress_complement(rows))


def _label(code: str | None) -> str:
    return codes.label(code) if code else NOT_STATED


def _home_region(mentee: MenteeRow) -> str:
    if not mentee.home_country:
        return NOT_STATED
    region = world_region(mentee.home_country)
    return WORLD_REGION_LABELS.get(region, codes.label(region))


def _months_between(start: date, end: date) -> float:
    return (end - start).days / (365.25 / 12)


def outcomes_section(scope: Scope, mentees: list[MenteeRow]) -> Section:
    answered = [m for m in mentees if m.match_result is not None]
    matched = [m for m in answered if m.match_result in MATCHED_RESULTS]
    with_choice = [m for m in matched if m.specialty]
    first_choice = rate(sum(m.matched_specialty == m.specialty for m in with_choice),
                        len(with_choice))  # fmt: skip
    waits = [
        _months_between(m.joined_at.date(), match_day(m.match_year))
        for m in matched
        if match_day(m.match_year) >= m.joined_at.date()
    ]
    wait = Figure(group=len(waits), value=statistics.median(waits) if waits else None,
                  unit="months")  # fmt: skip
    tables = [
        _breakdown("by-cohort", "Match rate by cohort (the year they joined)", answered,
                   lambda m: f"Joined in {m.joined_at.year}"),
        _breakdown("by-home-region", "Match rate by home region", answered,
                   _home_region),
        _breakdown("by-visa-need", "Match rate by visa needed for training", answered,
                   lambda m: _label(m.visa_needed)),
        _breakdown("by-specialty", "Match rate by first-choice specialty", answered,
                   lambda m: _label(m.specialty)),
    ]  # fmt: skip
    return Section(
        key="outcomes",
        title="Outcomes",
        explanation=(
            "From the Match results mentees recorded (or coordinators recorded for them): the "
            "share of mentees with a result who matched, in the Main Residency Match or "
            "through SOAP. Groups of fewer than 5 mentees are not shown; when one group of a "
            "breakdown is hidden, the next smallest is hidden too, so that it cannot be "
            "worked out from the total."
            + (" Only results a coordinator verified are counted." if scope.only_verified else "")
        ),  # fmt: skip
        headlines=[
            Row("Mentees counted", headcount(len(mentees))),
            Row("Mentees with a Match result", headcount(len(answered))),
            Row("Match rate", rate(len(matched), len(answered))),
            Row("Matched in their first-choice specialty", first_choice),
            Row("Time from joining to the Match (median)", wait),
        ],
        tables=tables,
    )


def engagement_against_outcome_section(scope: Scope, mentees: list[MenteeRow]) -> Section:
    answered = [m for m in mentees if m.match_result is not None]
    rows = []
    for name, members in (
        (f"Met {ENGAGED_MEETINGS} or more times",
         [m for m in answered if m.meetings_held >= ENGAGED_MEETINGS]),
        (f"Met fewer than {ENGAGED_MEETINGS} times",
         [m for m in answered if m.meetings_held < ENGAGED_MEETINGS]),
    ):  # fmt: skip
        rows.append(Row(name, rate(sum(m.match_result in MATCHED_RESULTS for m in members),
                                   len(members))))  # fmt: skip
    return Section(
        key="engagement-outcome",
        title="Engagement against outcome",
        explanation=(
            "The match rate of mentees who logged six or more meetings with their mentors in "
            "this programme, against those who logged fewer."
        ),
        tables=[
            Table(
                "by-meetings",
                "Match rate by meetings held",
                "match rate",
                suppress_complement(rows),
            )
        ],  # fmt: skip
    )


def programmes_section(scope: Scope, mentees: list[MenteeRow]) -> Section | None:
    """A roll-up only: the match rate of each programme (a mentee in two counts in both)."""
    programmes = catalogue.listed(include_archived=True, ids=scope.programme_ids)
    if len(programmes) < 2:
        return None
    rows = []
    for programme in programmes:
        members = [m for m in mentees
                   if programme.id in m.programme_ids and m.match_result is not None]  # fmt: skip
        rows.append(Row(programme.name, rate(
            sum(m.match_result in MATCHED_RESULTS for m in members), len(members))))  # fmt: skip
    return Section(
        key="programmes",
        title="Programmes compared",
        explanation=(
            "The match rate in each programme (a mentee of two programmes counts in each)."
        ),
        tables=[Table("by-programme", "Match rate by programme", "match rate", rows)],
    )


SectionBuilder = Callable[[Scope, list[MenteeRow]], Section | None]
SECTION_BUILDERS: list[SectionBuilder] = [
    engagement_section,
    outcomes_section,
    engagement_against_outcome_section,
    programmes_section,
]


def dashboard(
    programme_ids: frozenset[int] | None, today: date, only_verified: bool = False
) -> Dashboard:
    """The dashboard of ``programme_ids`` (None: every programme), as of ``today``."""
    scope = Scope(programme_ids, today, only_verified)
    mentees = cohort.mentees(scope)
    sections = [section for build in SECTION_BUILDERS if (section := build(scope, mentees))]
    programmes = catalogue.listed(include_archived=True, ids=programme_ids)
    return Dashboard(scope, programmes, sections)
