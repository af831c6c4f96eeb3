"""Stated preferences in the engine: sparse pair bonuses, and the stable mode on rank lists.

Mentees rank mentors (1 = first choice, up to N) and mentors mark some mentees "prefer".
Those preferences reach the optimal solve as a bonus on the few pairs concerned, added to
the pair's score from the features (`_pair_score.with_bonus`):

    bonus_ij = weight * (rank_value(r_ij) + prefer_value * p_ij + mutual_value * r&p) / 2

with rank_value(r) = (N + 1 - r) / N (first choice 1.0, the N-th 1/N), p_ij = 1 when the
mentor marked the mentee "prefer", and the mutual part when both hold (`PreferenceValues`).
The bonus is never negative (an "avoid" mark is a forbidden pair, not a penalty), so the
certificate stays exact: `PreferenceScores` is a `ScoreSource` whose rows and pairs are the
totals; the solver keeps every bonus pair among its candidates at its total weight and prices
the rest from the features alone, and `check_optimal` checks every pair against the features
and the bonus pairs against their totals (a total is never below its score, so together that
is every pair against its total).

The stable mode (`stable_on_preferences`) is mentee-proposing deferred acceptance on rank
lists completed by scores: a mentee proposes to the mentors they ranked, in rank order, then
to every other allowed mentor by total score (higher first, ties: lower index); a mentor holds
the mentees they marked "prefer" above the rest and otherwise the higher total score (ties:
lower index). Its result is the mentee-optimal stable matching of those lists (Gale-Shapley;
tests/matching/test_preferences.py checks it against daffidwilde/matching's
hospital-resident solver).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np
from numba import njit

from ._pair_score import with_bonus
from .problem import InvalidProblem, MatchingProblem, ScoreSource
from .scoring import FeatureScores


@dataclass(frozen=True)
class PreferenceValues:
    """How stated preferences turn into a bonus (see the module's formula)."""

    weight: float = 0.5
    prefer_value: float = 0.5
    mutual_value: float = 0.5

    def rank_value(self, rank: np.ndarray, max_ranks: int) -> np.ndarray:
        rank = np.asarray(rank, np.float64)
        return np.where(rank > 0, (max_ranks + 1 - rank) / max_ranks, 0.0)


class PairBonus:
    """Non-negative bonuses on a sparse set of (mentee, mentor) pairs, stored by mentee."""

    def __init__(self, shape: tuple[int, int], rows, cols, values) -> None:
        n, m = shape
        rows = np.asarray(rows, np.int64).reshape(-1)
        cols = np.asarray(cols, np.int64).reshape(-1)
        values = np.asarray(values, np.float64).reshape(-1)
        if not (len(rows) == len(cols) == len(values)):
            raise InvalidProblem("bonus rows, columns and values must have the same length")
        bad = (rows < 0) | (rows >= n) | (cols < 0) | (cols >= m)
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            raise InvalidProblem(
                f"bonus #{k} (mentee {rows[k]}, mentor {cols[k]}) is out of range"
            )
        bad = ~np.isfinite(values) | (values < 0)
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            raise InvalidProblem(
                f"bonus #{k} (mentee {rows[k]}, mentor {cols[k]}) is {values[k]}; a bonus must "
                "be a finite number >= 0 (an avoided pair is forbidden, not penalised)"
            )
        keys = rows * max(m, 1) + cols
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        dup = np.flatnonzero(keys[1:] == keys[:-1])
        if len(dup):
            k = int(order[dup[0] + 1])
            raise InvalidProblem(f"bonus #{k} (mentee {rows[k]}, mentor {cols[k]}) is given twice")
        self.shape = (int(n), int(m))
        self.keys = keys
        self.rows, self.cols, self.values = rows[order], cols[order], values[order]
        self.ptr = np.zeros(n + 1, np.int64)
        np.cumsum(np.bincount(self.rows, minlength=n), out=self.ptr[1:])

    def __len__(self) -> int:
        return len(self.values)

    def max(self) -> float:
        return float(self.values.max()) if len(self.values) else 0.0

    def lookup(self, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(has a bonus, bonus) of each pair (rows[k], cols[k])."""
        key = np.asarray(rows, np.int64) * max(self.shape[1], 1) + np.asarray(cols, np.int64)
        pos = np.searchsorted(self.keys, key)
        pos = np.minimum(pos, max(len(self.keys) - 1, 0))
        hit = (self.keys[pos] == key) if len(self.keys) else np.zeros(len(key), bool)
        return hit, np.where(hit, self.values[pos] if len(self.keys) else 0.0, 0.0)


@njit(cache=True)
def _add_bonus_rows(block, index, ptr, cols, values):
    for k in range(index.shape[0]):
        i = index[k]
        for p in range(ptr[i], ptr[i + 1]):
            block[k, cols[p]] = with_bonus(block[k, cols[p]], values[p])


class PreferenceScores:
    """A `ScoreSource`: the base scores (features or a matrix) plus a `PairBonus`."""

    def __init__(self, base: ScoreSource | np.ndarray, bonus: PairBonus) -> None:
        if isinstance(base, np.ndarray):
            from .problem import DenseScores

            base = DenseScores(np.asarray(base, np.float64))
        if tuple(base.shape) != bonus.shape:
            raise InvalidProblem(f"bonus shape {bonus.shape} != score shape {tuple(base.shape)}")
        self.base, self.bonus = base, bonus

    @property
    def shape(self) -> tuple[int, int]:
        return tuple(self.base.shape)  # type: ignore[return-value]

    @property
    def features(self) -> FeatureScores | None:
        return self.base if isinstance(self.base, FeatureScores) else None

    def bound(self) -> float:
        return float(self.base.bound()) + self.bonus.max()

    def rows(self, index: np.ndarray) -> np.ndarray:
        index = np.asarray(index, np.int64)
        block = np.array(self.base.rows(index), dtype=np.float64, copy=True, order="C")
        _add_bonus_rows(block, index, self.bonus.ptr, self.bonus.cols, self.bonus.values)
        return block

    def pairs(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        rows = np.asarray(rows, np.int64)
        cols = np.asarray(cols, np.int64)
        base_pairs = getattr(self.base, "pairs", None)
        if base_pairs is not None:
            out = np.asarray(base_pairs(rows, cols), np.float64).copy()
        else:
            out = np.empty(len(rows), np.float64)
            for k, (i, j) in enumerate(zip(rows.tolist(), cols.tolist(), strict=True)):
                out[k] = self.base.rows(np.array([i]))[0, j]
        hit, extra = self.bonus.lookup(rows, cols)
        out[hit] = out[hit] + extra[hit]  # the same float as with_bonus
        return out


def feature_source(source: ScoreSource) -> FeatureScores | None:
    """The features behind a source (itself, or the base of `PreferenceScores`), or None."""
    if isinstance(source, FeatureScores):
        return source
    if isinstance(source, PreferenceScores):
        return source.features
    return None


def bonus_of(source: ScoreSource) -> PairBonus | None:
    return source.bonus if isinstance(source, PreferenceScores) else None


def preference_bonus(
    shape: tuple[int, int],
    ranked: np.ndarray,
    preferred: np.ndarray,
    max_ranks: int,
    values: PreferenceValues = PreferenceValues(),  # noqa: B008
) -> PairBonus:
    """The bonus of stated preferences.

    ranked: (k, 3) int rows (mentee, mentor, rank 1..max_ranks); preferred: (p, 2) int rows
    (mentee, mentor) a mentor marked "prefer".
    """
    n, m = shape
    ranked = np.asarray(ranked, np.int64).reshape(-1, 3)
    preferred = np.asarray(preferred, np.int64).reshape(-1, 2)
    if len(ranked) and ((ranked[:, 2] < 1) | (ranked[:, 2] > max_ranks)).any():
        k = int(np.flatnonzero((ranked[:, 2] < 1) | (ranked[:, 2] > max_ranks))[0])
        raise InvalidProblem(f"rank #{k} is {ranked[k, 2]}; ranks run 1..{max_ranks}")
    keys_r = ranked[:, 0] * max(m, 1) + ranked[:, 1]
    keys_p = preferred[:, 0] * max(m, 1) + preferred[:, 1]
    keys = np.union1d(keys_r, keys_p)
    rank = np.zeros(len(keys), np.int64)
    rank[np.searchsorted(keys, keys_r)] = ranked[:, 2]
    pref = np.zeros(len(keys), bool)
    pref[np.searchsorted(keys, keys_p)] = True
    part = (
        values.rank_value(rank, max_ranks)
        + values.prefer_value * pref
        + values.mutual_value * ((rank > 0) & pref)
    )
    bonus = values.weight * part / 2.0
    keep = bonus > 0
    keys = keys[keep]
    return PairBonus(shape, keys // max(m, 1), keys % max(m, 1), bonus[keep])


# -- the stable mode -------------------------------------------------------------------------


@dataclass(frozen=True)
class StatedLists:
    """Rank lists completed by scores: mentee i proposes in order `mentee_list(i)`; a mentor
    compares mentees by `mentor_key` (higher is better)."""

    problem: MatchingProblem
    rank: dict[tuple[int, int], int]
    preferred: frozenset[tuple[int, int]]
    by_mentee: dict[int, dict[int, int]]  # mentee -> {mentor: rank}

    def mentee_list(self, i: int, row: np.ndarray | None = None) -> list[int]:
        """Mentee i's proposals in order (row: i's scores, when the caller has them)."""
        if row is None:
            row = np.asarray(self.problem.source.rows(np.array([i])), np.float64)[0]
        ok = self.problem.allowed_mask(np.array([i]), row[None, :])[0]
        ok &= self.problem.residual_capacity > 0
        ranked = sorted((r, j) for j, r in self.by_mentee.get(i, {}).items() if ok[j])
        ranked_js = [j for _, j in ranked]
        rest = np.flatnonzero(ok)
        rest = rest[~np.isin(rest, ranked_js)]
        rest = rest[np.lexsort((rest, -row[rest]))]
        return ranked_js + rest.tolist()

    def mentor_key(self, i: int, j: int, score: float) -> tuple[int, float, int]:
        return (int((i, j) in self.preferred), float(score), -int(i))


def stated_lists(problem: MatchingProblem, ranked, preferred) -> StatedLists:
    ranked = np.asarray(ranked, np.int64).reshape(-1, 3)
    preferred = np.asarray(preferred, np.int64).reshape(-1, 2)
    by_mentee: dict[int, dict[int, int]] = {}
    for i, j, r in ranked.tolist():
        by_mentee.setdefault(i, {})[j] = r
    return StatedLists(
        problem,
        {(int(i), int(j)): int(r) for i, j, r in ranked.tolist()},
        frozenset((int(i), int(j)) for i, j in preferred.tolist()),
        by_mentee,
    )


def stable_on_preferences(problem: MatchingProblem, ranked, preferred) -> np.ndarray:
    """Mentee-proposing deferred acceptance on the stated lists; returns mentor_of.

    Locked pairs are fixed and take their seats; their mentees do not propose. Pairs that are
    not allowed (forbidden, below min_score, not allowed) are on nobody's list.
    """
    lists = stated_lists(problem, ranked, preferred)
    n = problem.n_mentees
    mentor_of = problem.locked_mentor_of.copy()
    seats = problem.residual_capacity.astype(np.int64)
    held: list[list] = [[] for _ in range(problem.n_mentors)]  # min-heaps of (key, mentee)
    pending = [int(i) for i in problem.free_mentees[::-1]]  # a stack: lowest index first
    # each free mentee's ranked mentors now; the rest of the list (every other usable mentor
    # by score) only when the ranked ones are used up, which few are
    seats_left = problem.residual_capacity > 0
    blocks: list[tuple[np.ndarray, np.ndarray]] = []
    where: dict[int, tuple[int, int]] = {}
    prefs: dict[int, list[int]] = {}
    for idx, block in problem.row_blocks(problem.free_mentees):
        usable = problem.allowed_mask(idx, block) & seats_left[None, :]
        blocks.append((block, usable))
        for k, i in enumerate(idx.tolist()):
            where[i] = (len(blocks) - 1, k)
            ok = usable[k]
            ranked_here = sorted((r, j) for j, r in lists.by_mentee.get(i, {}).items() if ok[j])
            prefs[i] = [j for _, j in ranked_here]
    completed: set[int] = set()

    def complete(i: int) -> None:
        b, k = where[i]
        row, ok = blocks[b][0][k], blocks[b][1][k].copy()
        ok[prefs[i]] = False
        rest = np.flatnonzero(ok)
        prefs[i].extend(rest[np.argsort(-row[rest], kind="stable")].tolist())
        completed.add(i)

    nxt = np.zeros(n, np.int64)
    while pending:
        i = pending.pop()
        plist = prefs[i]
        b, k = where[i]
        scores = blocks[b][0][k]
        while True:
            if nxt[i] >= len(plist):
                if i in completed:
                    break
                complete(i)
                continue
            j = plist[nxt[i]]
            nxt[i] += 1
            key = lists.mentor_key(i, j, float(scores[j]))
            if len(held[j]) < seats[j]:
                heapq.heappush(held[j], (key, i))
                mentor_of[i] = j
                break
            if held[j] and held[j][0][0] < key:
                _, out = heapq.heapreplace(held[j], (key, i))
                mentor_of[i] = j
                mentor_of[out] = -1
                pending.append(out)
                break
    return mentor_of


@dataclass(frozen=True)
class StatedBlocking:
    count: int
    pairs: list[tuple[int, int]]  # (mentee, mentor), up to the limit


def stated_blocking_pairs(
    problem: MatchingProblem, mentor_of: np.ndarray, ranked, preferred, limit: int = 50
) -> StatedBlocking:
    """Pairs (i, j) with i ranking j above what i got (unmatched or an unranked mentor count
    below every ranked one), the pair allowed, and j with a free seat or holding a free
    (not locked) mentee it ranks below i (`StatedLists.mentor_key`)."""
    lists = stated_lists(problem, ranked, preferred)
    mentor_of = np.asarray(mentor_of)
    free_seat = problem.residual_capacity - np.bincount(
        mentor_of[(mentor_of >= 0) & (problem.locked_mentor_of < 0)], minlength=problem.n_mentors
    )
    worst: dict[int, tuple] = {}
    for i in np.flatnonzero((mentor_of >= 0) & (problem.locked_mentor_of < 0)).tolist():
        j = int(mentor_of[i])
        key = lists.mentor_key(i, j, float(problem.pair_scores([i], [j])[0]))
        if j not in worst or key < worst[j]:
            worst[j] = key
    found: list[tuple[int, int]] = []
    count = 0
    for (i, j), r in sorted(lists.rank.items()):
        if problem.locked_mentor_of[i] >= 0 or mentor_of[i] == j:
            continue
        got = lists.rank.get((i, int(mentor_of[i]))) if mentor_of[i] >= 0 else None
        if got is not None and got <= r:
            continue
        if problem.residual_capacity[j] <= 0:
            continue
        score = float(problem.pair_scores([i], [j])[0])
        if not problem.pairs_allowed(np.array([i]), np.array([j]), np.array([score]))[0]:
            continue
        if free_seat[j] > 0 or (j in worst and worst[j] < lists.mentor_key(i, j, score)):
            count += 1
            if len(found) < limit:
                found.append((i, j))
    return StatedBlocking(count, found)
