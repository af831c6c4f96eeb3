"""Integer scores: the exact arithmetic the solver and the certificate share.

Scores are floats; the solver works in int64 so that optimality is exact and the certificate
can compare sums with zero tolerance. A score s becomes q = rint(s / unit) with unit = 1e-6
(coarser only when the problem is so large that int64 could overflow; `unit` is reported).
The solver then maximises the total of the arc weights

    coverage:  w = q + big          big > any possible difference in total q, so one more
                                    matched mentee always beats any gain in score
    score:     w = q * factor + 1   factor > number of mentees, so the total score decides
                                    and, between equal totals, more matched mentees win

so both objectives are one maximum-weight b-matching. Under "score" a pair with q < 0 has
w < 0 and is never chosen (leaving the mentee unmatched is better); a pair with q == 0 is
chosen when a seat is free. Exactness is relative to the rounded scores q: the reported total
can differ from the float optimum by at most n_mentees * unit / 2.

The bound is the score source's (`FeatureScores.bound()` is 1: the weights are normalised to
sum 1 and every component, the optional extras included, lies in [0, 1]; a float total may
exceed 1 by a few ulps, which the "+ 1" in q_max absorbs).

(These arc weights are the b-matching's; the coordinator's weights of the score components
are `scoring.ScoreWeights`.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

BASE_UNIT = 1e-6
_INT_LIMIT = 2**62


@dataclass(frozen=True)
class IntegerScale:
    """w = rint(score / unit) * factor + offset, for the free (not locked) mentees."""

    unit: float
    factor: int
    offset: int
    objective: str

    def arc_weights(self, scores: np.ndarray) -> np.ndarray:
        """The int64 arc weights of an array of float scores (`arc_weight`, vectorised)."""
        q = np.rint(scores / self.unit).astype(np.int64)
        return q * self.factor + self.offset


@njit(cache=True, inline="always")
def arc_weight(score, unit, factor, offset):
    """`IntegerScale.arc_weights` for one score, inside the compiled scans."""
    return np.int64(np.rint(score / unit)) * factor + offset


def integer_scale(objective: str, bound: float, n_free: int, max_capacity: int) -> IntegerScale:
    """Choose the unit and the objective's constants so that every sum fits in int64."""
    unit = BASE_UNIT
    while True:
        q_max = math.ceil(bound / unit) + 1
        if objective == "coverage":
            factor, offset = 1, n_free * 2 * q_max + 1
        else:
            factor, offset = n_free + 1, 1
        w_max = q_max * factor + offset
        # Potentials, path lengths and the dual objective stay within a small multiple of
        # (number of nodes x largest weight); keep a wide margin below 2**63.
        if w_max * (n_free + 2) * (max_capacity + 2) * 8 < _INT_LIMIT:
            return IntegerScale(unit, factor, offset, objective)
        unit *= 10.0
