"""The figures a round's review page shows: summary, fairness, stability, who was left out.

They are computed once when the run finishes (the round's ``summary``); this module makes
them readable. Nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mentormatch import codes
from mentormatch.countries import WORLD_REGION_LABELS
from mentormatch.models import MatchingRound
from mentormatch.services.rounds.lookup import Person, get_round, persons_by_id
from mentormatch.services.rounds.settings import WEIGHT_LABELS, RoundSettings
from mentormatch.services.rounds.unmatched import UnmatchedGroup, unmatched_groups

UNMATCHED_SHOWN = 200
# A group is flagged when its match rate is this far (absolute) below the round's coverage,
# and it is large enough for the rate to mean something.
FAIRNESS_GAP = 0.15
FAIRNESS_MIN_GROUP = 5
FAIRNESS_TABLES = (
    ("home_region", "Home region"),
    ("specialty", "Specialty interest"),
    ("prefers_img_mentor", "IMG-mentor preference"),
)


@dataclass(frozen=True)
class FairnessRow:
    group: str
    label: str
    mentees: int
    matched: int
    match_rate: float
    mean_score: float | None
    below: bool  # match rate well below the round's coverage


@dataclass(frozen=True)
class FairnessTable:
    key: str
    title: str
    rows: list[FairnessRow]

    @property
    def flagged(self) -> int:
        return sum(row.below for row in self.rows)


def _group_label(key: str, group: str) -> str:
    if key == "home_region":
        return WORLD_REGION_LABELS.get(group, codes.label(group))
    if key == "prefers_img_mentor":
        return group[:1].upper() + group[1:]
    if key == "specialty" and not group:
        return "No specialty given"
    return codes.label(group) if group else "Not given"


def fairness_tables(summary: dict) -> list[FairnessTable]:
    overall = float(summary.get("coverage") or 0.0)
    tables = []
    for key, title in FAIRNESS_TABLES:
        rows = [
            FairnessRow(
                group=row["group"],
                label=_group_label(key, row["group"] or ""),
                mentees=row["mentees"],
                matched=row["matched"],
                match_rate=row["match_rate"],
                mean_score=row["mean_score"],
                below=row["mentees"] >= FAIRNESS_MIN_GROUP
                and row["match_rate"] < overall - FAIRNESS_GAP,
            )
            for row in summary.get("fairness", {}).get(key, [])
        ]
        tables.append(FairnessTable(key, title, rows))
    return tables


@dataclass(frozen=True)
class Excluded:
    person: Person
    reason: str


@dataclass(frozen=True)
class IgnoredLock:
    mentee: Person
    mentor: Person
    reason: str


@dataclass(frozen=True)
class BlockingPair:
    """A mentee and a mentor who both score higher together than with their partners now.

    ``mentee_partner``: the mentee's proposed mentor (None: unmatched); ``mentor_partner``: the
    mentor's weakest proposed mentee, whom the mentor would give up (None: a free seat). Scores
    are None for rounds run before they were kept.
    """

    mentee: Person
    mentor: Person
    score: float | None = None
    mentee_partner: Person | None = None
    mentee_partner_score: float | None = None
    mentor_partner: Person | None = None
    mentor_partner_score: float | None = None

    @property
    def detailed(self) -> bool:
        return self.score is not None


@dataclass(frozen=True)
class Stability:
    computed: bool
    reason: str = ""
    blocking_pairs: int = 0
    optimal_matched: int = 0
    optimal_total: float = 0.0
    stable_matched: int = 0
    stable_total: float = 0.0
    examples: tuple[BlockingPair, ...] = ()

    @property
    def matched_gain(self) -> int:
        return self.optimal_matched - self.stable_matched

    @property
    def score_gain(self) -> float:
        return self.optimal_total - self.stable_total


BLOCKING_PEOPLE = ("mentee_id", "mentor_id", "mentee_partner_id", "mentor_partner_id")


def _blocking_ids(summary: dict) -> set[int]:
    ids = set()
    for example in (summary.get("stability") or {}).get("examples", []):
        if isinstance(example, dict):
            ids |= {example[key] for key in BLOCKING_PEOPLE if example.get(key) is not None}
        else:  # a round run before the scores were kept: [mentee id, mentor id]
            ids |= set(example)
    return ids


def _blocking_pair(example, names) -> BlockingPair:
    if not isinstance(example, dict):
        mentee_id, mentor_id = example
        return BlockingPair(names[mentee_id], names[mentor_id])

    def person(key):
        return names[example[key]] if example.get(key) is not None else None

    return BlockingPair(
        mentee=names[example["mentee_id"]],
        mentor=names[example["mentor_id"]],
        score=example["score"],
        mentee_partner=person("mentee_partner_id"),
        mentee_partner_score=example.get("mentee_partner_score"),
        mentor_partner=person("mentor_partner_id"),
        mentor_partner_score=example.get("mentor_partner_score"),
    )


def _stability(summary: dict, names) -> Stability:
    stable = summary.get("stability") or {}
    if not stable.get("computed"):
        return Stability(computed=False, reason=stable.get("reason", "not computed"))
    return Stability(
        computed=True,
        blocking_pairs=stable["blocking_pairs"],
        optimal_matched=summary["matched"],
        optimal_total=summary["total_score"],
        stable_matched=stable["stable_matched"],
        stable_total=stable["stable_total_score"],
        examples=tuple(_blocking_pair(e, names) for e in stable.get("examples", [])),
    )


@dataclass(frozen=True)
class RoundReview:
    round: MatchingRound
    summary: dict
    weights: dict[str, float]  # the parts the round weighs (extras only when on), normalised
    fairness: list[FairnessTable]
    excluded: list[Excluded]
    ignored_locks: list[IgnoredLock]
    stability: Stability
    unmatched_groups: list[UnmatchedGroup] = field(default_factory=list)

    @property
    def unmatched_total(self) -> int:
        return sum(group.count for group in self.unmatched_groups)

    @property
    def unmatched_shown(self) -> int:
        return sum(len(group.rows) for group in self.unmatched_groups)

    @property
    def labels(self) -> dict[str, str]:
        """What each part is called on the page."""
        return WEIGHT_LABELS

    @property
    def component_means(self) -> list[tuple[str, float | None]]:
        """(label, mean over the matched pairs) of each part the round weighs."""
        means = self.summary.get("component_means") or {}
        return [(WEIGHT_LABELS[name], means.get(name)) for name in self.weights]


def review(round_id: int) -> RoundReview:
    """Everything the review page shows except the paged pairs and the diff."""
    matching_round = get_round(round_id)
    summary = matching_round.summary or {}
    excluded_raw = summary.get("excluded", [])
    locks_raw = summary.get("ignored_locks", [])
    ids = {row["mentee_id"] for row in excluded_raw}
    ids |= {row["mentee_id"] for row in locks_raw} | {row["mentor_id"] for row in locks_raw}
    names = persons_by_id(ids | _blocking_ids(summary))
    return RoundReview(
        round=matching_round,
        summary=summary,
        weights=RoundSettings.from_json(matching_round.settings).weights_in_use(),
        fairness=fairness_tables(summary),
        excluded=[Excluded(names[row["mentee_id"]], row["reason"]) for row in excluded_raw],
        ignored_locks=[
            IgnoredLock(names[row["mentee_id"]], names[row["mentor_id"]], row["reason"])
            for row in locks_raw
        ],
        stability=_stability(summary, names),
        unmatched_groups=unmatched_groups(round_id, UNMATCHED_SHOWN),
    )
