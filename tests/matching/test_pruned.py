"""Pruned scans (mentor groups skipped by a score bound) against the full scans.

A pruned scan may skip a group only when no pair in it can be violated; so on any prices,
right or wrong, it must return exactly what the full scan returns (and the pruned
certificate must count exactly the same violations).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentormatch.matching import (
    FeatureScores,
    MatchingProblem,
    _fused,
    certificate,
    check_optimal,
    solve,
    solver,
)
from mentormatch.matching.integer_scores import integer_scale
from mentormatch.matching.synthetic import synthetic_features

from .conftest import problems
from .test_solver import assert_optimal


def _problem(n, m, seed, min_score, objective, with_allowed):
    mentees, mentors = synthetic_features(n, m, seed)
    rng = np.random.default_rng(seed)
    capacity = rng.integers(0, 4, m)
    forbidden = np.stack([rng.integers(0, n, 2 * n), rng.integers(0, m, 2 * n)], axis=1)
    allowed = rng.random((n, m)) < 0.9 if with_allowed else None
    return MatchingProblem(
        FeatureScores(mentees, mentors), capacity, allowed=allowed, min_score=min_score,
        objective=objective, forbidden=forbidden,
    )  # fmt: skip


def _prices(problem, seed, zero):
    nf, m = len(problem.free_mentees), problem.n_mentors
    rescap = problem.residual_capacity
    scale = integer_scale(problem.objective, 1.0, nf, int(rescap.max()))
    if zero:
        return scale, np.zeros(nf, np.int64), np.zeros(m, np.int64)
    rng = np.random.default_rng(seed + 1)
    w_top = int(round(1.0 / scale.unit)) * scale.factor + scale.offset
    w_low = scale.offset
    u = rng.integers(w_low // 2, w_top + 1, nf)
    u = np.where(rng.random(nf) < 0.1, 0, u)
    v = rng.integers(0, (w_top - w_low) + 1, m)
    v = np.where(rng.random(m) < 0.3, 0, v)
    return scale, u.astype(np.int64), v.astype(np.int64)


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 80),
    st.integers(1, 40),
    st.integers(0, 2**16),
    st.sampled_from([None, 0.3, 0.6]),
    st.sampled_from(["coverage", "score"]),
    st.booleans(),
    st.booleans(),
    st.integers(0, 5),
)
def test_pruned_scan_equals_full_scan(n, m, seed, min_score, objective, with_allowed, zero, r):
    problem = _problem(n, m, seed, min_score, objective, with_allowed)
    scale, u, v = _prices(problem, seed, zero)
    tables = _fused.FeatureTables(problem.source)
    ok = problem.residual_capacity > 0
    ms = -np.inf if min_score is None else min_score
    full = _fused.scan_features(problem, tables, scale, ok, ms, u, v, r, pruned=False)
    fast = _fused.scan_features(problem, tables, scale, ok, ms, u, v, r, pruned=True)
    assert np.array_equal(full[0], fast[0])
    assert np.array_equal(full[1], fast[1])
    assert np.array_equal(full[2] > 0, fast[2] > 0)
    if r == 0:
        assert np.array_equal(full[2], fast[2])


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 80),
    st.integers(1, 40),
    st.integers(0, 2**16),
    st.sampled_from([None, 0.3]),
    st.sampled_from(["coverage", "score"]),
    st.booleans(),
)
def test_pruned_certificate_counts_every_violation(n, m, seed, min_score, objective, allowed):
    problem = _problem(n, m, seed, min_score, objective, allowed)
    scale, u, v = _prices(problem, seed, False)
    ok = problem.residual_capacity > 0
    ms = -np.inf if min_score is None else min_score
    full = certificate._violations_from_features(problem, scale, u, v, ok, ms, pruned=False)
    fast = certificate._violations_from_features(problem, scale, u, v, ok, ms, pruned=True)
    assert full == fast


def test_pruned_certificate_still_catches_a_lowered_price():
    mentees, mentors = synthetic_features(400, 60, 9)
    problem = MatchingProblem(FeatureScores(mentees, mentors), np.full(60, 4))
    result = solve(problem)
    assert check_optimal(problem, result).ok
    j = int(np.argmax(result.duals.mentor))
    assert result.duals.mentor[j] > 0
    result.duals.mentor[j] -= 1  # one unit below: some pair of j is now violated by 1
    report = check_optimal(problem, result)
    assert not report.ok and report.violations > 0 and report.worst_violation >= 1


@settings(max_examples=30, deadline=None)
@given(
    st.integers(1, 60),
    st.integers(1, 15),
    st.integers(0, 2**16),
    st.sampled_from([None, 0.3, 0.5]),
    st.sampled_from(["coverage", "score"]),
    st.integers(1, 40),
)
def test_augmented_first_auction_matches_dense(n, m, seed, min_score, objective, bids):
    """Tiny bid budgets force the augmentation path (arcs to free seats) every time."""
    mentees, mentors = synthetic_features(n, m, seed)
    source = FeatureScores(mentees, mentors)
    rng = np.random.default_rng(seed)
    capacity = rng.integers(0, 4, m)
    forbidden = np.stack([rng.integers(0, n, 5), rng.integers(0, m, 5)], axis=1)
    kw = dict(min_score=min_score, objective=objective, forbidden=forbidden)
    lazy = MatchingProblem(source, capacity, **kw)
    full = MatchingProblem(source.rows(np.arange(n)), capacity, **kw)
    saved = solver.AUGMENT_BUDGET, solver.AUGMENT_MIN_BIDS
    solver.AUGMENT_BUDGET, solver.AUGMENT_MIN_BIDS = 0, bids
    try:
        a = solve(lazy, k=1, max_add=1)
    finally:
        solver.AUGMENT_BUDGET, solver.AUGMENT_MIN_BIDS = saved
    b = solve(full)
    assert check_optimal(lazy, a).ok
    assert a.n_matched == b.n_matched
    assert a.total_score == pytest.approx(b.total_score, abs=1e-6 * (n + 1))


def _lexsort_merge(indptr, indices, weights, new_cols, new_w):
    """The reference for the compiled merge: concatenate every arc and sort by (row, mentor)."""
    nf = len(indptr) - 1
    valid = new_cols >= 0
    add_counts = valid.sum(axis=1)
    rows = np.concatenate(
        [np.repeat(np.arange(nf), np.diff(indptr)), np.repeat(np.arange(nf), add_counts)]
    )
    cols = np.concatenate([indices, new_cols[valid]])
    w = np.concatenate([weights, new_w[valid]])
    order = np.lexsort((cols, rows))
    new_indptr = np.zeros(nf + 1, np.int64)
    np.cumsum(np.diff(indptr) + add_counts, out=new_indptr[1:])
    return new_indptr, cols[order], w[order]


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 30), st.integers(1, 40), st.integers(0, 6), st.integers(0, 2**16))
def test_compiled_merge_equals_lexsort_merge(nf, m, r, seed):
    rng = np.random.default_rng(seed)
    old = rng.random((nf, m)) < 0.3
    new = (rng.random((nf, m)) < 0.2) & ~old
    indptr = np.r_[0, np.cumsum(old.sum(axis=1))].astype(np.int64)
    indices = np.nonzero(old)[1].astype(np.int64)
    weights = rng.integers(0, 100, len(indices)).astype(np.int64)
    new_cols = np.full((nf, r), -1, np.int64)
    new_w = np.zeros((nf, r), np.int64)
    for i in range(nf):
        c = np.flatnonzero(new[i])[:r]
        new_cols[i, : len(c)] = c
        new_w[i, : len(c)] = rng.integers(0, 100, len(c))
    slow = _lexsort_merge(indptr, indices, weights, new_cols, new_w)
    fast = solver._merge_arcs(indptr, indices, weights, new_cols, new_w)
    for a, b in zip(slow, fast, strict=True):
        assert np.array_equal(a, b)


@settings(max_examples=40, deadline=None)
@given(problems(max_mentees=30, max_mentors=6), st.booleans())
def test_auction_rewarm_keeping_placements_matches_oracle(problem, keep):
    """Every warm restart through the auction (none straight to the exact core), with and
    without keeping the placements that pass the first eps check."""
    saved = solver.REWARM_RELEASE_MAX, solver.REWARM_RELEASE_SHARE, solver.REWARM_KEEP
    solver.REWARM_RELEASE_MAX, solver.REWARM_RELEASE_SHARE, solver.REWARM_KEEP = 0, 10**9, keep
    try:
        result = solve(problem, k=1, max_add=1)
    finally:
        solver.REWARM_RELEASE_MAX, solver.REWARM_RELEASE_SHARE, solver.REWARM_KEEP = saved
    assert_optimal(problem, result)
