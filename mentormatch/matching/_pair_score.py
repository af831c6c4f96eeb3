"""The score of one pair from features, written once for every compiled kernel.

`FeatureScores.rows` and `.pairs`, the fused and pruned pricing scans (`_fused`) and the
certificate (`certificate`) all call these functions, so they compute the same float for a
pair bit for bit: the solver's prices are checked against exactly the scores it priced, and a
test checks those floats against the numpy reference `scoring.compute_components`.

    score = ws * specialty + wr * region + wq * research      (summed in this order)

A kernel looks up the mentee's specialty and region values for the mentor (rows of
`scoring.mentee_specialty_rows` and `mentee_region_rows`), takes the better specialty with
`specialty_value` and calls `pair_score`. The fused scans fill per-row lookup tables with the
weighted parts (`specialty_value` and `research_value` times their weight) and add them with
`weighted_total`: the same operations in the same order, so the same floats. Every function
is inlined (`inline="always"`), so a kernel compiles to the code it had with the formula
written out, and pays nothing for the call. They take plain values, never arrays: an array
handed to an inlined function in a loop can leave a reference count per call in the loop
(measured: 30% on the pruned scan).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, inline="always")
def popcount(x):
    """Number of set bits of a uint64 (the size of a research-code set)."""
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return (x * np.uint64(0x0101010101010101)) >> np.uint64(56)


@njit(cache=True, inline="always")
def specialty_value(main_value, sub_value, has_sub):
    """The specialty component: the better of the mentee's values for the mentor's specialty
    and, when it has one (has_sub), its subspecialty. Callers read sub_value at the
    subspecialty index even when it is -1 (numpy's wraparound: the last column, then ignored),
    which keeps the loop free of branches around the load."""
    if has_sub and sub_value > main_value:
        return sub_value
    return main_value


@njit(cache=True, inline="always")
def research_value(inter, union):
    """The research component: Jaccard |A & B| / |A | B| from the two counts (0 when both
    sets are empty)."""
    return np.float64(inter) / max(np.float64(union), 1.0)


@njit(cache=True, inline="always")
def weighted_total(specialty_part, region_part, research_part):
    """The score from its weighted components; the order of the additions fixes the float."""
    return specialty_part + region_part + research_part


@njit(cache=True, inline="always")
def pair_score(specialty, region, mentee_research, mentor_research, ws, wr, wq):
    """The score of a pair from its specialty and region components and the two research
    masks, with the normalised weights."""
    return weighted_total(
        ws * specialty,
        wr * region,
        wq
        * research_value(
            popcount(mentee_research & mentor_research),
            popcount(mentee_research | mentor_research),
        ),
    )
