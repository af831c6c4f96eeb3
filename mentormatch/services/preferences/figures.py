"""What a round did with the stated preferences, kept in its summary for the review page.

All as user ids (the review page names them): the rank each ranking mentee got, the share
with their first choice, a top-three choice or none of theirs; the mentors requested by more
mentees than they have seats; blocking pairs with respect to the stated lists
(matching.preferences.stated_blocking_pairs); and for each unmatched mentee whose ranked
mentors were all full, who took those seats. Also the other mode's figures, so a coordinator
can compare "optimal" with "stable on stated preferences".
"""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np

from mentormatch.matching import MatchingProblem
from mentormatch.matching.preferences import stated_blocking_pairs
from mentormatch.services.rounds.lookup import persons_by_id

OVER_REQUESTED_SHOWN = 20
FULL_SHOWN = 50
BLOCKING_SHOWN = 50


def rank_outcome(ranked: np.ndarray, mentor_of: np.ndarray) -> dict:
    """Among the mentees who ranked someone: how many got their r-th choice, and none."""
    got: dict[int, int] = {}
    rankers = set()
    for i, j, r in ranked.tolist():
        rankers.add(i)
        if mentor_of[i] == j:
            got[i] = r
    n = len(rankers)
    counts = Counter(got.values())
    return {
        "rankers": n,
        "by_rank": {str(r): counts[r] for r in sorted(counts)},
        "first_choice": counts.get(1, 0),
        "top_three": sum(counts.get(r, 0) for r in (1, 2, 3)),
        "none_of_theirs": n - len(got),
        "first_choice_share": counts.get(1, 0) / n if n else None,
        "top_three_share": sum(counts.get(r, 0) for r in (1, 2, 3)) / n if n else None,
        "none_share": (n - len(got)) / n if n else None,
    }


def preference_figures(
    problem: MatchingProblem, inputs, mentor_of: np.ndarray, other_mentor_of: np.ndarray | None,
    mode: str,
) -> dict:  # fmt: skip
    ranked, preferred = inputs.ranked, inputs.preferred
    mentee_ids, mentor_ids = inputs.mentee_ids, inputs.mentor_ids
    figures = {"mode": mode, **rank_outcome(ranked, mentor_of)}
    if other_mentor_of is not None:
        other = rank_outcome(ranked, other_mentor_of)
        figures["other_mode"] = {
            "mode": "stable" if mode == "optimal" else "optimal",
            "matched": int((other_mentor_of >= 0).sum()),
            "total_score": float(problem.pair_scores(
                np.flatnonzero(other_mentor_of >= 0), other_mentor_of[other_mentor_of >= 0]
            ).sum()),
            "first_choice_share": other["first_choice_share"],
            "top_three_share": other["top_three_share"],
            "none_share": other["none_share"],
        }  # fmt: skip
    requests = Counter(j for _, j, _ in ranked.tolist())
    first = Counter(j for _, j, r in ranked.tolist() if r == 1)
    over = [
        {
            "mentor_id": int(mentor_ids[j]),
            "requests": n,
            "first_choice": first.get(j, 0),
            "seats": int(problem.capacity[j]),
        }
        for j, n in requests.items()
        if n > problem.capacity[j]
    ]
    over.sort(key=lambda row: (-(row["requests"] - row["seats"]), row["mentor_id"]))
    figures["over_requested_count"] = len(over)
    figures["over_requested"] = over[:OVER_REQUESTED_SHOWN]
    blocking = stated_blocking_pairs(problem, mentor_of, ranked, preferred, BLOCKING_SHOWN)
    figures["blocking_pairs"] = blocking.count
    figures["blocking_examples"] = [
        {"mentee_id": int(mentee_ids[i]), "mentor_id": int(mentor_ids[j])}
        for i, j in blocking.pairs
    ]
    # unmatched rankers whose every ranked mentor is full: who took those seats
    holders = defaultdict(list)
    for i in np.flatnonzero(mentor_of >= 0).tolist():
        holders[int(mentor_of[i])].append(int(mentee_ids[i]))
    load = np.bincount(mentor_of[mentor_of >= 0], minlength=problem.n_mentors)
    lists = defaultdict(list)
    for i, j, r in ranked.tolist():
        lists[i].append((r, j))
    all_full = []
    for i, entries in sorted(lists.items()):
        if mentor_of[i] >= 0:
            continue
        if all(load[j] >= problem.capacity[j] for _, j in entries):
            all_full.append(
                {
                    "mentee_id": int(mentee_ids[i]),
                    "choices": [
                        {"rank": r, "mentor_id": int(mentor_ids[j]), "taken_by": holders[j]}
                        for r, j in sorted(entries)
                    ],
                }
            )
    figures["unmatched_all_full_count"] = len(all_full)
    figures["unmatched_all_full"] = all_full[:FULL_SHOWN]
    return figures


def review(summary: dict) -> dict | None:
    """The preference figures of a round's summary with the people named (None: the round
    had no stated preferences)."""
    figures = (summary or {}).get("preferences")
    if not figures:
        return None
    ids = {row["mentor_id"] for row in figures.get("over_requested", [])}
    for row in figures.get("blocking_examples", []):
        ids |= {row["mentee_id"], row["mentor_id"]}
    for row in figures.get("unmatched_all_full", []):
        ids.add(row["mentee_id"])
        for choice in row["choices"]:
            ids |= {choice["mentor_id"], *choice["taken_by"]}
    return {"figures": figures, "names": persons_by_id(ids)}
