"""Synthetic feature arrays with the structure of real mentees and mentors (domain.md), for
the engine's benchmarks and tests (not the app's demo people).

Pure numpy and seeded: `synthetic_features(n_mentees, n_mentors, seed)` gives the same
features every time.

Specialties are skewed (internal medicine, family medicine, pediatrics and psychiatry are the
common choices of IMGs), 30% of mentees have no regional preference and the rest name one to
three states or a census division, and research interests are zero to five codes drawn from a
skewed distribution. Scores built from these features are discrete in two of three components,
so many pairs tie: the hard case for top-k shortcuts.

The optional extras' features are drawn last (so the features above are the same whether or
not a caller uses the extras): mentees seek zero to five support codes (visa guidance more
often when they need a visa), most speak one or two of the languages common among IMGs
besides English, about a third prefer an IMG mentor, and about two thirds need a J-1, an H-1B
or are undecided; mentors offer up to eight support codes, about 40% are IMGs (who mostly
speak one of those languages too), and their institutions sponsor J-1, H-1B, both, none or have
not said.
"""

from __future__ import annotations

import numpy as np

from mentormatch import codes

from .scoring import (
    DIVISION_INDEX,
    SPECIALTY_INDEX,
    STATE_DIVISION,
    SUPPORT_INDEX,
    MenteeFeatures,
    MentorFeatures,
    language_mask,
)

N_SPECIALTIES = len(codes.SPECIALTY_CODES)
N_STATES = len(codes.STATES)
N_RESEARCH = len(codes.RESEARCH_CODES)
N_SUPPORT = len(codes.SUPPORT_CODES)
# languages besides English common among IMGs, most common first
IMG_LANGUAGES = (
    "hi", "ar", "ur", "es", "yo", "tl", "ta", "te", "ml", "bn", "ig", "fa", "pa", "zh", "pt",
    "fr", "ru", "gu", "am", "ne",
)  # fmt: skip


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
    return _with_extras(rng, mentees, mentors)


def _languages(rng, n: int, shares: tuple[float, float]) -> np.ndarray:
    """Language masks: one IMG language with probability shares[0], a second with shares[1]."""
    table = np.array([language_mask([code]) for code in IMG_LANGUAGES])
    p = 1.0 / np.arange(1, len(IMG_LANGUAGES) + 1)
    p /= p.sum()
    out = np.zeros((n, table.shape[1]), np.uint64)
    for share in shares:
        pick = table[rng.choice(len(IMG_LANGUAGES), size=n, p=p)]
        out |= np.where((rng.random(n) < share)[:, None], pick, np.uint64(0))
    return out


def _with_extras(rng, mentees: MenteeFeatures, mentors: MentorFeatures):
    n, m = len(mentees), len(mentors)
    common = (
        "research-guidance",
        "application-review",
        "letters-of-recommendation",
        "usce-access",
    )
    p_support = _skewed(N_SUPPORT, [SUPPORT_INDEX[c] for c in common])
    need = rng.choice(4, size=n, p=[0.35, 0.40, 0.15, 0.10]).astype(np.int64)
    sought = _masks(rng, n, N_SUPPORT, 5, p_support)
    visa_bit = np.uint64(1) << np.uint64(SUPPORT_INDEX["visa-guidance"])
    sought = np.where((need > 0) & (rng.random(n) < 0.5), sought | visa_bit, sought)
    is_img = rng.random(m) < 0.4
    mentees = MenteeFeatures(
        mentees.specialty, mentees.second_specialty, mentees.state_mask, mentees.research,
        support=sought, languages=_languages(rng, n, (0.9, 0.25)),
        prefers_img=rng.random(n) < 0.35, visa_needed=need,
    )  # fmt: skip
    languages = _languages(rng, m, (0.85, 0.2))
    languages = np.where(is_img[:, None], languages, _languages(rng, m, (0.12, 0.0)))
    mentors = MentorFeatures(
        mentors.specialty, mentors.subspecialty, mentors.state, mentors.research,
        support=_masks(rng, m, N_SUPPORT, 8, np.full(N_SUPPORT, 1.0 / N_SUPPORT)),
        languages=languages, is_img=is_img,
        visa_sponsorship=rng.choice(5, size=m, p=[0.25, 0.1, 0.25, 0.15, 0.25]),
    )  # fmt: skip
    return mentees, mentors
