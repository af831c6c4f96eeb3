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
