"""Cohort shapes for the engine's matrix benchmark (`bench_engine.py --matrix`).

Each builder takes (n_mentees, n_mentors, seats per mentor at "seats == mentees", seed) and
returns (scores, capacity, description): a dense float matrix the engine and scipy both solve,
and the mentors' seats. Shapes scored from profiles go through `FeatureScores`, so their ties
are the ones a real round meets; the others are made directly as matrices.
"""

from __future__ import annotations

import numpy as np

from mentormatch import codes
from mentormatch.matching import FeatureScores, MenteeFeatures, MentorFeatures, ScoreWeights
from mentormatch.matching.scoring import SPECIALTY_INDEX, SPECIALTY_PARENT
from mentormatch.matching.synthetic import N_STATES, synthetic_features


def seats_summing_to(total: int, m: int) -> np.ndarray:
    """Capacities as equal as possible (differing by at most one) that sum to `total`."""
    capacity = np.full(m, total // m, np.int64)
    capacity[: total - int(capacity.sum())] += 1
    return capacity


def _dense(source) -> np.ndarray:
    n = source.shape[0]
    return np.ascontiguousarray(source.rows(np.arange(n)))


def synthetic(n, m, seats, seed, weights=None):
    mentees, mentors = synthetic_features(n, m, seed=seed)
    return _dense(FeatureScores(mentees, mentors, weights or ScoreWeights()))


def _families() -> list[list[int]]:
    """Ten specialty groups: the four parents with subspecialties (internal medicine with its
    nine, psychiatry, pediatrics, anesthesiology) and six single specialties."""
    groups: dict[int, list[int]] = {}
    for k, parent in enumerate(SPECIALTY_PARENT):
        groups.setdefault(int(parent) if parent >= 0 else k, []).append(k)
    with_children = sorted((g for g in groups.values() if len(g) > 1), key=len, reverse=True)
    singles = [g for g in groups.values() if len(g) == 1]
    return with_children[:4] + singles[:6]


def spread(n, m, seats, seed):
    """Specialties evenly over ten groups (near misses within a family), a single state or no
    region preference, research on 24 topics."""
    rng = np.random.default_rng(seed)
    groups = _families()

    def pick(count):
        g = rng.integers(0, len(groups), count)
        return np.array([groups[x][rng.integers(0, len(groups[x]))] for x in g], np.int64)

    topics = rng.choice(len(codes.RESEARCH_CODES), 24, replace=False)

    def research(count):
        out = np.zeros(count, np.uint64)
        k = rng.integers(0, 4, count)
        for r in range(3):
            bit = np.uint64(1) << topics[rng.integers(0, 24, count)].astype(np.uint64)
            out |= np.where(k > r, bit, np.uint64(0))
        return out

    states = rng.integers(0, N_STATES, n).astype(np.uint64)
    state_mask = np.where(rng.random(n) < 0.5, np.uint64(1) << states, np.uint64(0))
    mentees = MenteeFeatures(pick(n), np.full(n, -1, np.int64), state_mask, research(n))
    mentors = MentorFeatures(
        pick(m), np.full(m, -1, np.int64), rng.integers(0, N_STATES, m), research(m)
    )
    return _dense(FeatureScores(mentees, mentors, ScoreWeights()))


def concentrated(n, m, seats, seed):
    """80% of mentees want one of three specialties that only 5% of mentors have."""
    mentees, mentors = synthetic_features(n, m, seed=seed)
    rng = np.random.default_rng(seed + 1)
    wanted = np.array(
        [SPECIALTY_INDEX[c] for c in ("dermatology", "neurological-surgery", "plastic-surgery")]
    )
    spec = mentees.specialty.copy()
    hot = rng.random(n) < 0.8
    spec[hot] = wanted[rng.integers(0, 3, int(hot.sum()))]
    mspec = mentors.specialty.copy()
    mspec = np.where(np.isin(mspec, wanted), SPECIALTY_INDEX["family-medicine"], mspec)
    few = rng.random(m) < 0.05
    mspec[few] = wanted[rng.integers(0, 3, int(few.sum()))]
    mentees = MenteeFeatures(spec, mentees.second_specialty, mentees.state_mask, mentees.research)
    mentors = MentorFeatures(mspec, np.full(m, -1, np.int64), mentors.state, mentors.research)
    return _dense(FeatureScores(mentees, mentors, ScoreWeights()))


def uniform(n, m, seats, seed):
    return np.random.default_rng(seed).random((n, m))


def equal(n, m, seats, seed):
    return np.full((n, m), 0.5)


def two_level(n, m, seats, seed):
    """1 for a fifth of the pairs, 0 for the rest."""
    return (np.random.default_rng(seed).random((n, m)) < 0.2).astype(np.float64)


def stars(n, m, seats, seed):
    """Everyone agrees on the mentors' appeal: 2% stars near the top, the rest spread lower,
    plus a little personal taste; three decimals (ties)."""
    rng = np.random.default_rng(seed)
    appeal = rng.random(m) * 0.6
    star = rng.random(m) < 0.02
    appeal[star] = 0.9 + 0.1 * rng.random(int(star.sum()))
    return np.round(0.8 * appeal[None, :] + 0.2 * rng.random((n, m)), 3)


def _one(weights):
    def build(n, m, seats, seed):
        return synthetic(n, m, seats, seed, weights)

    return build


# name: (builder, seats as a multiple of the mentees, description)
SHAPES = {
    "synthetic": (synthetic, 1.0, "the project's synthetic cohort (matching/synthetic.py)"),
    "spread": (spread, 1.0, "10 specialty groups with families, 1 state or none, 24 topics"),
    "concentrated": (concentrated, 1.0, "80% want 3 specialties that 5% of mentors have"),
    "uniform": (uniform, 1.0, "uniform random scores in [0, 1)"),
    "equal": (equal, 1.0, "every score 0.5"),
    "two-level": (two_level, 1.0, "scores 0 or 1 (1 on a fifth of the pairs)"),
    "stars": (stars, 1.0, "2% star mentors everyone ranks high, 3 decimals"),
    "seats-half": (synthetic, 0.5, "synthetic cohort, seats = half the mentees"),
    "seats-3x": (synthetic, 3.0, "synthetic cohort, seats = 3 x the mentees"),
    "specialty-only": (_one(ScoreWeights(1.0, 0.0, 0.0)), 1.0, "synthetic, specialty only"),
    "region-only": (_one(ScoreWeights(0.0, 1.0, 0.0)), 1.0, "synthetic, region only"),
    "research-only": (_one(ScoreWeights(0.0, 0.0, 1.0)), 1.0, "synthetic, research only"),
}


def build(name: str, n: int, m: int, seats: int, seed: int):
    builder, seat_share, _ = SHAPES[name]
    scores = builder(n, m, seats, seed)
    capacity = seats_summing_to(int(round(seat_share * n)), m)
    return scores, capacity
