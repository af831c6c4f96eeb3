"""Synthetic feature arrays with the structure of real mentees and mentors (domain.md), for
the engine's benchmarks and tests (not the app's demo people).

Pure numpy and seeded: `synthetic_features(n_mentees, n_mentors, seed)` gives the same
features every time.

Specialties are skewed (internal medicine, family medicine, pediatrics and psychiatry are the
common choices of IMGs), 30% of mentees have no regional preference and the rest name one to
three states or a census division, and research interests are zero to five codes drawn from a
skewed distribution. Scores built from these features are discrete in two of three components,
so many pairs tie: the hard case for top-k shortcuts.
"""

from __future__ import annotations

import numpy as np

from mentormatch import codes

from .scoring import (
    DIVISION_INDEX,
    SPECIALTY_INDEX,
    STATE_DIVISION,
    MenteeFeatures,
    MentorFeatures,
)

N_SPECIALTIES = len(codes.SPECIALTY_CODES)
N_STATES = len(codes.STATES)
N_RESEARCH = len(codes.RESEARCH_CODES)


def _skewed(n_items: int, common: list[int]) -> np.ndarray:
    p = np.full(n_items, 1.0)
    p[common] = 8.0
    p /= p.sum()
    return p


def _masks(rng, n, n_bits, max_items, p):
    counts = rng.integers(0, max_items + 1, n)
    out = np.zeros(n, np.uint64)
    for k in range(max_items):
        pick = rng.choice(n_bits, size=n, p=p)
        out |= np.where(counts > k, np.uint64(1) << pick.astype(np.uint64), np.uint64(0))
    return out


def synthetic_features(
    n_mentees: int, n_mentors: int, seed: int = 0
) -> tuple[MenteeFeatures, MentorFeatures]:
    """Random but realistic mentee and mentor features (deterministic for a seed)."""
    rng = np.random.default_rng(seed)
    common = [SPECIALTY_INDEX[c] for c in sorted(codes.PRIMARY_CARE)]
    p_spec = _skewed(N_SPECIALTIES, common)
    big_states = [codes.STATES.index(s) for s in ("CA", "NY", "TX", "FL", "IL", "PA", "MA")]
    p_state = _skewed(N_STATES, big_states)
    p_res = rng.gamma(0.7, size=N_RESEARCH)
    p_res /= p_res.sum()

    spec = rng.choice(N_SPECIALTIES, size=n_mentees, p=p_spec)
    second = np.where(
        rng.random(n_mentees) < 0.4, rng.choice(N_SPECIALTIES, n_mentees, p=p_spec), -1
    )
    state_mask = _masks(rng, n_mentees, N_STATES, 3, p_state)
    use_division = rng.random(n_mentees) < 0.2
    division = rng.integers(0, len(DIVISION_INDEX), n_mentees)
    div_masks = np.array(
        [
            sum(1 << int(s) for s in np.flatnonzero(d == STATE_DIVISION))
            for d in range(len(DIVISION_INDEX))
        ],
        dtype=np.uint64,
    )
    state_mask = np.where(use_division, div_masks[division], state_mask)
    state_mask = np.where(rng.random(n_mentees) < 0.3, np.uint64(0), state_mask)
    mentees = MenteeFeatures(
        specialty=spec.astype(np.int64),
        second_specialty=second.astype(np.int64),
        state_mask=state_mask.astype(np.uint64),
        research=_masks(rng, n_mentees, N_RESEARCH, 5, p_res),
    )
    mentor_spec = rng.choice(N_SPECIALTIES, size=n_mentors, p=p_spec)
    mentors = MentorFeatures(
        specialty=mentor_spec.astype(np.int64),
        subspecialty=np.where(
            rng.random(n_mentors) < 0.2, rng.choice(N_SPECIALTIES, n_mentors, p=p_spec), -1
        ).astype(np.int64),
        state=rng.choice(N_STATES, size=n_mentors, p=p_state).astype(np.int64),
        research=_masks(rng, n_mentors, N_RESEARCH, 5, p_res),
    )
    return mentees, mentors
