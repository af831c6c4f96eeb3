"""explain_unmatched gives a reason per unmatched mentee, and Hall violators are real."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings

from mentormatch.matching import MatchingProblem, explain_unmatched, solve
from mentormatch.matching.explain import (
    LOWERS_TOTAL_SCORE,
    MENTORS_FULL,
    NO_ALLOWED_MENTOR,
    NO_SEATS,
    ONLY_NEGATIVE_SCORES,
)

from .conftest import problems


def allowed_of(problem):
    s = np.asarray(problem.scores)
    allowed = np.ones(s.shape, bool) if problem.allowed is None else problem.allowed.copy()
    if problem.min_score is not None:
        allowed &= s >= problem.min_score
    return allowed & (problem.residual_capacity > 0)[None, :]


@settings(max_examples=150, deadline=None)
@given(problems(max_mentees=12, max_mentors=5))
def test_every_unmatched_mentee_gets_a_sound_reason(problem):
    result = solve(problem)
    reasons = explain_unmatched(problem, result)
    assert [r.mentee for r in reasons] == list(np.flatnonzero(result.mentor_of < 0))
    allowed = allowed_of(problem)
    for r in reasons:
        if r.code == MENTORS_FULL:
            group, mentors = r.mentees, r.mentors
            assert r.mentee in group
            # Hall violator: the group may only use these mentors, and outnumbers their seats
            assert set(np.flatnonzero(allowed[group].any(axis=0))) <= set(mentors.tolist())
            assert len(group) > problem.residual_capacity[mentors].sum()
        elif r.code == NO_ALLOWED_MENTOR:
            assert not allowed[r.mentee].any()
        if problem.objective == "coverage":
            assert r.code in (MENTORS_FULL, NO_ALLOWED_MENTOR, NO_SEATS)


def test_reason_codes_on_hand_written_cases():
    scores = np.array(
        [
            [0.9, 0.8, 0.1],  # 0
            [0.9, 0.7, 0.1],  # 1
            [0.9, 0.6, 0.1],  # 2: three mentees, mentors 0 and 1 have two seats
            [0.5, 0.5, 0.5],  # 3: forbidden everywhere
            [0.5, 0.5, 0.5],  # 4: only mentor 2, which has no seat
        ]
    )
    allowed = np.array(
        [
            [1, 1, 0],
            [1, 1, 0],
            [1, 1, 0],
            [0, 0, 0],
            [0, 0, 1],
        ],
        bool,
    )
    problem = MatchingProblem(scores, [1, 1, 0], allowed=allowed)
    result = solve(problem)
    by_mentee = {r.mentee: r for r in explain_unmatched(problem, result)}
    assert by_mentee[3].code == NO_ALLOWED_MENTOR
    assert by_mentee[4].code == NO_SEATS
    (full,) = [r for r in by_mentee.values() if r.code == MENTORS_FULL]
    assert list(full.mentees) == [0, 1, 2]
    assert list(full.mentors) == [0, 1]
    assert "3 mentees compete for the 2 seats" in full.message


def test_score_objective_reasons():
    scores = np.array([[-0.1, -0.3], [0.9, 0.0], [0.8, 0.0]])
    allowed = np.array([[1, 1], [1, 0], [1, 1]], bool)
    problem = MatchingProblem(scores, [1, 2], allowed=allowed, objective="score")
    result = solve(problem)
    codes = {r.mentee: r.code for r in explain_unmatched(problem, result)}
    assert codes[0] == ONLY_NEGATIVE_SCORES
    assert result.mentor_of[1] == 0 and result.mentor_of[2] == 1
    scores = np.array([[1.0, 0.0], [0.9, -0.5]])
    problem = MatchingProblem(scores, [1, 1], objective="score")
    result = solve(problem)
    assert list(result.mentor_of) == [0, -1]
    assert explain_unmatched(problem, result)[0].code == LOWERS_TOTAL_SCORE


def test_many_unmatched_is_fast_enough():
    rng = np.random.default_rng(0)
    scores = rng.random((3000, 200))
    problem = MatchingProblem(scores, np.ones(200, int))
    result = solve(problem)
    reasons = explain_unmatched(problem, result)
    assert len(reasons) == 2800
    assert all(r.code == MENTORS_FULL for r in reasons)
