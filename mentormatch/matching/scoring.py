"""Scores from profiles: specialty, US region and research overlap, weighted, and four optional
extras a coordinator can switch on.

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

The optional extras (domain.md, "Optional extras"; weight 0 by default, so a round without
them scores exactly as before they existed). A mentee who states nothing for one of them gets
NEUTRAL (0.5) from every mentor, like "no regional preference": it neither helps nor hurts
any mentor, and the mentee's totals stay comparable with everybody else's.
- support: share of the mentee's sought support codes that the mentor offers,
  |sought & offered| / |sought|; NEUTRAL when the mentee seeks none.
- language: 1 when they share a language other than English, else 0; NEUTRAL when the mentee
  lists no language but English. English is left out on purpose: the programme works in
  English and every mentor speaks it, so sharing it tells nothing; what IMGs value is a
  mentor who speaks their first language (and often shares their culture).
- img_mentor: 1 when the mentee prefers an IMG mentor and the mentor is one, 0 when the mentee
  prefers one and the mentor is not; NEUTRAL when the mentee has no preference.
- visa: for a mentee who needs a visa for training (J-1, H-1B or undecided): 1 when the
  mentor's institution sponsors that visa (J-1 needs j1 or both, H-1B needs h1b or both,
  undecided takes any of j1, h1b, both), 0.5 when the institution's sponsorship is unknown
  (or not given), 0 when it sponsors none or only the other visa; NEUTRAL for a mentee who
  needs none (or has not said).

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

from ._pair_score import (
    N_SPONSOR,
    NEUTRAL,
    SPONSOR_UNKNOWN,
    VISA_UNKNOWN,
    pair_extras,
    pair_score,
    specialty_value,
    with_extras,
)

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
SUPPORT_INDEX = {code: k for k, code in enumerate(codes.SUPPORT_CODES)}
VISA_NEEDED_INDEX = {code: k for k, code in enumerate(codes.VISA_NEEDED)}
SPONSORSHIP_INDEX = {code: k for k, code in enumerate(codes.VISA_SPONSORSHIP)}
#: languages are ISO 639-1 codes (two letters): bit 26 * a + b of a (n, LANGUAGE_WORDS) mask
LANGUAGE_BITS = 26 * 26
LANGUAGE_WORDS = (LANGUAGE_BITS + 63) // 64
NOT_COUNTED_LANGUAGES = frozenset({"en"})  # see "language" above
BASE_COMPONENTS = ("specialty", "region", "research")
EXTRA_COMPONENTS = ("support", "language", "img_mentor", "visa")
COMPONENTS = BASE_COMPONENTS + EXTRA_COMPONENTS


@dataclass(frozen=True)
class ScoreWeights:
    """Coordinator weights, one per component in `COMPONENTS` order; normalised to sum 1 so
    the total stays in [0, 1]. The extras default to 0 (off)."""

    specialty: float = 0.5
    region: float = 0.2
    research: float = 0.3
    support: float = 0.0
    language: float = 0.0
    img_mentor: float = 0.0
    visa: float = 0.0

    def normalised(self) -> tuple[float, ...]:
        """The seven weights divided by their sum (`COMPONENTS` order)."""
        raw = np.array([getattr(self, name) for name in COMPONENTS], dtype=np.float64)
        if not np.isfinite(raw).all() or (raw < 0).any():
            raise ValueError(f"weights must be finite and >= 0, got {tuple(raw)}")
        # summed left to right: with the extras at 0 the sum, and so every normalised base
        # weight, is the float it was with three components
        total = 0.0
        for value in raw.tolist():
            total += value
        if total <= 0:
            raise ValueError("at least one weight must be positive")
        return tuple((raw / total).tolist())

    @property
    def extras_on(self) -> bool:
        """Whether any optional extra has a weight above 0."""
        return any(getattr(self, name) > 0 for name in EXTRA_COMPONENTS)


def _set_array(obj, name: str, value, dtype, shape: tuple[int, ...], default) -> None:
    """Set a frozen dataclass's array field to `value` as a C-contiguous array of `dtype` and
    `shape` (`default` filled when None): the compiled kernels see one array type only."""
    if value is None:
        array = np.full(shape, default, dtype=dtype)
    else:
        array = np.ascontiguousarray(value, dtype=dtype)
        if array.shape != shape:
            raise ValueError(f"{name} has shape {array.shape}, expected {shape}")
    object.__setattr__(obj, name, array)


@dataclass(frozen=True)
class MenteeFeatures:
    """One row per mentee: specialty index, second choice (-1 none), preferred-state bitmask
    over `codes.STATES` (divisions already expanded; 0 = anywhere), research bitmask over
    `codes.RESEARCH_CODES`; for the extras (default: nothing stated) the sought-support bitmask
    over `codes.SUPPORT_CODES`, the languages other than English as a (n, LANGUAGE_WORDS)
    bitmask (`language_mask`), whether an IMG mentor is preferred, and the visa needed for
    training (index into `codes.VISA_NEEDED`, 0 = none)."""

    specialty: np.ndarray
    second_specialty: np.ndarray
    state_mask: np.ndarray
    research: np.ndarray
    support: np.ndarray | None = None
    languages: np.ndarray | None = None
    prefers_img: np.ndarray | None = None
    visa_needed: np.ndarray | None = None

    def __post_init__(self) -> None:
        n = len(self.specialty)
        _set_array(self, "support", self.support, np.uint64, (n,), 0)
        _set_array(self, "languages", self.languages, np.uint64, (n, LANGUAGE_WORDS), 0)
        _set_array(self, "prefers_img", self.prefers_img, np.bool_, (n,), False)
        _set_array(self, "visa_needed", self.visa_needed, np.int64, (n,), 0)

    def __len__(self) -> int:
        return len(self.specialty)


@dataclass(frozen=True)
class MentorFeatures:
    """One row per mentor: specialty index, subspecialty (-1 none), state index, research
    mask; for the extras the offered-support bitmask, the languages other than English, whether
    the mentor is an IMG, and the institution's visa sponsorship (index into
    `codes.VISA_SPONSORSHIP`; default unknown)."""

    specialty: np.ndarray
    subspecialty: np.ndarray
    state: np.ndarray
    research: np.ndarray
    support: np.ndarray | None = None
    languages: np.ndarray | None = None
    is_img: np.ndarray | None = None
    visa_sponsorship: np.ndarray | None = None

    def __post_init__(self) -> None:
        m = len(self.specialty)
        _set_array(self, "support", self.support, np.uint64, (m,), 0)
        _set_array(self, "languages", self.languages, np.uint64, (m, LANGUAGE_WORDS), 0)
        _set_array(self, "is_img", self.is_img, np.bool_, (m,), False)
        _set_array(
            self, "visa_sponsorship", self.visa_sponsorship, np.int64, (m,), SPONSOR_UNKNOWN
        )

    def __len__(self) -> int:
        return len(self.specialty)


@dataclass(frozen=True)
class ScoreComponents:
    """Per-component scores of a block of pairs, and their weighted total."""

    specialty: np.ndarray
    region: np.ndarray
    research: np.ndarray
    support: np.ndarray
    language: np.ndarray
    img_mentor: np.ndarray
    visa: np.ndarray
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


def language_mask(items: Iterable[str], row: int = 0) -> np.ndarray:
    """ISO 639-1 codes -> a (LANGUAGE_WORDS,) uint64 bitmask; English is not counted."""
    mask = np.zeros(LANGUAGE_WORDS, np.uint64)
    for raw in items:
        code = str(raw).strip().lower()
        if len(code) != 2 or not ("a" <= code[0] <= "z" and "a" <= code[1] <= "z"):
            raise ValueError(f"row {row}: unknown language code {raw!r}")
        if code in NOT_COUNTED_LANGUAGES:
            continue
        bit = 26 * (ord(code[0]) - ord("a")) + ord(code[1]) - ord("a")
        mask[bit // 64] |= np.uint64(1) << np.uint64(bit % 64)
    return mask


def _language_masks(items: Sequence[Iterable[str]]) -> np.ndarray:
    out = np.zeros((len(items), LANGUAGE_WORDS), np.uint64)
    for r, codes_ in enumerate(items):
        out[r] = language_mask(codes_ or (), r)
    return out


def _code_index(code: str | None, index: dict[str, int], default: int, what: str, row: int):
    if code is None or code == "":
        return default
    if code not in index:
        raise ValueError(f"row {row}: unknown {what} code {code!r}")
    return index[code]


def _optional(values, n: int, default):
    values = values if values is not None else [default] * n
    if len(values) != n:
        raise ValueError("all feature lists must have one entry per person")
    return values


def encode_mentees(
    specialty: Sequence[str],
    second_specialty: Sequence[str | None] | None = None,
    preferred_regions: Sequence[Iterable[str]] | None = None,
    research: Sequence[Iterable[str]] | None = None,
    *,
    support: Sequence[Iterable[str]] | None = None,
    languages: Sequence[Iterable[str]] | None = None,
    prefers_img: Sequence[bool] | None = None,
    visa_needed: Sequence[str | None] | None = None,
) -> MenteeFeatures:
    """Mentee feature arrays from domain codes; raises ValueError naming the row."""
    n = len(specialty)
    second = second_specialty if second_specialty is not None else [None] * n
    regions = preferred_regions if preferred_regions is not None else [()] * n
    interests = research if research is not None else [()] * n
    if not (len(second) == len(regions) == len(interests) == n):
        raise ValueError("all mentee feature lists must have one entry per mentee")
    sought = _optional(support, n, ())
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
        support=np.array(
            [_mask(c or (), SUPPORT_INDEX, "support", r) for r, c in enumerate(sought)], np.uint64
        ),
        languages=_language_masks(_optional(languages, n, ())),
        prefers_img=np.array([bool(x) for x in _optional(prefers_img, n, False)], np.bool_),
        visa_needed=np.array(
            [
                _code_index(c, VISA_NEEDED_INDEX, 0, "visa-needed", r)
                for r, c in enumerate(_optional(visa_needed, n, None))
            ],
            np.int64,
        ),
    )


def encode_mentors(
    specialty: Sequence[str],
    state: Sequence[str],
    research: Sequence[Iterable[str]] | None = None,
    subspecialty: Sequence[str | None] | None = None,
    *,
    support: Sequence[Iterable[str]] | None = None,
    languages: Sequence[Iterable[str]] | None = None,
    is_img: Sequence[bool] | None = None,
    visa_sponsorship: Sequence[str | None] | None = None,
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
    offered = _optional(support, n, ())
    return MentorFeatures(
        specialty=np.array([_specialty(c, r, False) for r, c in enumerate(specialty)], np.int64),
        subspecialty=np.array([_specialty(c, r, True) for r, c in enumerate(sub)], np.int64),
        state=np.array(states, np.int64),
        research=np.array(
            [_mask(c, RESEARCH_INDEX, "research", r) for r, c in enumerate(interests)], np.uint64
        ),
        support=np.array(
            [_mask(c or (), SUPPORT_INDEX, "support", r) for r, c in enumerate(offered)],
            np.uint64,
        ),
        languages=_language_masks(_optional(languages, n, ())),
        is_img=np.array([bool(x) for x in _optional(is_img, n, False)], np.bool_),
        visa_sponsorship=np.array(
            [
                _code_index(c, SPONSORSHIP_INDEX, SPONSOR_UNKNOWN, "visa-sponsorship", r)
                for r, c in enumerate(_optional(visa_sponsorship, n, None))
            ],
            np.int64,
        ),
    )


# -- the extras' per-person arrays, as the compiled kernels take them ----------------------
def mentee_flags(mentees: MenteeFeatures) -> np.ndarray:
    """One int64 per mentee (see `_pair_score`): bit 0 lists a language other than English,
    bit 1 prefers an IMG mentor, bits 2+ the visa needed."""
    listed = mentees.languages.any(axis=1).astype(np.int64)
    return listed | (mentees.prefers_img.astype(np.int64) << 1) | (mentees.visa_needed << 2)


def mentor_codes(mentors: MentorFeatures) -> np.ndarray:
    """One int64 per mentor: is_img * N_SPONSOR + visa sponsorship (see `_pair_score`)."""
    return mentors.is_img.astype(np.int64) * N_SPONSOR + mentors.visa_sponsorship


def shared_language_masks(
    mentees: MenteeFeatures, mentors: MentorFeatures
) -> tuple[np.ndarray, np.ndarray]:
    """The language masks kept to the languages somebody on each side speaks, renumbered from
    bit 0: (n, w) and (m, w) uint64 with w = max(1, ceil(kept / 64)), usually 1 (a pair shares
    a language in these masks exactly when it does in the full ones)."""
    both = np.bitwise_or.reduce(mentees.languages, axis=0) & np.bitwise_or.reduce(
        mentors.languages, axis=0
    )
    kept = [
        (word, bit)
        for word in range(LANGUAGE_WORDS)
        for bit in range(64)
        if int(both[word]) >> bit & 1
    ]
    words = max(1, (len(kept) + 63) // 64)
    out_e = np.zeros((len(mentees), words), np.uint64)
    out_m = np.zeros((len(mentors), words), np.uint64)
    for k, (word, bit) in enumerate(kept):
        shift, to = np.uint64(bit), np.uint64(k % 64)
        out_e[:, k // 64] |= ((mentees.languages[:, word] >> shift) & np.uint64(1)) << to
        out_m[:, k // 64] |= ((mentors.languages[:, word] >> shift) & np.uint64(1)) << to
    return out_e, out_m


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


def _visa_table() -> np.ndarray:
    """(visa needed, sponsorship) -> the visa component, from the rule in words."""
    sponsors = {"j1": {"j1", "both"}, "h1b": {"h1b", "both"}, "undecided": {"j1", "h1b", "both"}}
    table = np.zeros((len(codes.VISA_NEEDED), len(codes.VISA_SPONSORSHIP)))
    for n, need in enumerate(codes.VISA_NEEDED):
        for k, sponsor in enumerate(codes.VISA_SPONSORSHIP):
            if need == "none":
                table[n, k] = NEUTRAL
            elif sponsor == "unknown":
                table[n, k] = VISA_UNKNOWN
            else:
                table[n, k] = 1.0 if sponsor in sponsors[need] else 0.0
    return table


VISA_TABLE = _visa_table()


def _extra_components(mentees, mentors, r, c):
    """support, language, img_mentor and visa of the pairs (r, c) (broadcast index arrays):
    the numpy reference of `_pair_score.pair_extras`."""
    a, b = mentees.support[r], mentors.support[c]
    inter = np.bitwise_count(a & b).astype(np.float64)
    sought = np.bitwise_count(a).astype(np.float64)
    support = np.where(sought > 0, inter / np.maximum(sought, 1.0), NEUTRAL)
    shared = np.zeros(np.broadcast_shapes(np.shape(r), np.shape(c)), dtype=bool)
    for word in range(LANGUAGE_WORDS):
        shared |= (mentees.languages[r, word] & mentors.languages[c, word]) != 0
    listed = mentees.languages[r].any(axis=-1)
    language = np.where(listed, shared.astype(np.float64), NEUTRAL)
    img = np.where(mentees.prefers_img[r], mentors.is_img[c].astype(np.float64), NEUTRAL)
    visa = VISA_TABLE[mentees.visa_needed[r], mentors.visa_sponsorship[c]]
    shape = shared.shape
    return tuple(np.broadcast_to(x, shape).copy() for x in (support, language, img, visa))


def _components(weights, specialty, region, research, extras) -> ScoreComponents:
    ws, wr, wq, wu, wl, wi, wv = weights.normalised()
    total = ws * specialty + wr * region + wq * research
    support, language, img, visa = extras
    if weights.extras_on:
        total = total + ((wu * support + wl * language) + (wi * img + wv * visa))
    return ScoreComponents(specialty, region, research, support, language, img, visa, total)


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
    extras = _extra_components(mentees, mentors, idx[:, None], np.arange(len(mentors))[None, :])
    return _components(weights, specialty, region, research, extras)


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
    extras = _extra_components(mentees, mentors, rows, cols)
    return _components(weights, specialty, region, research, extras)


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
    """Each component's value, normalised weight and contribution for one pair (the base
    three, and each extra whose weight is above 0)."""
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
        if name in BASE_COMPONENTS or ws[name] > 0
    )
    return PairExplanation(mentee, mentor, parts, float(comp.total[0, mentor]))


# -- compiled block scoring for large rounds -----------------------------------------------
@njit(cache=True, parallel=True)
def _feature_block(
    spec_rows, reg_rows, res_e, ms, msub, mst, res_m, ws, wr, wq,
    sup_e, lang_e, flags_e, sup_m, lang_m, code_m, wu, wl, wi, wv, extras,
):  # fmt: skip
    b = spec_rows.shape[0]
    m = ms.shape[0]
    nw = lang_e.shape[1]
    out = np.empty((b, m), np.float64)
    for i in prange(b):
        a = res_e[i]
        if not extras:  # the loop as it was before the extras (nothing else in its way)
            for j in range(m):
                sp = specialty_value(spec_rows[i, ms[j]], spec_rows[i, msub[j]], msub[j] >= 0)
                out[i, j] = pair_score(sp, reg_rows[i, mst[j]], a, res_m[j], ws, wr, wq)
            continue
        for j in range(m):
            sp = specialty_value(spec_rows[i, ms[j]], spec_rows[i, msub[j]], msub[j] >= 0)
            s = pair_score(sp, reg_rows[i, mst[j]], a, res_m[j], ws, wr, wq)
            shared = False
            for w in range(nw):
                if lang_e[i, w] & lang_m[j, w] != 0:
                    shared = True
                    break
            extra = pair_extras(sup_e[i], sup_m[j], shared, flags_e[i], code_m[j], wu, wl, wi, wv)
            out[i, j] = with_extras(s, extra)
    return out


class FeatureScores:
    """A `ScoreSource` computing total scores from features, block by block (compiled).

    Returns exactly the floats of `compute_scores` (same operations in the same order); the
    tests check this bit for bit. With every extra's weight at 0 (`extras` False) the kernels
    skip the extras term: the same floats as with it (it would add +0.0), and no work.
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
        self.extras = weights.extras_on
        if self.extras and weights.language > 0:
            self.mentee_languages, self.mentor_languages = shared_language_masks(mentees, mentors)
        else:  # never read: a pair's language term has weight 0
            self.mentee_languages = np.zeros((len(mentees), 1), np.uint64)
            self.mentor_languages = np.zeros((len(mentors), 1), np.uint64)
        self.mentee_flags = mentee_flags(mentees)
        self.mentor_codes = mentor_codes(mentors)

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.mentees), len(self.mentors))

    @property
    def base_weights(self) -> tuple[float, float, float]:
        """(specialty, region, research), normalised."""
        return self._w[0], self._w[1], self._w[2]

    @property
    def extra_weights(self) -> tuple[float, float, float, float]:
        """(support, language, img_mentor, visa), normalised."""
        return self._w[3], self._w[4], self._w[5], self._w[6]

    def mentee_extras(self, index: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The extras' arrays of these mentees: support masks, language masks, flags."""
        return (
            self.mentees.support[index],
            np.ascontiguousarray(self.mentee_languages[index]),
            self.mentee_flags[index],
        )

    def mentor_extras(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The extras' arrays of every mentor: support masks, language masks, codes."""
        return self.mentors.support, self.mentor_languages, self.mentor_codes

    def bound(self) -> float:
        return 1.0

    def rows(self, index: np.ndarray) -> np.ndarray:
        index = np.asarray(index, dtype=np.int64)
        spec_rows = np.ascontiguousarray(mentee_specialty_rows(self.mentees, index, self._sim))
        reg_rows = np.ascontiguousarray(mentee_region_rows(self.mentees, index))
        mt = self.mentors
        return _feature_block(
            spec_rows, reg_rows, self.mentees.research[index], mt.specialty, mt.subspecialty,
            mt.state, mt.research, *self.base_weights, *self.mentee_extras(index),
            *self.mentor_extras(), *self.extra_weights, self.extras,
        )  # fmt: skip

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
                self.mentees.research[idx], np.ascontiguousarray(cols[start : start + len(idx)]),
                mt.specialty, mt.subspecialty, mt.state, mt.research, *self.base_weights,
                *self.mentee_extras(idx), *self.mentor_extras(), *self.extra_weights,
                self.extras,
            )  # fmt: skip
        return out


@njit(cache=True, parallel=True)
def _feature_pairs(
    spec_rows, reg_rows, res_e, cols, ms, msub, mst, res_m, ws, wr, wq,
    sup_e, lang_e, flags_e, sup_m, lang_m, code_m, wu, wl, wi, wv, extras,
):  # fmt: skip
    """Scores of pairs (row k of the tables, mentor cols[k]): the floats of `_feature_block`."""
    out = np.empty(cols.shape[0], np.float64)
    nw = lang_e.shape[1]
    for k in prange(cols.shape[0]):
        j = cols[k]
        sp = specialty_value(spec_rows[k, ms[j]], spec_rows[k, msub[j]], msub[j] >= 0)
        s = pair_score(sp, reg_rows[k, mst[j]], res_e[k], res_m[j], ws, wr, wq)
        if extras:
            shared = False
            for w in range(nw):
                if lang_e[k, w] & lang_m[j, w] != 0:
                    shared = True
                    break
            s = with_extras(
                s, pair_extras(sup_e[k], sup_m[j], shared, flags_e[k], code_m[j], wu, wl, wi, wv)
            )
        out[k] = s
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
