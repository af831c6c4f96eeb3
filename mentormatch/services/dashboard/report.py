"""The dashboard of one programme, or rolled up across several: a list of sections, each
built by one function of ``SECTION_BUILDERS`` from the same ``Scope``.

A new part is a new builder appended to ``SECTION_BUILDERS``, returning a
``figures.Section``; pages, charts and the CSV show every section the same way. Figures
follow ``figures``: a group of fewer than five is suppressed.

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
  against those with fewer;
- pair health over time: at each of the last 12 month ends, the share of the mentorships
  running then in each health state, from ``health.assess`` on the facts of that moment
  (``health_history``);
- check-in scores: per kind (fit check, pulse, close-out survey), the share of check-ins asked
  that were answered and the mean answer (1 to 5); the mean answer by month answered.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from mentormatch import codes
from mentormatch.countries import WORLD_REGION_LABELS, world_region
from mentormatch.models import MATCHED_RESULTS, CheckInKind, Programme
from mentormatch.services.dashboard import cohort, health_history
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
from mentormatch.services.mentorships import checkins, health
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
        # the current month has only begun: say so rather than let it read as a drop
        label = month.strftime("%b %Y") + (" (so far)" if end > scope.today else "")
        rows.append(Row(label, Figure(group=running, value=value, unit="per pair")))
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
                counted="running mentorships",
            ),
        ],  # fmt: skip
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
    # the roll-up's headline gives the total: one hidden programme must not follow from it
    rows = suppress_complement(rows)
    return Section(
        key="programmes",
        title="Programmes compared",
        explanation=(
            "The match rate in each programme (a mentee of two programmes counts in each)."
        ),
        tables=[Table("by-programme", "Match rate by programme", "match rate", rows)],
    )


def health_over_time_section(scope: Scope, mentees: list[MenteeRow]) -> Section:
    rows, last_running = [], 0
    for month, counts in health_history.states_at_month_ends(scope):
        running = last_running = sum(counts.values())
        label = month.strftime("%b %Y")
        for state in reversed(health.HealthState):  # on track first, at risk last
            rows.append(Row(label, rate(counts[state], running), series=state.value))
    last_month = add_months(scope.today.replace(day=1), -1)
    return Section(
        key="health",
        title="Pair health over time",
        explanation=(
            "At the end of each of the last 12 months, the mentorships running then (accepted "
            "and not yet ended), by their health as the work queue would have shown it at "
            "that moment: on track; meeting due (one agreed period since the last meeting, "
            "nothing booked); overdue (two periods); never met (no meeting held 3 weeks after "
            "acceptance); at risk (a check-in scored 2 or lower, or a reported problem, with "
            "no coordinator's note since). A month end with fewer than 5 running mentorships "
            "is not shown."
        ),
        headlines=[
            Row(f"Mentorships running at the end of {last_month:%B %Y}", headcount(last_running)),
        ],  # fmt: skip
        tables=[
            Table(
                "states-by-month",
                "Mentorships by health at each month end",
                "share of running mentorships",
                rows,
                chart="stacked",
                series=tuple(
                    (state.value, health.STATE_LABELS[state])
                    for state in reversed(health.HealthState)
                ),
                counted="running mentorships",
            )
        ],
    )


def check_in_scores_section(scope: Scope, mentees: list[MenteeRow]) -> Section:
    asked = cohort.check_ins(scope)
    cutoff = cohort.day_end(scope.today)
    answered = [c for c in asked if c.answered_at is not None and c.answered_at < cutoff]
    rates, means = [], []
    for kind in CheckInKind:
        of_kind = [c for c in asked if c.kind == kind.value]
        scores = [c.score for c in answered if c.kind == kind.value]
        rates.append(Row(checkins.TITLES[kind],
                         rate(len(scores), len(of_kind))))  # fmt: skip
        means.append(Row(checkins.TITLES[kind], _mean(scores)))
    by_month = []
    for month in _months(scope.today):
        scores = [
            c.score
            for c in answered
            if (c.answered_at.year, c.answered_at.month) == (month.year, month.month)
        ]
        by_month.append(Row(month.strftime("%b %Y"), _mean(scores)))
    # the headlines give the totals: one hidden kind or month must not follow from them
    rates, means, by_month = map(suppress_complement, (rates, means, by_month))
    all_scores = [c.score for c in answered]
    return Section(
        key="check-ins",
        title="Check-in scores",
        explanation=(
            "Each side of a mentorship is asked a fit check after their first logged meeting, "
            "a pulse every 60 days, and a close-out survey once it ended, each a score from 1 "
            "(poor) to 5 (very good). Answer rates are of the check-ins asked; mean scores are "
            "of the answers. A figure about fewer than 5 check-ins or answers is not shown."
        ),
        headlines=[
            Row("Check-ins asked", headcount(len(asked))),
            Row("Answered", rate(len(answered), len(asked))),
            Row("Mean score (1 to 5)", _mean(all_scores)),
            Row(
                "Answers of 2 or lower (a poor fit)",
                rate(sum(score <= health.POOR_FIT for score in all_scores), len(all_scores)),
            ),
        ],  # fmt: skip
        tables=[
            Table(
                "answer-rates",
                "Check-ins answered, by kind",
                "answer rate",
                rates,
                counted="check-ins asked",
            ),
            Table(
                "mean-scores",
                "Mean score by kind (1 to 5)",
                "mean score",
                means,
                chart="scores",
                counted="answers",
            ),
            Table(
                "scores-by-month",
                "Mean score by month answered (1 to 5)",
                "mean score",
                by_month,
                chart="months",
                counted="answers",
            ),
        ],  # fmt: skip
    )


def _mean(scores: list[int]) -> Figure:
    return Figure(group=len(scores), value=statistics.fmean(scores) if scores else None,
                  unit="of 5")  # fmt: skip


SectionBuilder = Callable[[Scope, list[MenteeRow]], Section | None]
SECTION_BUILDERS: list[SectionBuilder] = [
    engagement_section,
    health_over_time_section,
    check_in_scores_section,
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
