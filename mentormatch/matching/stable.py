"""The stability view: blocking pairs, and mentee-proposing deferred acceptance.

An optimal round maximises the programme's total; a stable round leaves no mentee and mentor
who would both rather be together. Coordinators compare the two.

Both sides rank by score (higher is better). A mentee ranks any allowed mentor above being
unmatched; a mentor with a free seat accepts any allowed mentee. Locked pairs are fixed: a
locked mentee never proposes and is never displaced, and its seat is simply taken. Ties are
broken by index (lower mentor index first for a mentee, lower mentee index first for a
mentor), so `solve_stable` is deterministic and its result has no blocking pair in the strict
sense used by `blocking_pairs` (both sides strictly better off).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from .problem import MatchingProblem
from .solver import MatchingResult, matched_total


@dataclass(frozen=True)
class BlockingPairs:
    count: int
    pairs: np.ndarray  # (k, 2) mentee, mentor; at most `limit` rows when a limit was given


@dataclass(frozen=True)
class StableResult:
    mentor_of: np.ndarray
    total_score: float
    n_matched: int


def _current_scores(problem: MatchingProblem, mentor_of: np.ndarray) -> np.ndarray:
    cur = np.full(problem.n_mentees, -np.inf)
    rows = np.flatnonzero(mentor_of >= 0)
    for start in range(0, len(rows), 4096):
        idx = rows[start : start + 4096]
        cur[idx] = problem.source.rows(idx)[np.arange(len(idx)), mentor_of[idx]]
    return cur


def blocking_pairs(
    problem: MatchingProblem, result: MatchingResult | StableResult | np.ndarray, limit=None
) -> BlockingPairs:
    """Count (and list up to `limit`) the pairs (i, j) that would both rather be together.

    i is a free mentee, j an allowed mentor with seats left after locks, j is not i's mentor,
    s_ij > i's current score (unmatched counts as -inf), and j has a free seat or a free
    (not locked) mentee scoring strictly below s_ij.
    """
    mentor_of = np.asarray(getattr(result, "mentor_of", result))
    cur = _current_scores(problem, mentor_of)
    free = problem.free_mentees
    rescap = problem.residual_capacity
    threshold = np.full(problem.n_mentors, np.inf)
    is_free = problem.locked_mentor_of < 0
    fm = free[mentor_of[free] >= 0]
    load = np.bincount(mentor_of[fm], minlength=problem.n_mentors)
    worst = np.full(problem.n_mentors, np.inf)
    np.minimum.at(worst, mentor_of[fm], cur[fm])
    threshold = np.where(load < rescap, -np.inf, worst)
    threshold[rescap <= 0] = np.inf
    count = 0
    found = []
    for idx, block in problem.row_blocks(free):
        mask = problem.allowed_mask(idx, block)
        mask &= block > cur[idx][:, None]
        mask &= block > threshold[None, :]
        mask[np.arange(len(idx)), np.maximum(mentor_of[idx], 0)] &= mentor_of[idx] < 0
        mask &= is_free[idx][:, None]
        count += int(mask.sum())
        if limit is None or sum(len(f) for f in found) < limit:
            r, c = np.nonzero(mask)
            found.append(np.stack([idx[r], c], axis=1))
    pairs = np.concatenate(found) if found else np.zeros((0, 2), np.int64)
    if limit is not None:
        pairs = pairs[:limit]
    return BlockingPairs(count, pairs.astype(np.int64))


def solve_stable(problem: MatchingProblem) -> StableResult:
    """Mentee-proposing deferred acceptance with capacities, allowed pairs and locks.

    Builds each free mentee's preference list (n_free x n_mentors indices), so it is meant for
    programme-sized rounds (up to ~10,000 x 2,000), not for the 100,000-mentee benchmark.
    """
    free = problem.free_mentees
    rescap = problem.residual_capacity
    prefs: dict[int, np.ndarray] = {}
    pref_scores: dict[int, np.ndarray] = {}
    for idx, block in problem.row_blocks(free):
        mask = problem.allowed_mask(idx, block) & (rescap > 0)[None, :]
        order = np.lexsort((np.broadcast_to(np.arange(block.shape[1]), block.shape), -block))
        for r, i in enumerate(idx):
            o = order[r][mask[r][order[r]]]
            prefs[int(i)] = o
            pref_scores[int(i)] = block[r][o]
    next_choice = dict.fromkeys(prefs, 0)
    held: list[list[tuple[float, int]]] = [[] for _ in range(problem.n_mentors)]
    mentor_of = problem.locked_mentor_of.copy()
    queue = [int(i) for i in free]
    queue.reverse()
    while queue:
        i = queue.pop()
        k = next_choice[i]
        if k >= len(prefs[i]):
            continue
        j = int(prefs[i][k])
        s = float(pref_scores[i][k])
        next_choice[i] = k + 1
        heap = held[j]
        # the mentor keeps the best; on equal scores the lower mentee index
        key = (s, -i)
        if len(heap) < rescap[j]:
            heapq.heappush(heap, key)
            mentor_of[i] = j
        elif heap and key > heap[0]:
            _, loser = heapq.heapreplace(heap, key)
            mentor_of[i] = j
            mentor_of[-loser] = -1
            queue.append(-loser)
        else:
            queue.append(i)
    return StableResult(
        mentor_of=mentor_of,
        total_score=matched_total(problem, mentor_of),
        n_matched=int((mentor_of >= 0).sum()),
    )
