"""`explain_unmatched`: why each unmatched mentee has no mentor, in terms a coordinator can act on.

The interesting case is "every allowed mentor is full". Then the mentee belongs to a group
that is bigger than the seats it can use: a Hall violator. It is found from the result itself
(which, for "coverage", is a maximum matching): follow alternating paths from the mentee
(allowed mentor -> a mentee on that mentor's seats -> that mentee's allowed mentors -> ...).
The mentors reached are all full, and the mentees on their seats plus this one outnumber their
seats, so no rearrangement can place everyone (König's theorem). For speed with thousands of
unmatched mentees the search runs on a mentor-level graph, condensed to strongly connected
components, and the reachable set is computed once per distinct starting set.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from .problem import MatchingProblem
from .solver import MatchingResult

NO_ALLOWED_MENTOR = "no_allowed_mentor"
NO_SEATS = "no_seats"
MENTORS_FULL = "mentors_full"
LOWERS_TOTAL_SCORE = "lowers_total_score"
ONLY_NEGATIVE_SCORES = "only_negative_scores"


@dataclass(frozen=True)
class UnmatchedReason:
    """Why `mentee` is unmatched.

    code: one of no_allowed_mentor, no_seats, mentors_full, lowers_total_score,
    only_negative_scores. mentors: the mentors concerned (for mentors_full, the full mentors
    the group competes for); mentees: the competing group (mentors_full), else empty.
    """

    mentee: int
    code: str
    message: str
    mentors: np.ndarray
    mentees: np.ndarray


def _fmt(ids: np.ndarray, limit: int = 8) -> str:
    shown = ", ".join(str(int(x)) for x in ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


@njit(cache=True)
def _find(parent, x):
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


@njit(cache=True)
def _bfs_block(mask, row_label, lab, parent, new_mentors, n_new):
    """One block of the alternating search: label each allowed mentor of each row.

    An unvisited mentor takes the row's label (and is queued, to scan its seat holders next);
    a visited one merges the two labels (union-find), so labels end as connected groups.
    """
    b, m = mask.shape
    for r in range(b):
        lr = row_label[r]
        for j in range(m):
            if not mask[r, j]:
                continue
            if lab[j] < 0:
                lab[j] = lr
                new_mentors[n_new] = j
                n_new += 1
            else:
                x = _find(parent, lab[j])
                y = _find(parent, lr)
                if x != y:
                    if x < y:
                        parent[y] = x
                    else:
                        parent[x] = y
    return n_new


def _usable_blocks(problem, rows, ok):
    for idx, block in problem.row_blocks(rows):
        yield idx, block, problem.allowed_mask(idx, block) & ok[None, :]


def explain_unmatched(problem: MatchingProblem, result: MatchingResult) -> list[UnmatchedReason]:
    """One reason per unmatched mentee, in mentee order.

    One alternating search from all the "mentors full" mentees at once (mentee -> allowed
    mentor -> the mentees on its seats -> their allowed mentors ...), labelled with union-find
    so that each connected group gets its own Hall violator; every mentee row is scored once.
    Under "score", a mentee who could reach a free seat by such a path is told that placing
    them lowers the total (found by the same kind of search, backwards from free seats).
    """
    mentor_of = np.asarray(result.mentor_of)
    m = problem.n_mentors
    rescap = problem.residual_capacity
    ok = rescap > 0
    free = problem.free_mentees
    unmatched = free[mentor_of[free] < 0]
    if len(unmatched) == 0:
        return []
    matched = free[mentor_of[free] >= 0]
    load = np.bincount(mentor_of[matched], minlength=m)
    by_mentor = matched[np.argsort(mentor_of[matched], kind="stable")]
    holder_ptr = np.zeros(m + 1, np.int64)
    np.cumsum(load, out=holder_ptr[1:])

    reasons: dict[int, UnmatchedReason] = {}
    empty = np.zeros(0, dtype=np.int64)
    candidates = []
    for idx, block in problem.row_blocks(unmatched):
        allowed = problem.allowed_mask(idx, block)
        seated = allowed & ok[None, :]
        n_allowed = allowed.sum(axis=1)
        n_seated = seated.sum(axis=1)
        negative = np.zeros(len(idx), dtype=bool)
        if problem.objective == "score":
            negative = ~(seated & (block >= 0)).any(axis=1)
        for r in np.flatnonzero((n_allowed == 0) | (n_seated == 0) | negative):
            i = int(idx[r])
            opts = np.flatnonzero(allowed[r])
            if len(opts) == 0:
                reasons[i] = UnmatchedReason(
                    i, NO_ALLOWED_MENTOR,
                    f"mentee {i} has no allowed mentor: every pair is forbidden or scores "
                    "below the minimum score",
                    empty, empty,
                )  # fmt: skip
            elif n_seated[r] == 0:
                reasons[i] = UnmatchedReason(
                    i, NO_SEATS,
                    f"the allowed mentors of mentee {i} ({_fmt(opts)}) have no seats: capacity "
                    "0 or all seats taken by locked pairs",
                    opts, empty,
                )  # fmt: skip
            else:
                reasons[i] = UnmatchedReason(
                    i, ONLY_NEGATIVE_SCORES,
                    f"every allowed mentor of mentee {i} scores below 0; the 'score' objective "
                    "leaves a mentee unmatched rather than lower the total",
                    np.flatnonzero(seated[r]), empty,
                )  # fmt: skip
        candidates.append(idx[(n_seated > 0) & ~negative])
    cand = np.concatenate(candidates) if candidates else empty

    # mentors from which a free seat can be reached along an alternating path
    reach_free = ok & (load < rescap)
    if reach_free.any() and len(cand):
        while True:
            rows = matched[~reach_free[mentor_of[matched]]]
            grew = np.zeros(m, dtype=bool)
            for idx, _, usable in _usable_blocks(problem, rows, ok):
                hit = (usable & reach_free[None, :]).any(axis=1)
                grew[mentor_of[idx[hit]]] = True
            if not grew.any():
                break
            reach_free |= grew
        lowers = np.zeros(len(cand), dtype=bool)
        pos = 0
        for idx, _, usable in _usable_blocks(problem, cand, ok):
            lowers[pos : pos + len(idx)] = (usable & reach_free[None, :]).any(axis=1)
            pos += len(idx)
        for r in np.flatnonzero(lowers):
            i = int(cand[r])
            reasons[i] = UnmatchedReason(
                i, LOWERS_TOTAL_SCORE,
                f"mentee {i} could be placed, but only by lowering the total score (the "
                "'score' objective); switch to 'coverage' to place every mentee possible",
                empty, empty,
            )  # fmt: skip
        cand = cand[~lowers]

    # one alternating search from every "mentors full" mentee, labelled by connected group
    if len(cand):
        parent = np.arange(len(cand), dtype=np.int64)
        lab = np.full(m, -1, np.int64)
        new_mentors = np.empty(m, np.int64)
        rows, row_label = cand, np.arange(len(cand), dtype=np.int64)
        while len(rows):
            n_new = 0
            pos = 0
            for idx, _, usable in _usable_blocks(problem, rows, ok):
                n_new = _bfs_block(
                    np.ascontiguousarray(usable), row_label[pos : pos + len(idx)], lab, parent,
                    new_mentors, n_new,
                )  # fmt: skip
                pos += len(idx)
            fresh = new_mentors[:n_new]
            counts = holder_ptr[fresh + 1] - holder_ptr[fresh]
            starts = np.repeat(holder_ptr[fresh], counts)
            offs = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
            rows = by_mentor[starts + offs]
            row_label = np.repeat(lab[fresh], counts)
        root = np.array([_find(parent, x) for x in range(len(cand))], dtype=np.int64)
        visited = np.flatnonzero(lab >= 0)
        mentor_root = root[lab[visited]]
        for c in np.unique(root):
            group_mentors = visited[mentor_root == c].astype(np.int64)
            holders = (
                by_mentor[
                    np.concatenate(
                        [np.arange(holder_ptr[j], holder_ptr[j + 1]) for j in group_mentors]
                    ).astype(np.int64)
                ]
                if len(group_mentors)
                else empty
            )
            group = np.sort(np.concatenate([cand[root == c], holders])).astype(np.int64)
            seats = int(rescap[group_mentors].sum())
            for i in cand[root == c].tolist():
                reasons[i] = UnmatchedReason(
                    i, MENTORS_FULL,
                    f"all allowed mentors of mentee {i} are full: {len(group)} mentees compete "
                    f"for the {seats} seats of mentors {_fmt(group_mentors)}, and none of them "
                    "has another allowed mentor with a free seat; add capacity or allow more "
                    "pairs",
                    group_mentors, group,
                )  # fmt: skip
    return [reasons[i] for i in sorted(reasons)]


# -- the mentors an unmatched mentee could have had, and why each is not theirs ---------------
OPTION_FREE_SEAT = 0  # the mentor kept a free seat: the pair would lower the total score
OPTION_FULL = 1  # every seat the optimisation could use went to other mentees
OPTION_NO_SEATS = 2  # no seat to optimise: capacity 0, or locked pairs took every seat
OPTION_FORBIDDEN = 3  # the pair is forbidden (or not in `allowed`)
OPTION_BELOW_MIN = 4  # the pair scores below the minimum score


@dataclass(frozen=True)
class MentorOptions:
    """The best mentors of some mentees by score, and why each is not that mentee's.

    Row r is about ``mentees[r]``; columns are the mentee's best mentors, best first (ties:
    lower mentor index), -1 past the last mentor. ``status`` holds an OPTION_* code.
    ``seats`` is the mentor's residual capacity (seats left once locked pairs took theirs),
    ``locked_seats`` the seats locked pairs took, ``weakest_holder`` the lowest score with the
    mentor among the mentees on its residual seats (nan when none). For a full mentor of an
    optimal result it is at least this mentee's score: else swapping the two would score more.
    """

    mentees: np.ndarray
    mentors: np.ndarray
    scores: np.ndarray
    status: np.ndarray
    seats: np.ndarray
    locked_seats: np.ndarray
    weakest_holder: np.ndarray


@njit(cache=True)
def _best_columns(block, k, out):
    b, m = block.shape
    for r in range(b):
        found = 0
        for j in range(m):
            s = block[r, j]
            if found == k and s <= block[r, out[r, k - 1]]:
                continue  # an equal score never displaces an earlier (lower) column
            pos = found if found < k else k - 1
            while pos > 0 and block[r, out[r, pos - 1]] < s:
                out[r, pos] = out[r, pos - 1]
                pos -= 1
            out[r, pos] = j
            if found < k:
                found += 1


def best_columns(block: np.ndarray, k: int) -> np.ndarray:
    """Per row, the k highest columns, best first, ties by lower column (deterministic)."""
    block = np.ascontiguousarray(block, dtype=np.float64)
    b, m = block.shape
    k = min(int(k), m)
    out = np.full((b, k), -1, np.int64)
    if k > 0:
        _best_columns(block, k, out)
    return out


def mentor_options(
    problem: MatchingProblem, mentor_of: np.ndarray, mentees: np.ndarray, k: int
) -> MentorOptions:
    """For each of ``mentees`` (normally the unmatched ones), its ``k`` best mentors by score
    and the reason each is not its mentor under ``mentor_of``.

    Scores every row of ``mentees`` once (in blocks); the seat holders of the mentors named are
    scored pair by pair.
    """
    mentor_of = np.asarray(mentor_of, dtype=np.int64)
    mentees = np.asarray(mentees, dtype=np.int64)
    n, m = len(mentees), problem.n_mentors
    k = max(0, min(int(k), m))
    mentors = np.full((n, k), -1, np.int64)
    scores = np.full((n, k), np.nan)
    status = np.full((n, k), -1, np.int8)
    rescap = problem.residual_capacity
    free = problem.free_mentees
    holders = free[mentor_of[free] >= 0]
    load = np.bincount(mentor_of[holders], minlength=m)
    pos = 0
    for idx, block in problem.row_blocks(mentees):
        rows = slice(pos, pos + len(idx))
        pos += len(idx)
        if k == 0:
            continue
        best = best_columns(block, k)
        mentors[rows] = best
        scores[rows] = np.take_along_axis(block, best, axis=1)
        mask = problem.pair_mask(idx)
        allowed = np.ones(best.shape, bool) if mask is None else np.take_along_axis(mask, best, 1)
        code = np.where(load[best] < rescap[best], OPTION_FREE_SEAT, OPTION_FULL)
        code = np.where(rescap[best] <= 0, OPTION_NO_SEATS, code)
        if problem.min_score is not None:
            code = np.where(scores[rows] < problem.min_score, OPTION_BELOW_MIN, code)
        status[rows] = np.where(allowed, code, OPTION_FORBIDDEN)

    named = np.unique(mentors[mentors >= 0])
    holders = holders[np.isin(mentor_of[holders], named)]
    holder_scores = problem.pair_scores(holders, mentor_of[holders])
    weakest = np.full(m, np.nan)
    if len(holders):
        weakest[named] = np.inf
        np.fmin.at(weakest, mentor_of[holders], holder_scores)
        weakest[np.isinf(weakest)] = np.nan
    safe = np.maximum(mentors, 0)
    return MentorOptions(
        mentees=mentees,
        mentors=mentors,
        scores=scores,
        status=status,
        seats=np.where(mentors >= 0, rescap[safe], 0),
        locked_seats=np.where(mentors >= 0, (problem.capacity - rescap)[safe], 0),
        weakest_holder=np.where(mentors >= 0, weakest[safe], np.nan),
    )


# -- blocking pairs: each side's partner now ---------------------------------------------------
@dataclass(frozen=True)
class BlockingDetails:
    """For blocking pairs (i, j): their score together, i's mentor now and i's score with them
    (-1 and nan when unmatched), and the mentee j would give up for i with that mentee's score
    with j (-1 and nan when j has a free seat). One entry per pair, in the pairs' order."""

    score: np.ndarray
    mentee_partner: np.ndarray
    mentee_partner_score: np.ndarray
    mentor_partner: np.ndarray
    mentor_partner_score: np.ndarray


def blocking_details(
    problem: MatchingProblem, mentor_of: np.ndarray, pairs: np.ndarray
) -> BlockingDetails:
    """Each side of each blocking pair against its partner now.

    The mentor's partner is its weakest mentee that is not locked (lowest score; of equal
    scores the higher index, which the mentor ranks lower), or none when it has a free seat.
    """
    mentor_of = np.asarray(mentor_of, dtype=np.int64)
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    rows, cols = pairs[:, 0], pairs[:, 1]
    together = problem.pair_scores(rows, cols)
    partner = mentor_of[rows] if len(rows) else np.zeros(0, np.int64)
    partner_score = np.full(len(rows), np.nan)
    has = partner >= 0
    partner_score[has] = problem.pair_scores(rows[has], partner[has])

    free = problem.free_mentees
    holders = free[mentor_of[free] >= 0]
    holders = holders[np.isin(mentor_of[holders], cols)]
    holder_scores = problem.pair_scores(holders, mentor_of[holders])
    load = np.bincount(mentor_of[holders], minlength=problem.n_mentors)
    weakest: dict[int, tuple[int, float]] = {}
    for i, s in zip(holders.tolist(), holder_scores.tolist(), strict=True):
        j = int(mentor_of[i])
        best = weakest.get(j)
        if best is None or s < best[1] or (s == best[1] and i > best[0]):
            weakest[j] = (i, s)
    mentor_partner = np.full(len(rows), -1, np.int64)
    mentor_partner_score = np.full(len(rows), np.nan)
    for k, j in enumerate(cols.tolist()):
        if load[j] >= problem.residual_capacity[j] and j in weakest:
            mentor_partner[k], mentor_partner_score[k] = weakest[j]
    return BlockingDetails(together, partner, partner_score, mentor_partner, mentor_partner_score)
