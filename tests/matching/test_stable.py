"""Deferred acceptance leaves no blocking pair; blocking_pairs agrees with a brute force."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings

from mentormatch.matching import (
    MatchingProblem,
    blocking_pairs,
    check_feasible,
    solve,
    solve_stable,
)

from .conftest import problems


def brute_force_blocking(problem, mentor_of):
    s = np.asarray(problem.scores)
    n, m = s.shape
    allowed = np.ones((n, m), bool) if problem.allowed is None else problem.allowed.copy()
    if problem.min_score is not None:
        allowed &= s >= problem.min_score
    free = problem.locked_mentor_of < 0
    pairs = []
    for i in range(n):
        if not free[i]:
            continue
        cur = s[i, mentor_of[i]] if mentor_of[i] >= 0 else -np.inf
        for j in range(m):
            if not allowed[i, j] or j == mentor_of[i] or s[i, j] <= cur:
                continue
            if problem.residual_capacity[j] <= 0:
                continue
            held = [k for k in range(n) if mentor_of[k] == j and free[k]]
            if len(held) < problem.residual_capacity[j] or any(s[k, j] < s[i, j] for k in held):
                pairs.append((i, j))
    return pairs


@settings(max_examples=150, deadline=None)
@given(problems(max_mentees=10, max_mentors=5))
def test_deferred_acceptance_is_stable_and_feasible(problem):
    stable = solve_stable(problem)
    assert check_feasible(problem, stable.mentor_of) == []
    assert blocking_pairs(problem, stable).count == 0
    assert brute_force_blocking(problem, stable.mentor_of) == []


@settings(max_examples=150, deadline=None)
@given(problems(max_mentees=10, max_mentors=5))
def test_blocking_pairs_match_brute_force(problem):
    result = solve(problem)
    found = blocking_pairs(problem, result)
    expected = brute_force_blocking(problem, result.mentor_of)
    assert found.count == len(expected)
    assert sorted(map(tuple, found.pairs.tolist())) == sorted(expected)
    assert len(blocking_pairs(problem, result, limit=1).pairs) == min(1, len(expected))


def test_optimal_and_stable_differ_on_a_classic_case():
    # both mentees love mentor 0; the optimum gives it to the one with no alternative
    scores = np.array([[1.0, 0.9], [0.95, 0.0]])
    problem = MatchingProblem(scores, [1, 1], objective="score")
    optimal = solve(problem)
    stable = solve_stable(problem)
    assert list(optimal.mentor_of) == [1, 0]
    assert list(stable.mentor_of) == [0, -1] or list(stable.mentor_of) == [0, 1]
    assert blocking_pairs(problem, optimal).count == 1
