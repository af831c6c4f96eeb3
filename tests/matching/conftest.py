"""Shared pieces for the engine tests: an independent oracle and Hypothesis strategies."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from mentormatch.matching import MatchingProblem

# scores from a small set make heavy ties; 1e-3 multiples keep the integer scale exact
TIE_VALUES = (-0.5, 0.0, 0.25, 0.5, 0.75, 1.0)


def oracle(problem: MatchingProblem) -> tuple[int, float]:
    """(matched count, total score) of an optimum, by scipy on repeated columns.

    Every mentor's column is repeated once per residual seat and each mentee gets a private
    "unmatched" column of weight 0; coverage adds a constant larger than any score difference.
    """
    s = np.array(problem.source.rows(np.arange(problem.n_mentees)), dtype=np.float64)
    free = problem.free_mentees
    locked_total = float(sum(s[i, j] for i, j in problem.locked))
    n = len(free)
    if n == 0:
        return len(problem.locked), locked_total
    allowed = np.ones_like(s, dtype=bool) if problem.allowed is None else problem.allowed.copy()
    if problem.min_score is not None:
        allowed &= s >= problem.min_score
    cols = np.repeat(np.arange(problem.n_mentors), problem.residual_capacity)
    sub = s[free][:, cols]
    ok = allowed[free][:, cols]
    big = 0.0
    if problem.objective == "coverage":
        big = n * (2 * float(np.abs(s).max()) + 1) + 1
    forbidden = -1e3 * (big + 1) * (n + 1)
    w = np.where(ok, sub + big, forbidden)
    w = np.hstack([w, np.zeros((n, n))])
    rows, picked = linear_sum_assignment(w, maximize=True)
    count, total = len(problem.locked), locked_total
    for r, c in zip(rows, picked, strict=True):
        if c < len(cols) and ok[r, c]:
            count += 1
            total += float(sub[r, c])
    return count, total


@st.composite
def problems(draw, max_mentees=9, max_mentors=5, objective=None, with_locks=True):
    """Small random problems: ties, forbidden pairs, zero capacities, locks, min_score."""
    n = draw(st.integers(0, max_mentees))
    m = draw(st.integers(1, max_mentors))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    if draw(st.booleans()):
        scores = rng.choice(TIE_VALUES, size=(n, m))
    else:
        scores = np.round(rng.uniform(-0.2, 1.0, size=(n, m)), 3)
    capacity = rng.integers(0, 4, size=m)
    allowed = None
    if draw(st.booleans()):
        allowed = rng.random((n, m)) < draw(st.sampled_from([0.3, 0.6, 0.9]))
    locked = []
    if with_locks and n and draw(st.booleans()):
        load = np.zeros(m, int)
        for i in rng.permutation(n)[: rng.integers(0, n + 1)]:
            j = int(rng.integers(0, m))
            if load[j] < capacity[j] and (allowed is None or allowed[i, j]):
                locked.append((int(i), j))
                load[j] += 1
    min_score = draw(st.sampled_from([None, None, 0.0, 0.3]))
    obj = objective or draw(st.sampled_from(["coverage", "score"]))
    return MatchingProblem(scores, capacity, allowed, locked, min_score, obj)
