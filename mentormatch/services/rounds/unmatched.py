"""The mentees a round left without a mentor, and why, in words a coordinator can act on.

When the round runs (`option_details`), each unmatched mentee's best few mentors by score are
found with the reason each was not available: full (its seats went to mentees who score
higher with it, or are held by locked pairs), forbidden, below the minimum score, paused or
with every seat already taken. They are stored by user id in the row's ``details`` and put in
words when read (`unmatched`), so a renamed or deleted account reads as it is now.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import func, select

from mentormatch.extensions import db
from mentormatch.matching import FeatureScores, MatchingProblem, UnmatchedReason, mentor_options
from mentormatch.matching import explain as engine
from mentormatch.models import PairRule, PairRuleKind, PairRuleSource, RoundUnmatched, User
from mentormatch.services.rounds.inputs import RoundInputs, load_unavailable_mentors
from mentormatch.services.rounds.lookup import Person, persons_by_id
from mentormatch.services.rounds.settings import RoundSettings

OPTIONS_SHOWN = 3  # mentors named per unmatched mentee

# The engine's messages name matrix indices; coordinators read these instead.
REASON_TEXT = {
    "no_allowed_mentor": "No mentor is allowed for them: every pair is forbidden or scores "
    "below the minimum score. Lower the minimum score or remove a forbid.",
    "no_seats": "The mentors who fit them have no free seats left. Ask those mentors for more "
    "capacity, or recruit mentors in their specialty.",
    "mentors_full": "Every mentor they could have is taken by mentees who have no other "
    "option. Add capacity or allow more pairs.",
    "lowers_total_score": "A mentor was free, but placing them would lower the total score "
    "(objective 'score'). The 'coverage' objective would match them.",
    "only_negative_scores": "Every allowed mentor scores below zero for them under the "
    "'score' objective.",
    "stable_full": "The programme asks for a matching stable on the mentees' choices: every "
    "mentor on their list kept mentees the mentor puts ahead of them. The optimal mode "
    "(preference settings) may match them.",
}
OTHER_REASON = "The engine found no mentor for them."


class Unavailable(enum.StrEnum):
    """Why a mentor an unmatched mentee could have had was not theirs (stored in details)."""

    FULL = "full"
    LOCKED_SEATS = "locked_seats"  # no seat left to match: locked pairs took them, or capacity 0
    FREE_SEAT = "free_seat"  # a seat stayed free: the pair would lower the total score
    FORBIDDEN = "forbidden"
    BELOW_MINIMUM = "below_minimum"
    PAUSED = "paused"
    NO_FREE_SEAT = "no_free_seat"  # every seat taken by mentees or proposals before the round


ENGINE_STATUS = {
    engine.OPTION_FULL: Unavailable.FULL,
    engine.OPTION_NO_SEATS: Unavailable.LOCKED_SEATS,
    engine.OPTION_FREE_SEAT: Unavailable.FREE_SEAT,
    engine.OPTION_FORBIDDEN: Unavailable.FORBIDDEN,
    engine.OPTION_BELOW_MIN: Unavailable.BELOW_MINIMUM,
}


# -- when the round runs ---------------------------------------------------------------------
def _outside_options(inputs: RoundInputs, settings: RoundSettings, rows: np.ndarray, k: int):
    """Per row: [(score, mentor id, details)] of the best mentors with no free seat."""
    outside = load_unavailable_mentors(settings.programme_id)
    found: list[list[tuple[float, int, dict]]] = [[] for _ in rows]
    if len(outside.mentor_ids) == 0 or len(rows) == 0:
        return found
    source = FeatureScores(inputs.mentees, outside.mentors, settings.score_weights())
    k = min(k, len(outside.mentor_ids))
    step = max(1, (4 << 20) // len(outside.mentor_ids))
    for start in range(0, len(rows), step):
        block = np.ascontiguousarray(source.rows(rows[start : start + step]))
        best = engine.best_columns(block, k)
        for r, cols in enumerate(best):
            for j in cols.tolist():
                paused = outside.capacity[j] == 0
                found[start + r].append(
                    (
                        float(block[r, j]),
                        int(outside.mentor_ids[j]),
                        {"why": Unavailable.PAUSED.value}
                        if paused
                        else {
                            "why": Unavailable.NO_FREE_SEAT.value,
                            "capacity": int(outside.capacity[j]),
                        },
                    )
                )
    return found


def _forbid_sources(pairs: set[tuple[int, int]], programme_id: int) -> dict[tuple[int, int], str]:
    if not pairs:
        return {}
    rows = db.session.execute(
        select(PairRule.mentee_id, PairRule.mentor_id, PairRule.source).where(
            PairRule.kind == PairRuleKind.FORBID,
            PairRule.programme_id == programme_id,
            PairRule.mentee_id.in_({mentee for mentee, _ in pairs}),
        )
    ).all()
    return {(e, m): source for e, m, source in rows if (e, m) in pairs}


def option_details(
    problem: MatchingProblem,
    inputs: RoundInputs,
    settings: RoundSettings,
    mentor_of: np.ndarray,
    reasons: list[UnmatchedReason],
    k: int = OPTIONS_SHOWN,
) -> dict[int, dict]:
    """Mentee index -> the ``details`` stored for it: its best ``k`` mentors with a positive
    score (in the round or not) and why each was not available, and for a "mentors full"
    mentee the group competing for the same seats."""
    rows = np.array([r.mentee for r in reasons], dtype=np.int64)
    options = mentor_options(problem, mentor_of, rows, k)
    outside = _outside_options(inputs, settings, rows, k)
    chosen: list[list[tuple[float, int, dict]]] = []
    for r in range(len(rows)):
        mine = []
        for c in range(options.mentors.shape[1]):
            j = int(options.mentors[r, c])
            if j < 0:
                continue
            why = ENGINE_STATUS[int(options.status[r, c])]
            entry = {"why": why.value}
            if why in (Unavailable.FULL, Unavailable.LOCKED_SEATS):
                entry |= {
                    "seats": int(options.seats[r, c]),
                    "locked_seats": int(options.locked_seats[r, c]),
                }
                if not np.isnan(options.weakest_holder[r, c]):
                    entry["weakest"] = round(float(options.weakest_holder[r, c]), 4)
            if why == Unavailable.BELOW_MINIMUM:
                entry["min_score"] = float(problem.min_score)
            mine.append((float(options.scores[r, c]), int(inputs.mentor_ids[j]), entry))
        # best score first; a mentor of the round before one outside it on a tie
        merged = sorted(mine + outside[r], key=lambda item: -item[0])
        chosen.append([item for item in merged if item[0] > 0][:k])

    mentee_ids = inputs.mentee_ids
    sources = _forbid_sources(
        {
            (int(mentee_ids[rows[r]]), mentor_id)
            for r, picked in enumerate(chosen)
            for _, mentor_id, entry in picked
            if entry["why"] == Unavailable.FORBIDDEN
        },
        settings.programme_id,
    )
    details = {}
    for reason, picked in zip(reasons, chosen, strict=True):
        mentee_id = int(mentee_ids[reason.mentee])
        listed = []
        for score, mentor_id, entry in picked:
            entry = {"mentor_id": mentor_id, "score": round(score, 4), **entry}
            if entry["why"] == Unavailable.FORBIDDEN and (mentee_id, mentor_id) in sources:
                entry["source"] = str(sources[(mentee_id, mentor_id)])
            listed.append(entry)
        found = {"options": listed}
        if reason.code == engine.MENTORS_FULL:
            found["competing"] = {
                "mentees": len(reason.mentees),
                "mentors": len(reason.mentors),
                "seats": int(problem.residual_capacity[reason.mentors].sum()),
            }
        details[int(reason.mentee)] = found
    return details


# -- reading -----------------------------------------------------------------------------------
def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def _its_seats(seats: int) -> str:
    return {1: "its seat", 2: "both its seats"}.get(seats, f"all {seats} of its seats")


FORBID_TEXT = {
    PairRuleSource.COORDINATOR: "a coordinator forbade this pair",
    PairRuleSource.DECLINED: "this mentor declined {mentee} in an earlier proposal",
    PairRuleSource.EXPIRED: "this mentor let an earlier proposal to {mentee} expire",
    PairRuleSource.ENDED: "an earlier mentorship between them ended",
    PairRuleSource.AVOIDED: "this mentor marked {mentee} 'avoid' when {mentee} ranked them",
    PairRuleSource.MENTEE_DECLINED: "{mentee} declined an earlier proposal with this mentor",
}


FORBID_SHORT = {
    PairRuleSource.COORDINATOR: "forbidden by a coordinator",
    PairRuleSource.DECLINED: "declined before",
    PairRuleSource.EXPIRED: "let a proposal expire before",
    PairRuleSource.ENDED: "an earlier mentorship ended",
    PairRuleSource.AVOIDED: "marked avoid by the mentor",
    PairRuleSource.MENTEE_DECLINED: "the mentee declined before",
}
SHORT_TEXT = {
    Unavailable.FULL: "full",
    Unavailable.LOCKED_SEATS: "seats held by locked pairs",
    Unavailable.FREE_SEAT: "would lower the total score",
    Unavailable.BELOW_MINIMUM: "below the minimum score",
    Unavailable.PAUSED: "paused",
    Unavailable.NO_FREE_SEAT: "no free seat",
}


def option_short(entry: dict) -> str:
    """A few words for the one-line summary: 'full', 'paused', 'declined before'."""
    if entry.get("why") == Unavailable.FORBIDDEN:
        return FORBID_SHORT.get(entry.get("source"), "forbidden")
    return SHORT_TEXT.get(entry.get("why"), "not available")


def option_text(entry: dict, mentee: str) -> str:
    """Why this mentor was not available to ``mentee``, as a coordinator reads it."""
    why = entry.get("why")
    if why == Unavailable.FULL:
        text = "full"
        seats, weakest, score = entry.get("seats", 0), entry.get("weakest"), entry["score"]
        # Under a certified optimum the mentees seated score at least as high (else swapping
        # them would score more); equal scores are a tie the matching broke.
        if weakest is not None and weakest >= score:
            who = "a mentee who scores" if seats == 1 else "mentees who score"
            how = "higher" if weakest > score else "as high"
            lowest = "" if seats == 1 else "lowest "
            text = (
                f"full: {_its_seats(seats)} went to {who} {how} with this mentor "
                f"({lowest}{weakest:.2f})"
            )
        locked = entry.get("locked_seats", 0)
        if locked:
            text += f"; {_plural(locked, 'more seat')} held by locked pairs"
        return text
    if why == Unavailable.LOCKED_SEATS:
        if entry.get("locked_seats", 0):
            return "full: every seat is held by a locked pair"
        return "no seat to offer in this round"
    if why == Unavailable.FREE_SEAT:
        return (
            "a seat stayed free, but this pair would lower the total score (objective "
            "'score'); the 'coverage' objective would match them"
        )
    if why == Unavailable.FORBIDDEN:
        return FORBID_TEXT.get(entry.get("source"), "this pair is forbidden").format(mentee=mentee)
    if why == Unavailable.BELOW_MINIMUM:
        return (
            f"the pair scores {entry.get('score', 0):.2f}, below the round's minimum score of "
            f"{entry.get('min_score', 0):.2f}"
        )
    if why == Unavailable.PAUSED:
        return "paused: not taking new mentees"
    if why == Unavailable.NO_FREE_SEAT:
        if entry.get("capacity", 0) == 1:
            return "no free seat: its seat is taken by a current mentee or an open proposal"
        return (
            f"no free seat: all {entry.get('capacity', 0)} of its seats are taken by current "
            "mentees or open proposals"
        )
    return "not available in this round"


@dataclass(frozen=True)
class MentorOption:
    mentor: Person
    score: float
    text: str  # the reason in a sentence
    short: str  # the reason in a few words


@dataclass(frozen=True)
class UnmatchedRow:
    mentee_id: int
    name: str
    email: str
    reason: str
    message: str
    options: list[MentorOption] = field(default_factory=list)
    competing: str = ""
    has_details: bool = False

    @property
    def explanation(self) -> str:
        return REASON_TEXT.get(self.reason, OTHER_REASON)


def _competing(details: dict) -> str:
    group = details.get("competing")
    if not group:
        return ""
    return (
        f"{_plural(group['mentees'], 'mentee')} compete for the "
        f"{_plural(group['seats'], 'seat')} of {_plural(group['mentors'], 'mentor')}; none of "
        "them has another allowed mentor with a free seat."
    )


def unmatched(round_id: int, limit: int | None = None) -> list[UnmatchedRow]:
    """The round's unmatched mentees by name (the first ``limit`` of them), each with the
    mentors they could have had and why each was not available."""
    rows = db.session.execute(
        select(RoundUnmatched, User)
        .join(User, User.id == RoundUnmatched.mentee_id)
        .where(RoundUnmatched.round_id == round_id)
        .order_by(User.full_name, User.id)
        .limit(limit)
    ).all()
    names = persons_by_id(
        {entry["mentor_id"] for row, _ in rows for entry in (row.details or {}).get("options", [])}
    )
    return [
        UnmatchedRow(
            row.mentee_id,
            user.full_name,
            user.email,
            row.reason,
            row.message,
            options=[
                MentorOption(
                    names[entry["mentor_id"]],
                    entry["score"],
                    option_text(entry, user.full_name),
                    option_short(entry),
                )
                for entry in (row.details or {}).get("options", [])
            ],
            competing=_competing(row.details or {}),
            has_details=row.details is not None,
        )
        for row, user in rows
    ]


def reason_counts(round_id: int) -> list[tuple[str, int]]:
    """(reason code, number of mentees) per reason, most common first."""
    rows = db.session.execute(
        select(RoundUnmatched.reason, func.count())
        .where(RoundUnmatched.round_id == round_id)
        .group_by(RoundUnmatched.reason)
        .order_by(func.count().desc(), RoundUnmatched.reason)
    ).all()
    return [(reason, count) for reason, count in rows]


@dataclass(frozen=True)
class UnmatchedGroup:
    """The unmatched mentees of one reason: how many in all, and those shown."""

    reason: str
    count: int
    rows: list[UnmatchedRow]

    @property
    def explanation(self) -> str:
        return REASON_TEXT.get(self.reason, OTHER_REASON)


def unmatched_groups(round_id: int, limit: int | None = None) -> list[UnmatchedGroup]:
    """The unmatched mentees by reason, most common reason first; the first ``limit`` mentees
    by name are shown, each in the group of its reason."""
    rows = unmatched(round_id, limit)
    return [
        UnmatchedGroup(reason, count, [row for row in rows if row.reason == reason])
        for reason, count in reason_counts(round_id)
    ]
