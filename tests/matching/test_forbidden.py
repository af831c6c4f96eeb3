"""`forbidden=`: sparse forbidden pairs behave exactly like the same pairs masked in `allowed`."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentormatch.matching import (
    InvalidProblem,
    MatchingProblem,
    check_optimal,
    explain_unmatched,
    solve,
    solve_stable,
)

from .conftest import TIE_VALUES, oracle


@st.composite
def forbidden_problems(draw):
    n = draw(st.integers(1, 10))
    m = draw(st.integers(1, 5))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    scores = rng.choice(TIE_VALUES, size=(n, m))
    capacity = rng.integers(0, 4, size=m)
    allowed = rng.random((n, m)) < 0.8 if draw(st.booleans()) else None
    pairs = [(int(i), int(j)) for i in range(n) for j in range(m) if rng.random() < 0.3]
    objective = draw(st.sampled_from(["coverage", "score"]))
    min_score = draw(st.sampled_from([None, 0.0]))
    return scores, capacity, allowed, pairs, objective, min_score


@settings(max_examples=80, deadline=None)
@given(forbidden_problems(), st.integers(1, 3))
def test_forbidden_equals_dense_mask(case, k):
    scores, capacity, allowed, pairs, objective, min_score = case
    sparse = MatchingProblem(
        scores, capacity, allowed, min_score=min_score, objective=objective, forbidden=pairs
    )
    dense_mask = np.ones(scores.shape, bool) if allowed is None else allowed.copy()
    for i, j in pairs:
        dense_mask[i, j] = False
    dense = MatchingProblem(scores, capacity, dense_mask, min_score=min_score, objective=objective)
    a, b = solve(sparse, k=k, max_add=1), solve(dense)
    assert check_optimal(sparse, a).ok
    assert check_optimal(dense, a).ok  # the same certificate holds for the dense problem
    assert all(a.mentor_of[i] != j for i, j in pairs)
    count, total = oracle(dense)
    assert a.n_matched == b.n_matched
    assert a.total_score == pytest.approx(b.total_score, abs=1e-9)
    if objective == "coverage":
        assert a.n_matched == count
    assert a.total_score == pytest.approx(total, abs=1e-6 * (len(scores) + 1))
    assert [r.code for r in explain_unmatched(sparse, a)] == [
        r.code for r in explain_unmatched(dense, a)
    ]
    assert np.array_equal(solve_stable(sparse).mentor_of, solve_stable(dense).mentor_of)


def test_forbidden_as_integer_array_and_duplicates():
    scores = np.array([[1.0, 0.5], [0.2, 0.9]])
    pairs = np.array([[0, 0], [0, 0], [1, 1]])
    result = solve(MatchingProblem(scores, [1, 1], forbidden=pairs))
    assert list(result.mentor_of) == [1, 0]


@pytest.mark.parametrize(
    ("forbidden", "locked", "message"),
    [
        ([(3, 0)], (), "forbidden pair #0: mentee index 3"),
        ([(0, 0), (1, 5)], (), "forbidden pair #1: mentor index 5"),
        (np.array([[0, -1]]), (), "forbidden pair #0: mentor index -1"),
        ([(0, "a")], (), "forbidden pair #0"),
        ([(0,)], (), "forbidden pair #0 must be a"),
        ([(1, 1)], [(1, 1)], "locked pair \\(mentee 1, mentor 1\\) is forbidden"),
    ],
)
def test_invalid_forbidden_pairs_name_the_pair(forbidden, locked, message):
    with pytest.raises(InvalidProblem, match=message):
        MatchingProblem(np.full((3, 2), 0.5), [2, 2], locked=locked, forbidden=forbidden)
