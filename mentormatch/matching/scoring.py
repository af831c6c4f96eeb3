"""Scores from profiles: specialty, US region and research overlap, weighted.

Pure functions of integer feature arrays (built from codes by `encode_mentees` and
`encode_mentors`), so the rounds service maps ids to rows once and the engine never sees a
database. The rules (domain.md, "Scores"), each component in [0, 1]:

- specialty: same code 1.0; same family (a subspecialty and its parent, or two subspecialties
  of one parent) 0.7; both primary care 0.3; else 0. A mentee's second choice counts at
  `SECOND_CHOICE_FACTOR` (0.8) of its value; a mentor's subspecialty counts as fully as the
  main specialty (the better of the two is used).
- region: a mentee's preferred regions are states or census divisions (a division stands for
  all its states). Mentor's state preferred 1.0; mentor's division holds a preferred state 0.7;
  mentor's census region holds one 0.4; mentee has no preference 0.5; else 0.
- research: Jaccard overlap |A & B| / |A | B| of the research-code sets, 0 when either is empty.

The total is the weighted sum with the weights normalised to sum 1, so it also lies in [0, 1].
Large rounds are scored in row blocks (`iter_score_blocks`, `FeatureScores`), so the full
matrix never has to sit in memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from numba import njit, prange

from mentormatch import codes

from ._pair_score import pair_score, specialty_value

SECOND_CHOICE_FACTOR = 0.8
SAME_SPECIALTY, SAME_FAMILY, BOTH_PRIMARY_CARE = 1.0, 0.7, 0.3
REGION_STATE, REGION_DIVISION, REGION_CENSUS, REGION_ANYWHERE = 1.0, 0.7, 0.4, 0.5

SPECIALTY_INDEX = {code: k for k, code in enumerate(codes.SPECIALTY_CODES)}
STATE_INDEX = {code: k for k, code in enumerate(codes.STATES)}
DIVISION_INDEX = {code: k for k, code in enumerate(codes.CENSUS_DIVISIONS)}
REGION_INDEX = {code: k for k, code in enumerate(codes.CENSUS_REGIONS)}
RESEARCH_INDEX = {code: k for k, code in enumerate(codes.RESEARCH_CODES)}
#: parent specialty index per specialty (-1 for a base specialty)
SPECIALTY_PARENT = np.array(
    [
        SPECIALTY_INDEX[codes.SPECIALTY_PARENT[c]] if codes.SPECIALTY_PARENT[c] else -1
        for c in codes.SPECIALTY_CODES
    ],
    dtype=np.int64,
)
PRIMARY_CARE = np.array([c in codes.PRIMARY_CARE for c in codes.SPECIALTY_CODES], dtype=bool)
#: census division index per state, census region index per division
STATE_DIVISION = np.array(
    [DIVISION_INDEX[codes.STATE_DIVISION[s]] for s in codes.STATES], dtype=np.int64
)
DIVISION_REGION = np.array(
    [REGION_INDEX[codes.DIVISION_REGION[d]] for d in codes.CENSUS_DIVISIONS], dtype=np.int64
)
COMPONENTS = ("specialty", "region", "research")


@dataclass(frozen=True)
class ScoreWeights:
    """Coordinator weights; normalised to sum 1 so the total stays in [0, 1]."""

    specialty: float = 0.5
    region: float = 0.2
    research: float = 0.3

    def normalised(self) -> tuple[float, float, float]:
        raw = np.array([self.specialty, self.region, self.research], dtype=np.float64)
        if not np.isfinite(raw).all() or (raw < 0).any():
            raise ValueError(f"weights must be finite and >= 0, got {tuple(raw)}")
        total = raw.sum()
        if total <= 0:
            raise ValueError("at least one weight must be positive")
        ws, wr, wq = (raw / total).tolist()
        return ws, wr, wq


@dataclass(frozen=True)
class MenteeFeatures:
    """One row per mentee: specialty index, second choice (-1 none), preferred-state bitmask
    over `codes.STATES` (divisions already expanded; 0 = anywhere), research bitmask over
    `codes.RESEARCH_CODES`."""

    specialty: np.ndarray
    second_specialty: np.ndarray
    state_mask: np.ndarray
    research: np.ndarray

    def __len__(self) -> int:
        return len(self.specialty)


@dataclass(frozen=True)
class MentorFeatures:
    """One row per mentor: specialty index, subspecialty (-1 none), state index, research mask."""

    specialty: np.ndarray
    subspecialty: np.ndarray
    state: np.ndarray
    research: np.ndarray

    def __len__(self) -> int:
        return len(self.specialty)


@dataclass(frozen=True)
class ScoreComponents:
    """Per-component scores of a block of pairs, and their weighted total."""

    specialty: np.ndarray
    region: np.ndarray
    research: np.ndarray
    total: np.ndarray


@dataclass(frozen=True)
class ComponentExplanation:
    name: str
    value: float
    weight: float
    contribution: float


@dataclass(frozen=True)
class PairExplanation:
    mentee: int
    mentor: int
    components: tuple[ComponentExplanation, ...]
    total: float


# -- building features from codes --------------------------------------------------------
def _mask(items: Iterable[str], index: dict[str, int], what: str, row: int) -> int:
    mask = 0
    for code in items:
        if code not in index:
            raise ValueError(f"row {row}: unknown {what} code {code!r}")
        mask |= 1 << index[code]
    return mask


def _specialty(code: str | None, row: int, optional: bool) -> int:
    if code is None or code == "":
        if optional:
            return -1
        raise ValueError(f"row {row}: a specialty is required")
    if code not in SPECIALTY_INDEX:
        raise ValueError(f"row {row}: unknown specialty code {code!r}")
    return SPECIALTY_INDEX[code]


def region_codes_to_state_mask(items: Iterable[str], row: int = 0) -> int:
    """State and census-division codes -> bitmask over `codes.STATES` (division = its states)."""
    mask = 0
    for code in items:
        if code in STATE_INDEX:
            mask |= 1 << STATE_INDEX[code]
        elif code in DIVISION_INDEX:
            for k in np.flatnonzero(DIVISION_INDEX[code] == STATE_DIVISION):
                mask |= 1 << int(k)
        else:
            raise ValueError(f"row {row}: unknown state or census-division code {code!r}")
    return mask


def encode_mentees(
    specialty: Sequence[str],
    second_specialty: Sequence[str | None] | None = None,
    preferred_regions: Sequence[Iterable[str]] | None = None,
    research: Sequence[Iterable[str]] | None = None,
) -> MenteeFeatures:
    """Mentee feature arrays from domain codes; raises ValueError naming the row."""
    n = len(specialty)
    second = second_specialty if second_specialty is not None else [None] * n
    regions = preferred_regions if preferred_regions is not None else [()] * n
    interests = research if research is not None else [()] * n
    if not (len(second) == len(regions) == len(interests) == n):
        raise ValueError("all mentee feature lists must have one entry per mentee")
    return MenteeFeatures(
        specialty=np.array([_specialty(c, r, False) for r, c in enumerate(specialty)], np.int64),
        second_specialty=np.array(
            [_specialty(c, r, True) for r, c in enumerate(second)], np.int64
        ),
        state_mask=np.array(
            [region_codes_to_state_mask(c, r) for r, c in enumerate(regions)], np.uint64
        ),
        research=np.array(
            [_mask(c, RESEARCH_INDEX, "research", r) for r, c in enumerate(interests)], np.uint64
        ),
    )


def encode_mentors(
    specialty: Sequence[str],
    state: Sequence[str],
    research: Sequence[Iterable[str]] | None = None,
    subspecialty: Sequence[str | None] | None = None,
) -> MentorFeatures:
    """Mentor feature arrays from domain codes; raises ValueError naming the row."""
    n = len(specialty)
    sub = subspecialty if subspecialty is not None else [None] * n
    interests = research if research is not None else [()] * n
    if not (len(state) == len(sub) == len(interests) == n):
        raise ValueError("all mentor feature lists must have one entry per mentor")
    states = []
    for r, code in enumerate(state):
        if code not in STATE_INDEX:
            raise ValueError(f"row {r}: unknown state code {code!r}")
        states.append(STATE_INDEX[code])
    return MentorFeatures(
        specialty=np.array([_specialty(c, r, False) for r, c in enumerate(specialty)], np.int64),
        subspecialty=np.array([_specialty(c, r, True) for r, c in enumerate(sub)], np.int64),
        state=np.array(states, np.int64),
        research=np.array(
            [_mask(c, RESEARCH_INDEX, "research", r) for r, c in enumerate(interests)], np.uint64
        ),
    )


# -- the rules as small tables -------------------------------------------------------------
def specialty_similarity(
    parent: np.ndarray = SPECIALTY_PARENT, primary_care: np.ndarray = PRIMARY_CARE
) -> np.ndarray:
    """(S, S) table of the specialty component between two specialty indices."""
    family = np.where(parent >= 0, parent, np.arange(len(parent)))
    sim = np.where(primary_care[:, None] & primary_care[None, :], BOTH_PRIMARY_CARE, 0.0)
    sim = np.where(family[:, None] == family[None, :], SAME_FAMILY, sim)
    np.fill_diagonal(sim, SAME_SPECIALTY)
    return sim


def mentee_specialty_rows(
    mentees: MenteeFeatures, rows: np.ndarray, similarity: np.ndarray
) -> np.ndarray:
    """(len(rows), S): each mentee's specialty component against every specialty."""
    first = similarity[mentees.specialty[rows]]
    second_idx = mentees.second_specialty[rows]
    second = SECOND_CHOICE_FACTOR * similarity[np.maximum(second_idx, 0)]
    return np.where((second_idx >= 0)[:, None], np.maximum(first, second), first)


def mentee_region_rows(
    mentees: MenteeFeatures,
    rows: np.ndarray,
    state_division: np.ndarray = STATE_DIVISION,
    division_region: np.ndarray = DIVISION_REGION,
) -> np.ndarray:
    """(len(rows), n_states): each mentee's region component for a mentor in each state."""
    n_states = len(state_division)
    bits = (mentees.state_mask[rows][:, None] >> np.arange(n_states, dtype=np.uint64)) & 1
    preferred = bits.astype(bool)
    n_div = int(state_division.max()) + 1
    n_reg = int(division_region.max()) + 1
    div_onehot = state_division[:, None] == np.arange(n_div)  # (states, divisions)
    reg_onehot = division_region[state_division][:, None] == np.arange(n_reg)
    in_div = (preferred.astype(np.int64) @ div_onehot.astype(np.int64)) > 0  # (b, divisions)
    in_reg = (preferred.astype(np.int64) @ reg_onehot.astype(np.int64)) > 0
    out = np.zeros(preferred.shape, dtype=np.float64)
    out = np.where(in_reg[:, division_region[state_division]], REGION_CENSUS, out)
    out = np.where(in_div[:, state_division], REGION_DIVISION, out)
    out = np.where(preferred, REGION_STATE, out)
    anywhere = ~preferred.any(axis=1)
    out[anywhere] = REGION_ANYWHERE
    return out


def compute_components(
    mentees: MenteeFeatures,
    mentors: MentorFeatures,
    weights: ScoreWeights = ScoreWeights(),  # noqa: B008 - frozen dataclass, immutable
    rows: np.ndarray | slice | None = None,
) -> ScoreComponents:
    """Every component for the given mentee rows (all by default) against every mentor.

    Vectorised numpy; the reference the compiled `FeatureScores` is tested against.
    """
    idx = np.arange(len(mentees))[rows if rows is not None else slice(None)]
    sim = specialty_similarity()
    spec_rows = mentee_specialty_rows(mentees, idx, sim)
    specialty = spec_rows[:, mentors.specialty]
    sub = mentors.subspecialty
    specialty = np.where(
        sub >= 0, np.maximum(specialty, spec_rows[:, np.maximum(sub, 0)]), specialty
    )
    region = mentee_region_rows(mentees, idx)[:, mentors.state]
    a = mentees.research[idx][:, None]
    b = mentors.research[None, :]
    inter = np.bitwise_count(a & b).astype(np.float64)
    union = np.bitwise_count(a | b).astype(np.float64)
    research = inter / np.maximum(union, 1.0)
    ws, wr, wq = weights.normalised()
    total = ws * specialty + wr * region + wq * research
    return ScoreComponents(specialty, region, research, total)


def pair_components(
    mentees: MenteeFeatures,
    mentors: MentorFeatures,
    weights: ScoreWeights,
    rows: np.ndarray,
    cols: np.ndarray,
) -> ScoreComponents:
    """The components of the pairs (rows[k], cols[k]) only: 1-D arrays, the same floats as
    `compute_components` gives for those cells, without building any row x mentor block."""
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    picked = np.arange(len(rows))
    spec_rows = mentee_specialty_rows(mentees, rows, specialty_similarity())
    specialty = spec_rows[picked, mentors.specialty[cols]]
    sub = mentors.subspecialty[cols]
    specialty = np.where(
        sub >= 0, np.maximum(specialty, spec_rows[picked, np.maximum(sub, 0)]), specialty
    )
    region = mentee_region_rows(mentees, rows)[picked, mentors.state[cols]]
    a, b = mentees.research[rows], mentors.research[cols]
    inter = np.bitwise_count(a & b).astype(np.float64)
    union = np.bitwise_count(a | b).astype(np.float64)
    research = inter / np.maximum(union, 1.0)
    ws, wr, wq = weights.normalised()
    total = ws * specialty + wr * region + wq * research
    return ScoreComponents(specialty, region, research, total)


def compute_scores(
    mentees: MenteeFeatures,
    mentors: MentorFeatures,
    weights: ScoreWeights = ScoreWeights(),  # noqa: B008
    rows: np.ndarray | slice | None = None,
) -> np.ndarray:
    """The weighted total score for the given mentee rows against every mentor."""
    return compute_components(mentees, mentors, weights, rows).total


def iter_score_blocks(
    mentees: MenteeFeatures,
    mentors: MentorFeatures,
    weights: ScoreWeights = ScoreWeights(),  # noqa: B008
    block_rows: int = 1024,
) -> Iterator[tuple[int, int, ScoreComponents]]:
    """Yield (start, stop, components) over consecutive blocks of mentee rows."""
    for start in range(0, len(mentees), block_rows):
        stop = min(start + block_rows, len(mentees))
        yield start, stop, compute_components(mentees, mentors, weights, slice(start, stop))


def explain_pair(
    mentees: MenteeFeatures,
    mentors: MentorFeatures,
    mentee: int,
    mentor: int,
    weights: ScoreWeights = ScoreWeights(),  # noqa: B008
) -> PairExplanation:
    """Each component's value, normalised weight and contribution for one pair."""
    comp = compute_components(mentees, mentors, weights, np.array([mentee]))
    ws = dict(zip(COMPONENTS, weights.normalised(), strict=True))
    parts = tuple(
        ComponentExplanation(
            name,
            float(getattr(comp, name)[0, mentor]),
            ws[name],
            ws[name] * float(getattr(comp, name)[0, mentor]),
        )
        for name in COMPONENTS
    )
    return PairExplanation(mentee, mentor, parts, float(comp.total[0, mentor]))


# -- compiled block scoring for large rounds -----------------------------------------------
@njit(cache=True, parallel=True)
def _feature_block(spec_rows, reg_rows, res_e, ms, msub, mst, res_m, ws, wr, wq):
    b = spec_rows.shape[0]
    m = ms.shape[0]
    out = np.empty((b, m), np.float64)
    for i in prange(b):
        a = res_e[i]
        for j in range(m):
            sp = specialty_value(spec_rows[i, ms[j]], spec_rows[i, msub[j]], msub[j] >= 0)
            out[i, j] = pair_score(sp, reg_rows[i, mst[j]], a, res_m[j], ws, wr, wq)
    return out


class FeatureScores:
    """A `ScoreSource` computing total scores from features, block by block (compiled).

    Returns exactly the floats of `compute_scores` (same operations in the same order); the
    tests check this bit for bit.
    """

    def __init__(
        self,
        mentees: MenteeFeatures,
        mentors: MentorFeatures,
        weights: ScoreWeights = ScoreWeights(),  # noqa: B008
    ) -> None:
        self.mentees, self.mentors, self.weights = mentees, mentors, weights
        self._w = weights.normalised()
        self._sim = specialty_similarity()

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.mentees), len(self.mentors))

    def bound(self) -> float:
        return 1.0

    def rows(self, index: np.ndarray) -> np.ndarray:
        index = np.asarray(index, dtype=np.int64)
        spec_rows = np.ascontiguousarray(mentee_specialty_rows(self.mentees, index, self._sim))
        reg_rows = np.ascontiguousarray(mentee_region_rows(self.mentees, index))
        mt = self.mentors
        return _feature_block(
            spec_rows,
            reg_rows,
            self.mentees.research[index],
            mt.specialty,
            mt.subspecialty,
            mt.state,
            mt.research,
            *self._w,
        )

    def pairs(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Scores of the pairs (rows[k], cols[k]): the same floats as `rows`, without the rows."""
        rows = np.asarray(rows, dtype=np.int64)
        cols = np.asarray(cols, dtype=np.int64)
        out = np.empty(len(rows), np.float64)
        mt = self.mentors
        for start in range(0, len(rows), 16384):
            idx = rows[start : start + 16384]
            out[start : start + len(idx)] = _feature_pairs(
                np.ascontiguousarray(mentee_specialty_rows(self.mentees, idx, self._sim)),
                np.ascontiguousarray(mentee_region_rows(self.mentees, idx)),
                self.mentees.research[idx],
                np.ascontiguousarray(cols[start : start + len(idx)]),
                mt.specialty,
                mt.subspecialty,
                mt.state,
                mt.research,
                *self._w,
            )
        return out


@njit(cache=True, parallel=True)
def _feature_pairs(spec_rows, reg_rows, res_e, cols, ms, msub, mst, res_m, ws, wr, wq):
    """Scores of pairs (row k of the tables, mentor cols[k]): the floats of `_feature_block`."""
    out = np.empty(cols.shape[0], np.float64)
    for k in prange(cols.shape[0]):
        j = cols[k]
        sp = specialty_value(spec_rows[k, ms[j]], spec_rows[k, msub[j]], msub[j] >= 0)
        out[k] = pair_score(sp, reg_rows[k, mst[j]], res_e[k], res_m[j], ws, wr, wq)
    return out


def top_k_mentors(
    source: FeatureScores | np.ndarray, k: int, block_rows: int = 512
) -> tuple[np.ndarray, np.ndarray]:
    """Each mentee's k best mentors (ties: lower index) and their scores, computed in blocks.

    For a shortlist or a preview; the solver builds its own candidate sets.
    """
    scores = source if isinstance(source, FeatureScores) else None
    n, m = source.shape
    k = min(k, m)
    cols = np.empty((n, k), np.int64)
    vals = np.empty((n, k), np.float64)
    for start in range(0, n, block_rows):
        idx = np.arange(start, min(n, start + block_rows))
        block = scores.rows(idx) if scores is not None else np.asarray(source)[idx]
        order = np.argsort(-block, axis=1, kind="stable")[:, :k]
        cols[idx] = order
        vals[idx] = np.take_along_axis(block, order, axis=1)
    return cols, vals
