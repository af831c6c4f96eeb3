"""solve() on the cohort shapes of the engine's matrix benchmark (issue 12), against the
oracle, certified: massively tied scores (all equal, two levels), star mentors everyone ranks
high, identical mentors (merged into one by the solver), and seats half, equal to and three
times the mentees."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from mentormatch.matching import MatchingProblem, solve

from .test_solver import assert_optimal

OBJECTIVES = st.sampled_from(["coverage", "score"])
SEAT_SHARES = st.sampled_from([0.5, 1.0, 3.0])


def seats(total: int, m: int) -> np.ndarray:
    capacity = np.full(m, total // m)
    capacity[: total - int(capacity.sum())] += 1
    return capacity


def shape_scores(shape: str, n: int, m: int, rng) -> np.ndarray:
    if shape == "equal":
        return np.full((n, m), 0.5)
    if shape == "two-level":
        return (rng.random((n, m)) < rng.choice([0.05, 0.2, 0.5])).astype(float)
    if shape == "stars":
        appeal = rng.random(m) * 0.6
        star = rng.random(m) < 0.15
        appeal[star] = 0.9 + 0.1 * rng.random(int(star.sum()))
        return np.round(0.8 * appeal[None, :] + 0.2 * rng.random((n, m)), 3)
    # identical mentors: a few mentor types, each repeated (one score component only)
    types = np.round(rng.choice([0.0, 0.3, 0.7, 1.0], size=(n, int(rng.integers(1, 4)))), 3)
    return types[:, rng.integers(0, types.shape[1], m)]


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(["equal", "two-level", "stars", "identical mentors"]),
    st.integers(0, 2**32 - 1),
    OBJECTIVES,
    SEAT_SHARES,
)
def test_shapes_match_oracle(shape, seed, objective, share):
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(20, 61)), int(rng.integers(4, 16))
    scores = shape_scores(shape, n, m, rng)
    problem = MatchingProblem(scores, seats(max(1, round(share * n)), m), objective=objective)
    assert_optimal(problem, solve(problem))


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1), OBJECTIVES, SEAT_SHARES)
def test_identical_mentors_with_rules(seed, objective, share):
    # merging identical mentors must respect unusable pairs, locks and min_score: a mentor
    # with an unusable pair is no longer identical to the others of its type
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(10, 41)), int(rng.integers(4, 13))
    scores = shape_scores("identical mentors", n, m, rng)
    capacity = seats(max(1, round(share * n)), m)
    allowed = rng.random((n, m)) > 0.03
    locked = []
    for i in range(0, n, 7):
        j = int(rng.integers(0, m))
        if allowed[i, j] and sum(1 for _, b in locked if b == j) < capacity[j]:
            locked.append((i, j))
    problem = MatchingProblem(
        scores, capacity, allowed, locked, rng.choice([None, 0.3]), objective
    )
    assert_optimal(problem, solve(problem))


def test_all_equal_scores_spread_over_every_mentor():
    # 400 mentees, 100 mentors of 4 seats, every score equal (mentor j may not take mentee j,
    # so no two mentors are identical and none is merged): each row's ties start at its own
    # mentor, so the first candidates already place everyone (one pricing round; with ties
    # to the lowest index all 400 rows named the same 8 mentors)
    allowed = np.ones((400, 100), dtype=bool)
    allowed[np.arange(100), np.arange(100)] = False
    problem = MatchingProblem(np.full((400, 100), 0.5), np.full(100, 4), allowed)
    result = solve(problem, k=8)
    assert_optimal(problem, result)
    assert result.n_matched == 400
    assert result.stats.rounds == 1
