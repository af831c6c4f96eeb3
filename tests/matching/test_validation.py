"""Every invalid input raises InvalidProblem (a ValueError) naming the offending index."""

from __future__ import annotations

import numpy as np
import pytest

from mentormatch.matching import InvalidProblem, MatchingProblem

S = np.full((3, 2), 0.5)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"scores": np.zeros(3), "capacity": [1]}, "2-D"),
        ({"scores": S, "capacity": [1, 1, 1]}, "capacity has shape"),
        ({"scores": S, "capacity": [1, 1], "allowed": np.ones((2, 2), bool)}, "allowed has"),
        ({"scores": np.array([[0.1, np.nan], [0, 0]]), "capacity": [1, 1]}, "row 0, column 1"),
        ({"scores": np.array([[0.1, 0], [np.inf, 0]]), "capacity": [1, 1]}, "row 1, column 0"),
        ({"scores": S, "capacity": [1, -2]}, "mentor 1"),
        ({"scores": S, "capacity": [1.5, 1]}, "mentor 0"),
        ({"scores": S, "capacity": ["a", 1]}, "integers"),
        ({"scores": S, "capacity": [1, 1], "objective": "fair"}, "unknown objective"),
        ({"scores": S, "capacity": [1, 1], "locked": [(3, 0)]}, "mentee index 3"),
        ({"scores": S, "capacity": [1, 1], "locked": [(0, 2)]}, "mentor index 2"),
        ({"scores": S, "capacity": [1, 1], "locked": [(-1, 0)]}, "mentee index -1"),
        (
            {"scores": S, "capacity": [2, 1], "locked": [(0, 0), (0, 1)]},
            "mentee 0 is locked twice",
        ),
        ({"scores": S, "capacity": [1, 1], "locked": [(0, 0), (1, 0)]}, "mentor 0 has 2 locked"),
        ({"scores": S, "capacity": [0, 1], "locked": [(2, 0)]}, "mentor 0 has 1 locked"),
        (
            {
                "scores": S,
                "capacity": [1, 1],
                "allowed": np.array([[1, 0], [1, 1], [1, 1]], bool),
                "locked": [(0, 1)],
            },
            "(mentee 0, mentor 1) is not allowed",
        ),
        ({"scores": S, "capacity": [1, 1], "locked": [(0,)]}, "locked pair #0"),
        ({"scores": S, "capacity": [1, 1], "locked": [(0.5, 1)]}, "integer"),
        ({"scores": S, "capacity": [1, 1], "min_score": float("nan")}, "min_score"),
        ({"scores": S, "capacity": [1, 1], "allowed": np.full((3, 2), 2)}, "boolean"),
    ],
)
def test_invalid_problem_names_the_culprit(kwargs, message):
    with pytest.raises(InvalidProblem) as info:
        MatchingProblem(**kwargs)
    assert message in str(info.value)
    assert isinstance(info.value, ValueError)


def test_valid_problem_is_read_only():
    problem = MatchingProblem(S, np.array([1, 2]))
    with pytest.raises(ValueError):
        problem.capacity[0] = 5
    assert problem.capacity.dtype == np.int64
    assert "3 mentees x 2 mentors" in repr(problem)


def test_integral_float_capacity_is_accepted():
    assert list(MatchingProblem(S, [1.0, 2.0]).capacity) == [1, 2]
