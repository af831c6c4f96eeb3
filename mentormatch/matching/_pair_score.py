"""The score of one pair from features, written once for every compiled kernel.

`FeatureScores.rows` and `.pairs`, the fused and pruned pricing scans (`_fused`) and the
certificate (`certificate`) all call these functions, so they compute the same float for a
pair bit for bit: the solver's prices are checked against exactly the scores it priced, and a
test checks those floats against the numpy reference `scoring.compute_components`.

    score = ws * specialty + wr * region + wq * research      (summed in this order)
          [+ ((wu * support + wl * language) + (wi * img_mentor + wv * visa))]

the bracket being the optional extras (`pair_extras`, `with_extras`; see below), added only
when one of their weights is above 0.

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


# -- the optional extras (weight 0 by default) ---------------------------------------------
#
#     score = pair_score(...) + extras_total(wu * support, wl * language, img_visa_part)
#     img_visa_part = wi * img_mentor + wv * visa
#
# With every extra weight 0 the extras term is exactly +0.0, and x + 0.0 == x for the
# non-negative totals here, so a round with the extras off scores every pair with the same
# floats as before they existed; the kernels skip the term altogether then (`extras` False).
#
# Mentee flags (one int64 per mentee, `scoring.mentee_flags`): bit 0 lists a language other
# than English, bit 1 prefers an IMG mentor, bits 2+ the visa needed (0 none, 1 J-1, 2 H-1B,
# 3 undecided). Mentor code (`scoring.mentor_codes`): is_img * 5 + sponsorship (0 J-1,
# 1 H-1B, 2 both, 3 none, 4 unknown).

NEUTRAL = 0.5  # the mentee states nothing for this extra: every mentor scores the same
VISA_UNKNOWN = 0.5  # the mentor's institution has not said whether it sponsors
SPONSOR_BOTH, SPONSOR_NONE, SPONSOR_UNKNOWN = 2, 3, 4
N_SPONSOR = 5
NEED_NONE, NEED_UNDECIDED = 0, 3
N_MENTOR_CODES = 2 * N_SPONSOR


@njit(cache=True, inline="always")
def support_value(inter, sought):
    """Share of the mentee's sought support codes the mentor offers (NEUTRAL: seeks none)."""
    if sought == 0:
        return NEUTRAL
    return np.float64(inter) / np.float64(sought)


@njit(cache=True, inline="always")
def language_value(shared, listed):
    """1 when they share a language other than English, else 0 (NEUTRAL: the mentee lists
    none but English)."""
    if not listed:
        return NEUTRAL
    return 1.0 if shared else 0.0


@njit(cache=True, inline="always")
def img_value(prefers, is_img):
    """1 for an IMG mentor when the mentee prefers one, else 0 (NEUTRAL: no preference)."""
    if not prefers:
        return NEUTRAL
    return 1.0 if is_img else 0.0


@njit(cache=True, inline="always")
def visa_value(need, sponsor):
    """1 when the mentor's institution sponsors the visa the mentee needs for training (an
    undecided mentee: either), VISA_UNKNOWN when it has not said, 0 when it sponsors none or
    only the other one; NEUTRAL for a mentee who needs no visa."""
    if need == NEED_NONE:
        return NEUTRAL
    if sponsor == SPONSOR_UNKNOWN:
        return VISA_UNKNOWN
    if sponsor == SPONSOR_NONE:
        return 0.0
    if sponsor == SPONSOR_BOTH or need == NEED_UNDECIDED or need == sponsor + 1:
        return 1.0
    return 0.0


@njit(cache=True, inline="always")
def img_visa_part(flags, code, wi, wv):
    """wi * img_mentor + wv * visa of a mentee (flags) and a mentor (code): both depend on
    the mentor's code only, so the fused scans keep one value per code and mentee row."""
    return wi * img_value((flags >> 1) & 1, code // N_SPONSOR) + wv * visa_value(
        flags >> 2, code % N_SPONSOR
    )


@njit(cache=True, inline="always")
def extras_total(support_part, language_part, iv_part):
    """The extras from their weighted parts; the order of the additions fixes the float."""
    return (support_part + language_part) + iv_part


@njit(cache=True, inline="always")
def pair_extras(mentee_support, mentor_support, shared, flags, code, wu, wl, wi, wv):
    """The extras term of a pair from the two support masks, whether they share a language
    (other than English), the mentee's flags and the mentor's code, with the weights."""
    return extras_total(
        wu * support_value(popcount(mentee_support & mentor_support), popcount(mentee_support)),
        wl * language_value(shared, flags & 1),
        img_visa_part(flags, code, wi, wv),
    )


@njit(cache=True, inline="always")
def with_extras(score, extras):
    """A pair's score with its extras term (`pair_score` + `pair_extras`)."""
    return score + extras


# -- stated preferences (sparse; `preferences.PairBonus`) --------------------------------
#
#     total = score + bonus        (bonus >= 0, on the few pairs someone ranked or marked)
#
# A pair without a bonus adds nothing: its total is exactly its score (no +0.0 either), so
# the compiled scans, which see the features only, price every pair without a bonus with the
# floats of its total. The pairs with one are few (at most N ranks per mentee) and the solver
# keeps all of them among its candidate arcs, priced at their total (solver.solve).


@njit(cache=True, inline="always")
def with_bonus(score, bonus):
    """A pair's total: its score from the features plus its preference bonus."""
    return score + bonus
