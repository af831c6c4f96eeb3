"""The fused feature path (scores never materialised) and the compiled stable matching."""

from __future__ import annotations

import heapq

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentormatch.matching import (
    FeatureScores,
    MatchingProblem,
    blocking_pairs,
    check_optimal,
    solve,
    solve_stable,
)
from mentormatch.matching.synthetic import synthetic_features

from .conftest import problems


@settings(max_examples=25, deadline=None)
@given(
    st.integers(1, 60),
    st.integers(1, 15),
    st.integers(0, 2**16),
    st.sampled_from([None, 0.3, 0.5]),
    st.sampled_from(["coverage", "score"]),
)
def test_feature_source_equals_dense_scores(n, m, seed, min_score, objective):
    mentees, mentors = synthetic_features(n, m, seed)
    source = FeatureScores(mentees, mentors)
    dense = source.rows(np.arange(n))
    rng = np.random.default_rng(seed)
    capacity = rng.integers(0, 4, m)
    forbidden = np.stack([rng.integers(0, n, 5), rng.integers(0, m, 5)], axis=1)
    kw = dict(min_score=min_score, objective=objective, forbidden=forbidden)
    lazy, full = MatchingProblem(source, capacity, **kw), MatchingProblem(dense, capacity, **kw)
    a, b = solve(lazy, k=2, max_add=1), solve(full)
    assert check_optimal(lazy, a).ok and check_optimal(full, b).ok
    assert a.n_matched == b.n_matched
    assert a.total_score == pytest.approx(b.total_score, abs=1e-6 * (n + 1))
    rows = np.arange(n)
    cols = rng.integers(0, m, n)
    assert np.array_equal(source.pairs(rows, cols), dense[rows, cols])


def test_certificate_from_features_catches_a_bad_price():
    mentees, mentors = synthetic_features(200, 40, 3)
    problem = MatchingProblem(FeatureScores(mentees, mentors), np.full(40, 3))
    result = solve(problem)
    assert check_optimal(problem, result).ok
    result.duals.mentor[:] = 0
    result.duals.mentee[:] = 0
    assert not check_optimal(problem, result).ok


def reference_stable(problem):
    """The previous pure-Python deferred acceptance (full preference lists)."""
    rescap = problem.residual_capacity
    s = np.asarray(problem.source.rows(np.arange(problem.n_mentees)))
    prefs = {}
    for i in problem.free_mentees:
        mask = problem.allowed_mask(np.array([i]), s[i : i + 1])[0] & (rescap > 0)
        order = np.lexsort((np.arange(problem.n_mentors), -s[i]))
        prefs[int(i)] = order[mask[order]]
    nxt = dict.fromkeys(prefs, 0)
    held = [[] for _ in range(problem.n_mentors)]
    mentor_of = problem.locked_mentor_of.copy()
    queue = [int(i) for i in problem.free_mentees][::-1]
    while queue:
        i = queue.pop()
        if nxt[i] >= len(prefs[i]):
            continue
        j = int(prefs[i][nxt[i]])
        nxt[i] += 1
        key = (float(s[i, j]), -i)
        if len(held[j]) < rescap[j]:
            heapq.heappush(held[j], key)
            mentor_of[i] = j
        elif held[j] and key > held[j][0]:
            _, loser = heapq.heapreplace(held[j], key)
            mentor_of[i], mentor_of[-loser] = j, -1
            queue.append(-loser)
        else:
            queue.append(i)
    return mentor_of


@settings(max_examples=150, deadline=None)
@given(problems(max_mentees=40, max_mentors=6))
def test_compiled_stable_equals_reference(problem):
    assert np.array_equal(solve_stable(problem).mentor_of, reference_stable(problem))


def test_stable_on_a_realistic_round_has_no_blocking_pair():
    mentees, mentors = synthetic_features(600, 120, 5)
    capacity = np.random.default_rng(5).integers(1, 5, 120)
    problem = MatchingProblem(FeatureScores(mentees, mentors), capacity, min_score=0.2)
    stable = solve_stable(problem)
    assert blocking_pairs(problem, stable).count == 0
    assert np.array_equal(stable.mentor_of, reference_stable(problem))
