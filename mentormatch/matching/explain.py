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
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import breadth_first_order, connected_components

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


def explain_unmatched(problem: MatchingProblem, result: MatchingResult) -> list[UnmatchedReason]:
    """One reason per unmatched mentee, in mentee order."""
    mentor_of = np.asarray(result.mentor_of)
    m = problem.n_mentors
    rescap = problem.residual_capacity
    free = problem.free_mentees
    unmatched = free[mentor_of[free] < 0]
    if len(unmatched) == 0:
        return []
    matched = free[mentor_of[free] >= 0]
    load = np.bincount(mentor_of[matched], minlength=m)
    has_free_seat = load < rescap

    # mentor-level alternating graph: j -> j' when a mentee on j's seats may move to j'
    adj = np.zeros((m, m), dtype=bool)
    by_mentor = matched[np.argsort(mentor_of[matched], kind="stable")]
    for idx, block in problem.row_blocks(by_mentor):
        mask = problem.allowed_mask(idx, block) & (rescap > 0)[None, :]
        owners = mentor_of[idx]
        starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
        adj[owners[starts]] |= np.logical_or.reduceat(mask, starts, axis=0)
    n_scc, label = connected_components(csr_matrix(adj), directed=True, connection="strong")
    rows, cols = np.nonzero(adj)
    keep = label[rows] != label[cols]
    dag = csr_matrix(
        (np.ones(int(keep.sum()), dtype=np.int8), (label[rows[keep]], label[cols[keep]])),
        shape=(n_scc, n_scc),
    )
    members = [np.flatnonzero(label == c) for c in range(n_scc)]
    reach_memo: dict[frozenset[int], np.ndarray] = {}
    seat_holders = [[] for _ in range(m)]
    for i in matched:
        seat_holders[mentor_of[i]].append(int(i))

    def reach(start_sccs: frozenset[int]) -> np.ndarray:
        if start_sccs not in reach_memo:
            seen = np.zeros(n_scc, dtype=bool)
            for c in start_sccs:
                if not seen[c]:
                    seen[breadth_first_order(dag, c, directed=True, return_predecessors=False)] = (
                        True
                    )
            reach_memo[start_sccs] = np.sort(
                np.concatenate([members[c] for c in np.flatnonzero(seen)])
            )
        return reach_memo[start_sccs]

    reasons: list[UnmatchedReason] = []
    empty = np.zeros(0, dtype=np.int64)
    for idx, block in problem.row_blocks(unmatched):
        allowed = problem.allowed_mask(idx, block)
        for r, i in enumerate(idx):
            i = int(i)
            opts = np.flatnonzero(allowed[r])
            if len(opts) == 0:
                reasons.append(UnmatchedReason(
                    i, NO_ALLOWED_MENTOR,
                    f"mentee {i} has no allowed mentor: every pair is forbidden or scores "
                    "below the minimum score",
                    empty, empty,
                ))  # fmt: skip
                continue
            seated = opts[rescap[opts] > 0]
            if len(seated) == 0:
                reasons.append(UnmatchedReason(
                    i, NO_SEATS,
                    f"the allowed mentors of mentee {i} ({_fmt(opts)}) have no seats: capacity "
                    "0 or all seats taken by locked pairs",
                    opts, empty,
                ))  # fmt: skip
                continue
            if problem.objective == "score" and (block[r, seated] < 0).all():
                reasons.append(UnmatchedReason(
                    i, ONLY_NEGATIVE_SCORES,
                    f"every allowed mentor of mentee {i} scores below 0; the 'score' objective "
                    "leaves a mentee unmatched rather than lower the total",
                    seated, empty,
                ))  # fmt: skip
                continue
            group_mentors = reach(frozenset(int(c) for c in np.unique(label[seated])))
            if has_free_seat[group_mentors].any():
                reasons.append(UnmatchedReason(
                    i, LOWERS_TOTAL_SCORE,
                    f"mentee {i} could be placed, but only by lowering the total score (the "
                    "'score' objective); switch to 'coverage' to place every mentee possible",
                    seated, empty,
                ))  # fmt: skip
                continue
            holders = [h for j in group_mentors for h in seat_holders[j]]
            group = np.array(sorted([i, *holders]), dtype=np.int64)
            seats = int(rescap[group_mentors].sum())
            reasons.append(UnmatchedReason(
                i, MENTORS_FULL,
                f"all allowed mentors of mentee {i} are full: {len(group)} mentees compete for "
                f"the {seats} seats of mentors {_fmt(group_mentors)}, and none of them has "
                "another allowed mentor with a free seat; add capacity or allow more pairs",
                group_mentors.astype(np.int64), group,
            ))  # fmt: skip
    reasons.sort(key=lambda x: x.mentee)
    return reasons
