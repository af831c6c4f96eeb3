"""Pair health as a pure function of (now, facts): each state, its boundaries, and the words
a coordinator reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentormatch.services.mentorships.health import Facts, HealthState, assess

T0 = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


def day(n: float) -> datetime:
    return T0 + timedelta(days=n)


def facts(**changes) -> Facts:
    return Facts(**{"accepted_at": T0, "cadence": "monthly", **changes})


def test_a_new_pair_is_on_track_until_its_first_period_passes():
    weekly = facts(cadence="weekly")
    assert assess(day(6.9), weekly).state == HealthState.ON_TRACK
    due = assess(day(7), weekly)
    assert due.state == HealthState.MEETING_DUE
    assert due.reason == (
        "They agreed to meet weekly; 7 days since the mentor accepted and nothing is booked."
    )
    # a monthly pair's first period is longer than three weeks: never met comes first
    assert assess(day(20.9), facts()).state == HealthState.ON_TRACK


def test_never_met_three_weeks_after_acceptance_even_with_a_meeting_booked():
    assert assess(day(20.9), facts(cadence="weekly")).state == HealthState.MEETING_DUE
    never = assess(day(21), facts(next_meeting_at=day(25)))
    assert never.state == HealthState.NEVER_MET
    assert (
        never.reason == "No meeting held in the 21 days since the mentor accepted (one is booked)."
    )
    assert never.since == T0


@pytest.mark.parametrize(
    ("cadence", "period"), [("weekly", 7), ("fortnightly", 14), ("monthly", 30)]
)
def test_due_after_one_period_overdue_after_two(cadence, period):
    held = facts(cadence=cadence, last_held_at=day(40))
    assert assess(day(40 + period - 0.01), held).state == HealthState.ON_TRACK
    assert assess(day(40 + period), held).state == HealthState.MEETING_DUE
    overdue = assess(day(40 + 2 * period), held)
    assert overdue.state == HealthState.OVERDUE
    assert f"{2 * period} days since their last meeting" in overdue.reason
    assert overdue.since == day(40 + 2 * period)


def test_a_booked_meeting_keeps_a_due_pair_on_track_but_not_an_overdue_one():
    held = facts(last_held_at=day(0), next_meeting_at=day(50))
    assert assess(day(45), held).state == HealthState.ON_TRACK
    assert "next one is booked" in assess(day(45), held).reason
    late = assess(day(61), held)
    assert late.state == HealthState.OVERDUE and late.reason.endswith("A meeting is booked.")


def test_a_poor_fit_or_a_problem_puts_the_pair_at_risk_whatever_the_meetings_say():
    risky = assess(day(5), facts(last_held_at=day(3), poor_fit_at=day(4)))
    assert risky.state == HealthState.AT_RISK and risky.meetings == HealthState.ON_TRACK
    assert risky.reason.startswith("A check-in answer says the fit is poor.")
    both = assess(day(70), facts(last_held_at=day(3), poor_fit_at=day(4), problem_at=day(2)))
    assert both.meetings == HealthState.OVERDUE
    assert both.reason.startswith(
        "A check-in answer says the fit is poor and one of the two reported a problem."
    )
    assert both.since == day(2)


@settings(max_examples=60, deadline=None)
@given(
    cadence=st.sampled_from(["weekly", "fortnightly", "monthly"]),
    held=st.one_of(st.none(), st.floats(0, 200)),
    booked=st.booleans(),
    later=st.floats(0, 300),
)
def test_time_only_makes_a_pair_worse_while_nothing_happens(cadence, held, booked, later):
    """With the facts unchanged, a later moment never gives a better state."""
    f = facts(
        cadence=cadence,
        last_held_at=day(held) if held is not None else None,
        next_meeting_at=day(10_000) if booked else None,
    )
    start = max(held or 0, 0)
    first, second = assess(day(start), f), assess(day(start + later), f)
    assert second.rank <= first.rank
