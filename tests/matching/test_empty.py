"""Problems with nobody on one side are answered, not errors: everyone stays unmatched."""

import numpy as np
import pytest

from mentormatch.matching import (
    FeatureScores,
    MatchingProblem,
    blocking_pairs,
    check_optimal,
    explain_unmatched,
    solve,
    solve_stable,
)
from mentormatch.matching.synthetic import synthetic_features


@pytest.mark.parametrize(("n", "m", "seats"), [(3, 0, 1), (3, 2, 0), (0, 2, 1), (0, 0, 1)])
@pytest.mark.parametrize("source", ["dense", "features"])
@pytest.mark.parametrize("objective", ["coverage", "score"])
def test_nobody_to_match_gives_an_empty_certified_result(n, m, seats, source, objective):
    if source == "dense":
        scores = np.random.default_rng(0).random((n, m))
    else:
        scores = FeatureScores(*synthetic_features(n, m))
    problem = MatchingProblem(scores, np.full(m, seats), objective=objective)
    result = solve(problem)
    assert (result.mentor_of == -1).all() and len(result.mentor_of) == n
    assert result.total_score == 0.0
    assert check_optimal(problem, result)
    reasons = explain_unmatched(problem, result)
    assert [r.mentee for r in reasons] == list(range(n))
    assert blocking_pairs(problem, result).count == 0
    assert solve_stable(problem).n_matched == 0
