"""explain_unmatched gives a reason per unmatched mentee, and Hall violators are real."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings

from mentormatch.matching import (
    MatchingProblem,
    blocking_details,
    blocking_pairs,
    explain_unmatched,
    mentor_options,
    solve,
)
from mentormatch.matching.explain import (
    LOWERS_TOTAL_SCORE,
    MENTORS_FULL,
    NO_ALLOWED_MENTOR,
    NO_SEATS,
    ONLY_NEGATIVE_SCORES,
    OPTION_BELOW_MIN,
    OPTION_FORBIDDEN,
    OPTION_FREE_SEAT,
    OPTION_FULL,
    OPTION_NO_SEATS,
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


@settings(max_examples=150, deadline=None)
@given(problems(max_mentees=10, max_mentors=6))
def test_each_unmatched_mentees_best_mentors_and_why_not(problem):
    """The k best mentors by score (ties: lower index), each with a true reason."""
    result = solve(problem)
    s = np.asarray(problem.scores)
    unmatched = result.unmatched
    k = 3
    options = mentor_options(problem, result.mentor_of, unmatched, k)
    holders = problem.free_mentees[result.mentor_of[problem.free_mentees] >= 0]
    for r, i in enumerate(unmatched.tolist()):
        expected = sorted(range(problem.n_mentors), key=lambda j: (-s[i, j], j))[:k]
        assert options.mentors[r].tolist() == expected
        for c, j in enumerate(expected):
            assert options.scores[r, c] == s[i, j]
            on_seats = holders[result.mentor_of[holders] == j]
            status = options.status[r, c]
            if not problem.is_allowed(i, j):
                assert status == OPTION_FORBIDDEN
            elif problem.min_score is not None and s[i, j] < problem.min_score:
                assert status == OPTION_BELOW_MIN
            elif problem.residual_capacity[j] <= 0:
                assert status == OPTION_NO_SEATS
            elif len(on_seats) < problem.residual_capacity[j]:
                assert status == OPTION_FREE_SEAT
                assert problem.objective == "score"  # coverage would have placed mentee i
            else:
                assert status == OPTION_FULL
            if len(on_seats):
                assert options.weakest_holder[r, c] == s[on_seats, j].min()
            else:
                assert np.isnan(options.weakest_holder[r, c])
            if status == OPTION_FULL:  # else swapping mentee i in would score more
                assert options.weakest_holder[r, c] >= s[i, j]
            assert options.seats[r, c] == problem.residual_capacity[j]
            assert options.locked_seats[r, c] == (problem.locked[:, 1] == j).sum()


def test_mentor_options_on_a_hand_written_case():
    scores = np.array([[0.9, 0.8, 0.1], [0.9, 0.7, 0.6], [0.9, 0.6, 0.1]])
    problem = MatchingProblem(scores, [1, 1, 1], forbidden=[(1, 2)], min_score=0.5)
    result = solve(problem)
    assert result.mentor_of[1] == -1  # mentors 0 and 1 go to mentees 0 and 2
    options = mentor_options(problem, result.mentor_of, np.array([1]), 5)
    assert options.mentors.tolist() == [[0, 1, 2]]  # k above the mentor count: all of them
    assert options.status.tolist() == [[OPTION_FULL, OPTION_FULL, OPTION_FORBIDDEN]]
    # mentee 2 holds mentor 0 (0.9), mentee 0 mentor 1 (0.8): each scores higher than mentee 1
    assert options.weakest_holder.tolist()[0][:2] == [0.9, 0.8]
    assert np.isnan(options.weakest_holder[0, 2])


@settings(max_examples=150, deadline=None)
@given(problems(max_mentees=10, max_mentors=5))
def test_blocking_details_name_each_sides_partner(problem):
    result = solve(problem)
    s = np.asarray(problem.scores)
    pairs = blocking_pairs(problem, result).pairs
    found = blocking_details(problem, result.mentor_of, pairs)
    free = problem.free_mentees
    for k, (i, j) in enumerate(pairs.tolist()):
        assert found.score[k] == s[i, j]
        partner = result.mentor_of[i]
        assert found.mentee_partner[k] == partner
        if partner >= 0:
            assert found.mentee_partner_score[k] == s[i, partner] < s[i, j]
        else:
            assert np.isnan(found.mentee_partner_score[k])
        on_seats = free[result.mentor_of[free] == j]
        dropped = found.mentor_partner[k]
        if len(on_seats) < problem.residual_capacity[j]:
            assert dropped == -1 and np.isnan(found.mentor_partner_score[k])
        else:
            weakest = min(on_seats.tolist(), key=lambda e: (s[e, j], -e))
            assert dropped == weakest
            assert found.mentor_partner_score[k] == s[weakest, j] < s[i, j]
