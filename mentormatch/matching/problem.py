"""The matching problem: validated inputs, nothing else.

A `MatchingProblem` is checked once, when it is built, so that the algorithms can trust it.
Every error names the offending index, because the person reading it has to find the row in a
spreadsheet of thousands.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, runtime_checkable

import numpy as np

OBJECTIVES = ("coverage", "score")


class InvalidProblem(ValueError):
    """The inputs cannot describe a matching problem; the message says which index is wrong."""


@runtime_checkable
class ScoreSource(Protocol):
    """Scores computed on demand, one block of mentee rows at a time.

    Large rounds (100,000 x 20,000) do not fit in memory as a dense matrix, so the engine asks
    for rows when it needs them. A source must return the same floats for the same rows every
    time (the certificate is checked against them) and they must be finite.
    """

    @property
    def shape(self) -> tuple[int, int]: ...

    def rows(self, index: np.ndarray) -> np.ndarray:
        """Float64 array (len(index), n_mentors) of the scores of those mentees."""
        ...

    def bound(self) -> float:
        """An upper bound on |score| over all pairs (used to choose the integer scale)."""
        ...


class DenseScores:
    """A score matrix already in memory, seen through the `ScoreSource` interface.

    The matrix must not change afterwards (its bound is computed once); `MatchingProblem`
    copies and freezes the arrays it is given."""

    def __init__(self, scores: np.ndarray) -> None:
        self.matrix = scores
        self._bound: float | None = None

    @property
    def shape(self) -> tuple[int, int]:
        return self.matrix.shape  # type: ignore[return-value]

    def rows(self, index: np.ndarray) -> np.ndarray:
        index = np.asarray(index)
        if len(index) and index[-1] - index[0] + 1 == len(index) and (np.diff(index) == 1).all():
            return self.matrix[int(index[0]) : int(index[-1]) + 1]  # a view, no copy
        return self.matrix[index]

    def bound(self) -> float:
        # asked by the integer scale, the rounded-score cache and the certificate: one pass
        # over the matrix (20 M floats at 10,000 x 2,000) is enough
        if self._bound is None:
            # two reductions without the 160 MB temporary of np.abs (half the time)
            m = self.matrix
            self._bound = max(float(m.max()), -float(m.min())) if m.size else 0.0
        return self._bound


def _first_true(mask: np.ndarray) -> tuple[int, ...]:
    return tuple(int(k) for k in np.argwhere(mask)[0])


class MatchingProblem:
    """Scores, capacities and rules of one matching round, validated.

    Args:
        scores: float array (n_mentees, n_mentors), higher is better, finite; or a
            `ScoreSource` that computes rows on demand (see `scoring.FeatureScores`).
        capacity: int array (n_mentors,), seats per mentor (>= 0), locked pairs included.
        allowed: bool array like scores, or None for "every pair allowed".
        locked: (mentee, mentor) pairs that must be in the result.
        forbidden: (mentee, mentor) pairs that may not be matched, stored sparsely (for large
            rounds where a dense `allowed` mask would not fit: a few hundred declined pairs
            among 100,000 x 20,000). Combines with `allowed` (a pair must pass both); a locked
            pair that is forbidden is an error, as is an index out of range.
        min_score: pairs scoring below this are not allowed (locked pairs are exempt).
        objective: "coverage" (most mentees matched, then highest total score) or "score"
            (highest total score; an unmatched mentee counts 0, so a pair with a negative score
            is never chosen unless locked).

    Raises:
        InvalidProblem: with a message that names the offending row, column or pair.
    """

    def __init__(
        self,
        scores: np.ndarray | ScoreSource,
        capacity: np.ndarray | Iterable[int],
        allowed: np.ndarray | None = None,
        locked: Iterable[tuple[int, int]] = (),
        min_score: float | None = None,
        objective: str = "coverage",
        forbidden: Iterable[tuple[int, int]] = (),
    ) -> None:
        if objective not in OBJECTIVES:
            raise InvalidProblem(
                f"unknown objective {objective!r}; choose one of {', '.join(OBJECTIVES)}"
            )
        self.objective = objective
        self.source, self.scores = _validate_scores(scores)
        n, m = self.source.shape
        self.n_mentees, self.n_mentors = int(n), int(m)
        self.capacity = _validate_capacity(capacity, self.n_mentors)
        self.allowed = _validate_allowed(allowed, (self.n_mentees, self.n_mentors))
        if min_score is not None:
            try:
                min_score = float(min_score)
            except (TypeError, ValueError):
                raise InvalidProblem(f"min_score must be a number, got {min_score!r}") from None
            if not np.isfinite(min_score):
                raise InvalidProblem(f"min_score must be finite, got {min_score}")
        self.min_score = min_score
        self.forbidden = self._validate_pairs(forbidden, "forbidden")
        # CSR by mentee: forbidden mentors of mentee i are forbidden_cols[ptr[i]:ptr[i + 1]]
        self._forbidden_ptr = np.zeros(self.n_mentees + 1, np.int64)
        np.cumsum(
            np.bincount(self.forbidden[:, 0], minlength=self.n_mentees),
            out=self._forbidden_ptr[1:],
        )
        self._forbidden_cols = self.forbidden[:, 1].copy()
        self.locked = self._validate_locked(locked)

        self.locked_mentor_of = np.full(self.n_mentees, -1, dtype=np.int64)
        self.locked_mentor_of[self.locked[:, 0]] = self.locked[:, 1]
        locked_load = np.bincount(self.locked[:, 1], minlength=self.n_mentors)
        # Seats left for the optimisation once the locked pairs have taken theirs.
        self.residual_capacity = self.capacity - locked_load
        self.free_mentees = np.flatnonzero(self.locked_mentor_of < 0)
        for name in ("capacity", "residual_capacity", "locked", "locked_mentor_of", "forbidden"):
            getattr(self, name).setflags(write=False)

    # -- helpers the algorithms share -------------------------------------------------------
    @property
    def forbidden_rows(self) -> bool:
        """True when there is at least one forbidden pair."""
        return len(self.forbidden) > 0

    def is_allowed(self, i: int, j: int) -> bool:
        """Whether the pair passes `allowed` and `forbidden` (min_score not applied)."""
        if self.allowed is not None and not self.allowed[i, j]:
            return False
        lo, hi = self._forbidden_ptr[i], self._forbidden_ptr[i + 1]
        return not (self._forbidden_cols[lo:hi] == j).any()

    def pair_mask(self, rows: np.ndarray) -> np.ndarray | None:
        """`allowed` with the forbidden pairs removed for these rows (None: all allowed)."""
        rows = np.asarray(rows, dtype=np.int64)
        if self.allowed is None and not self.forbidden_rows:
            return None
        if self.allowed is None:
            mask = np.ones((len(rows), self.n_mentors), dtype=bool)
        else:
            mask = np.array(self.allowed[rows], dtype=bool)
        if self.forbidden_rows:
            starts = self._forbidden_ptr[rows]
            counts = self._forbidden_ptr[rows + 1] - starts
            total = int(counts.sum())
            if total:
                r = np.repeat(np.arange(len(rows)), counts)
                offs = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
                mask[r, self._forbidden_cols[np.repeat(starts, counts) + offs]] = False
        return mask

    def pair_scores(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Float scores of the pairs (rows[k], cols[k]), without scoring whole rows."""
        rows = np.asarray(rows, dtype=np.int64)
        cols = np.asarray(cols, dtype=np.int64)
        if self.scores is not None:
            return np.asarray(self.scores[rows, cols], dtype=np.float64)
        pairs = getattr(self.source, "pairs", None)
        if pairs is not None:
            return np.asarray(pairs(rows, cols), dtype=np.float64)
        out = np.empty(len(rows), np.float64)
        step = max(1, (4 << 20) // max(1, self.n_mentors))
        for start in range(0, len(rows), step):
            idx = rows[start : start + step]
            block = self.source.rows(idx)
            out[start : start + len(idx)] = block[np.arange(len(idx)), cols[start : start + step]]
        return out

    def pairs_allowed(self, rows: np.ndarray, cols: np.ndarray, scores=None) -> np.ndarray:
        """Whether each pair (rows[k], cols[k]) passes allowed, forbidden and min_score."""
        rows = np.asarray(rows, dtype=np.int64)
        cols = np.asarray(cols, dtype=np.int64)
        ok = np.ones(len(rows), dtype=bool)
        if self.allowed is not None:
            ok &= self.allowed[rows, cols]
        if self.forbidden_rows and len(rows):
            keys = self.forbidden[:, 0] * self.n_mentors + self.forbidden[:, 1]
            ok &= ~np.isin(rows * self.n_mentors + cols, keys)
        if self.min_score is not None:
            s = self.pair_scores(rows, cols) if scores is None else scores
            ok &= s >= self.min_score
        return ok

    def allowed_mask(self, rows: np.ndarray, block: np.ndarray) -> np.ndarray:
        """Which pairs of these mentee rows may be matched (min_score applied, locks ignored)."""
        mask = self.pair_mask(rows)
        if mask is None:
            mask = np.ones(block.shape, dtype=bool)
        if self.min_score is not None:
            mask &= block >= self.min_score
        return mask

    def row_blocks(self, rows: np.ndarray):
        """Yield (row indices, score block) over `rows`, sized so a block stays ~32 MB."""
        block_rows = max(1, (4 << 20) // max(1, self.n_mentors))
        for start in range(0, len(rows), block_rows):
            idx = rows[start : start + block_rows]
            yield idx, np.ascontiguousarray(self.source.rows(idx), dtype=np.float64)

    def __repr__(self) -> str:
        return (
            f"MatchingProblem({self.n_mentees} mentees x {self.n_mentors} mentors, "
            f"{int(self.capacity.sum())} seats, {len(self.locked)} locked, "
            f"objective={self.objective!r})"
        )

    def _validate_pairs(self, pairs: Iterable[tuple[int, int]], what: str) -> np.ndarray:
        """(k, 2) int64 array of (mentee, mentor) pairs; errors name the pair and the index."""
        if (
            isinstance(pairs, np.ndarray)
            and pairs.ndim == 2
            and pairs.shape[1] == 2
            and pairs.dtype.kind in "iu"
            and len(pairs)
        ):
            # fast path for large integer arrays; any bad row falls through to the loop below,
            # which names it
            arr = pairs.astype(np.int64)
            bad = (
                (arr[:, 0] < 0)
                | (arr[:, 0] >= self.n_mentees)
                | (arr[:, 1] < 0)
                | (arr[:, 1] >= self.n_mentors)
            )
            if not bad.any():
                return np.unique(arr, axis=0) if what == "forbidden" else arr
        items = list(pairs)
        out = np.zeros((len(items), 2), dtype=np.int64)
        for k, pair in enumerate(items):
            try:
                i, j = pair
            except (TypeError, ValueError):
                raise InvalidProblem(
                    f"{what} pair #{k} must be a (mentee, mentor) pair, got {pair!r}"
                ) from None
            if not (_is_int(i) and _is_int(j)):
                raise InvalidProblem(f"{what} pair #{k} ({i!r}, {j!r}) must hold integer indices")
            i, j = int(i), int(j)
            if not 0 <= i < self.n_mentees:
                raise InvalidProblem(
                    f"{what} pair #{k}: mentee index {i} is out of range 0..{self.n_mentees - 1}"
                )
            if not 0 <= j < self.n_mentors:
                raise InvalidProblem(
                    f"{what} pair #{k}: mentor index {j} is out of range 0..{self.n_mentors - 1}"
                )
            out[k] = (i, j)
        if what == "forbidden" and len(out):
            out = np.unique(out, axis=0)  # sorted by mentee, then mentor
        return out

    def _validate_locked(self, locked: Iterable[tuple[int, int]]) -> np.ndarray:
        out = self._validate_pairs(locked, "locked")
        seen: dict[int, int] = {}
        for i, j in out.tolist():
            if i in seen:
                raise InvalidProblem(
                    f"mentee {i} is locked twice (to mentor {seen[i]} and to mentor {j})"
                )
            seen[i] = j
            if self.allowed is not None and not self.allowed[i, j]:
                raise InvalidProblem(f"locked pair (mentee {i}, mentor {j}) is not allowed")
            if not self.is_allowed(i, j):
                raise InvalidProblem(f"locked pair (mentee {i}, mentor {j}) is forbidden")
        load = np.bincount(out[:, 1], minlength=self.n_mentors)
        over = np.flatnonzero(load > self.capacity)
        if len(over):
            j = int(over[0])
            raise InvalidProblem(
                f"mentor {j} has {int(load[j])} locked mentees but capacity "
                f"{int(self.capacity[j])}; raise the capacity or unlock a pair"
            )
        return out


def _is_int(x: object) -> bool:
    return isinstance(x, int | np.integer) and not isinstance(x, bool | np.bool_)


def _validate_scores(scores: np.ndarray | ScoreSource) -> tuple[ScoreSource, np.ndarray | None]:
    if not isinstance(scores, np.ndarray) and isinstance(scores, ScoreSource):
        shape = tuple(scores.shape)
        if len(shape) != 2:
            raise InvalidProblem(f"scores must be 2-D (mentees x mentors), got shape {shape}")
        return scores, None
    try:
        arr = np.array(scores, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidProblem("scores must be a numeric array (mentees x mentors)") from None
    if arr.ndim != 2:
        raise InvalidProblem(f"scores must be 2-D (mentees x mentors), got shape {arr.shape}")
    bad = ~np.isfinite(arr)
    if bad.any():
        i, j = _first_true(bad)
        raise InvalidProblem(
            f"score at row {i}, column {j} (mentee {i}, mentor {j}) is {arr[i, j]}; "
            "scores must be finite"
        )
    arr.setflags(write=False)
    return DenseScores(arr), arr


def _validate_capacity(capacity: np.ndarray | Iterable[int], n_mentors: int) -> np.ndarray:
    try:
        cap = np.array(capacity)
    except (TypeError, ValueError):
        raise InvalidProblem("capacity must be an array of integers, one per mentor") from None
    if cap.ndim != 1 or cap.shape[0] != n_mentors:
        raise InvalidProblem(
            f"capacity has shape {cap.shape} but scores have {n_mentors} mentor columns"
        )
    if cap.dtype == bool or not (
        np.issubdtype(cap.dtype, np.integer) or np.issubdtype(cap.dtype, np.floating)
    ):
        raise InvalidProblem("capacity must hold integers, one per mentor")
    if np.issubdtype(cap.dtype, np.floating):
        bad = ~np.isfinite(cap) | (cap != np.round(cap))
        if bad.any():
            j = int(np.flatnonzero(bad)[0])
            raise InvalidProblem(f"capacity of mentor {j} is {cap[j]}; it must be an integer")
    neg = cap < 0
    if neg.any():
        j = int(np.flatnonzero(neg)[0])
        raise InvalidProblem(f"capacity of mentor {j} is {cap[j]}; it must be 0 or more")
    return cap.astype(np.int64)


def _validate_allowed(allowed: np.ndarray | None, shape: tuple[int, int]) -> np.ndarray | None:
    if allowed is None:
        return None
    arr = np.asarray(allowed)
    if arr.shape != shape:
        raise InvalidProblem(f"allowed has shape {arr.shape} but scores have shape {shape}")
    if arr.dtype != bool:
        if not np.issubdtype(arr.dtype, np.number) or not np.isin(arr, (0, 1)).all():
            raise InvalidProblem("allowed must be a boolean array (or 0/1)")
        arr = arr.astype(bool)
    arr = arr.copy()
    arr.setflags(write=False)
    return arr
