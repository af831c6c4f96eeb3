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

from dataclasses import dataclass

import numpy as np
from numba import njit, prange

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
    if problem.n_mentors == 0:
        return BlockingPairs(0, np.zeros((0, 2), np.int64))  # nobody to prefer
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


REFILL = 32  # preference-list entries fetched per mentee at a time


@njit(cache=True, inline="always")
def _better(s1, i1, s2, i2):
    """(s1, mentee i1) ranks above (s2, i2) for a mentor: higher score, then lower index."""
    return s1 > s2 or (s1 == s2 and i1 < i2)


@njit(cache=True)
def _heap_fix_down(hs, hi, base, size, pos):
    # min-heap on (s, -i) inside hs/hi[base : base + size]: the mentor's worst mentee on top
    while True:
        c = 2 * pos + 1
        if c >= size:
            return
        if c + 1 < size and _better(
            hs[base + c], hi[base + c], hs[base + c + 1], hi[base + c + 1]
        ):
            c += 1
        if _better(hs[base + pos], hi[base + pos], hs[base + c], hi[base + c]):
            s, i = hs[base + pos], hi[base + pos]
            hs[base + pos], hi[base + pos] = hs[base + c], hi[base + c]
            hs[base + c], hi[base + c] = s, i
            pos = c
        else:
            return


@njit(cache=True)
def _heap_fix_up(hs, hi, base, pos):
    while pos > 0:
        parent = (pos - 1) >> 1
        if _better(hs[base + parent], hi[base + parent], hs[base + pos], hi[base + pos]):
            s, i = hs[base + pos], hi[base + pos]
            hs[base + pos], hi[base + pos] = hs[base + parent], hi[base + parent]
            hs[base + parent], hi[base + parent] = s, i
            pos = parent
        else:
            return


@njit(cache=True)
def _propose(stack, n_stack, free, cand, cand_s, length, ptr, exhausted, cap, seat_ptr, hs, hi,
             size, mentor_pos):  # fmt: skip
    """Deferred acceptance until every mentee is held, out of options, or needs more list.

    Returns the positions whose list ran out but whose row has more acceptable mentors.
    """
    refill = np.empty(n_stack + free.shape[0], np.int64)
    n_refill = 0
    while n_stack > 0:
        n_stack -= 1
        p = stack[n_stack]
        if ptr[p] >= length[p]:
            if not exhausted[p]:
                refill[n_refill] = p
                n_refill += 1
            continue
        j = cand[p, ptr[p]]
        s = cand_s[p, ptr[p]]
        ptr[p] += 1
        i = free[p]
        base = seat_ptr[j]
        if size[j] < cap[j]:
            hs[base + size[j]] = s
            hi[base + size[j]] = i
            _heap_fix_up(hs, hi, base, size[j])
            size[j] += 1
            mentor_pos[p] = j
        elif _better(s, i, hs[base], hi[base]):
            loser = _pos_of(free, hi[base])
            hs[base] = s
            hi[base] = i
            _heap_fix_down(hs, hi, base, size[j], 0)
            mentor_pos[p] = j
            mentor_pos[loser] = -1
            stack[n_stack] = loser
            n_stack += 1
        else:
            stack[n_stack] = p
            n_stack += 1
    return refill[:n_refill]


@njit(cache=True, inline="always")
def _pos_of(free, i):
    # free is sorted: binary search the mentee's position
    lo, hi = 0, free.shape[0]
    while hi - lo > 1:
        mid = (lo + hi) >> 1
        if free[mid] <= i:
            lo = mid
        else:
            hi = mid
    return lo


@njit(cache=True, parallel=True)
def _refill(block, allowed, use_allowed, pos, free, ok, cap, seat_ptr, hs, hi, size, last_s,
            last_j, cand, cand_s, length, ptr, exhausted, k):  # fmt: skip
    """Next k acceptable mentors of each row after its last proposal (score desc, index asc).

    Mentors already full with mentees they rank above this one are skipped: their thresholds
    only rise, so a proposal there would be rejected anyway.
    """
    b, m = block.shape
    for r in prange(b):
        p = pos[r]
        i = free[p]
        ks = np.empty(k, np.float64)
        kj = np.empty(k, np.int64)
        size_k = 0
        ls = last_s[p]
        lj = last_j[p]
        for j in range(m):
            if not ok[j] or (use_allowed and not allowed[r, j]):
                continue
            s = block[r, j]
            if not (s < ls or (s == ls and j > lj)):
                continue
            if size[j] >= cap[j] and not _better(s, i, hs[seat_ptr[j]], hi[seat_ptr[j]]):
                continue
            # keep the k best (s desc, j asc); the worst kept sits at index 0 of a heap
            if size_k < k:
                q = size_k
                size_k += 1
                while q > 0:
                    par = (q - 1) >> 1
                    if _better(ks[par], kj[par], s, j):
                        ks[q] = ks[par]
                        kj[q] = kj[par]
                        q = par
                    else:
                        break
                ks[q] = s
                kj[q] = j
            elif _better(s, j, ks[0], kj[0]):
                q = 0
                while True:
                    c = 2 * q + 1
                    if c >= size_k:
                        break
                    if c + 1 < size_k and _better(ks[c], kj[c], ks[c + 1], kj[c + 1]):
                        c += 1
                    if _better(s, j, ks[c], kj[c]):
                        ks[q] = ks[c]
                        kj[q] = kj[c]
                        q = c
                    else:
                        break
                ks[q] = s
                kj[q] = j
        # best first
        order = np.argsort(kj[:size_k])
        sel_s = ks[:size_k][order]
        sel_j = kj[:size_k][order]
        o2 = np.argsort(-sel_s, kind="mergesort")
        for t in range(size_k):
            cand[p, t] = sel_j[o2[t]]
            cand_s[p, t] = sel_s[o2[t]]
        length[p] = size_k
        ptr[p] = 0
        exhausted[p] = size_k < k
        if size_k > 0:
            last_s[p] = cand_s[p, size_k - 1]
            last_j[p] = cand[p, size_k - 1]


def solve_stable(problem: MatchingProblem) -> StableResult:
    """Mentee-proposing deferred acceptance with capacities, allowed pairs and locks.

    Compiled; each mentee's preference list is fetched `REFILL` entries at a time (rows are
    re-scored only when a mentee has been turned down by all of them), so memory stays
    O(mentees x REFILL) and unmatched mentees skip mentors that would turn them down anyway.
    """
    free = problem.free_mentees.astype(np.int64)
    nf = len(free)
    m = problem.n_mentors
    cap = np.maximum(problem.residual_capacity, 0).astype(np.int64)
    ok = cap > 0
    seat_ptr = np.zeros(m + 1, np.int64)
    np.cumsum(cap, out=seat_ptr[1:])
    n_seats = int(seat_ptr[-1])
    hs = np.zeros(n_seats, np.float64)
    hi = np.zeros(n_seats, np.int64)
    size = np.zeros(m, np.int64)
    k = max(1, min(REFILL, m))
    cand = np.zeros((nf, k), np.int64)
    cand_s = np.zeros((nf, k), np.float64)
    length = np.zeros(nf, np.int64)
    ptr = np.zeros(nf, np.int64)
    exhausted = np.zeros(nf, dtype=bool)
    last_s = np.full(nf, np.inf)
    last_j = np.full(nf, -1, np.int64)
    mentor_pos = np.full(nf, -1, np.int64)
    pending = np.arange(nf, dtype=np.int64)
    while len(pending):
        for start in range(0, len(pending), 4096):
            pos = pending[start : start + 4096]
            idx = free[pos]
            block = np.ascontiguousarray(problem.source.rows(idx), dtype=np.float64)
            mask = problem.allowed_mask(idx, block)
            _refill(
                block, mask, True, pos, free, ok, cap, seat_ptr, hs, hi, size,
                last_s, last_j, cand, cand_s, length, ptr, exhausted, k,
            )  # fmt: skip
        stack = np.empty(nf + 1, np.int64)
        order = pending[::-1]
        stack[: len(order)] = order
        pending = _propose(
            stack, len(order), free, cand, cand_s, length, ptr, exhausted, cap, seat_ptr,
            hs, hi, size, mentor_pos,
        )  # fmt: skip
    mentor_of = problem.locked_mentor_of.copy()
    placed = mentor_pos >= 0
    mentor_of[free[placed]] = mentor_pos[placed]
    return StableResult(
        mentor_of=mentor_of,
        total_score=matched_total(problem, mentor_of),
        n_matched=int((mentor_of >= 0).sum()),
    )
