"""Read models for reviewing a round: pairs explained, who is left out, fairness, what-if diff.

Nothing here writes; the pages and the command line show what these functions return.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from mentormatch import codes
from mentormatch.countries import WORLD_REGION_LABELS
from mentormatch.extensions import db
from mentormatch.models import MatchingRound, PairRule, RoundPair, RoundUnmatched, User
from mentormatch.services.csv_profiles.columns import neutralise
from mentormatch.services.errors import NotFound, ValidationError
from mentormatch.services.rounds.settings import WEIGHT_NAMES, RoundSettings

PER_PAGE = 50
UNMATCHED_SHOWN = 200
HAS_RESULT = ("proposed", "published", "closed")
# A group is flagged when its match rate is this far (absolute) below the round's coverage,
# and it is large enough for the rate to mean something.
FAIRNESS_GAP = 0.15
FAIRNESS_MIN_GROUP = 5
FAIRNESS_TABLES = (
    ("home_region", "Home region"),
    ("specialty", "Specialty interest"),
    ("prefers_img_mentor", "IMG-mentor preference"),
)
EXPORT_COLUMNS = (
    "mentee_email",
    "mentor_email",
    "score",
    "specialty_score",
    "region_score",
    "research_score",
    "locked",
)


# --- settings and explanations --------------------------------------------------------------


def normalised_weights(settings: dict) -> dict[str, float]:
    """The round's weights as the engine used them: scaled to sum 1."""
    values = RoundSettings.from_json(settings).score_weights().normalised()
    return dict(zip(WEIGHT_NAMES, values, strict=True))


@dataclass(frozen=True)
class Component:
    name: str
    value: float
    weight: float

    @property
    def contribution(self) -> float:
        return self.value * self.weight


@dataclass(frozen=True)
class PairRow:
    mentee_id: int
    mentee_name: str
    mentee_email: str
    mentor_id: int
    mentor_name: str
    mentor_email: str
    score: float
    locked: bool
    components: tuple[Component, ...]
    rule: str | None  # the pair's current lock/forbid, if any

    @property
    def strongest(self) -> Component:
        return max(self.components, key=lambda c: c.contribution)


@dataclass(frozen=True)
class Page:
    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def _rules_by_pair(pairs: list[tuple[int, int]]) -> dict[tuple[int, int], str]:
    if not pairs:
        return {}
    mentee_ids = {mentee for mentee, _ in pairs}
    rows = db.session.execute(
        select(PairRule.mentee_id, PairRule.mentor_id, PairRule.kind).where(
            PairRule.mentee_id.in_(mentee_ids)
        )
    ).all()
    return {(row.mentee_id, row.mentor_id): row.kind for row in rows}


def pairs_page(round_id: int, query: str = "", page: int = 1, per_page: int = PER_PAGE) -> Page:
    """A page of the round's pairs, best score first, filtered by a name or email fragment."""
    matching_round = _round(round_id)
    weights = normalised_weights(matching_round.settings)
    mentee, mentor = aliased(User), aliased(User)
    statement = (
        select(RoundPair, mentee, mentor)
        .join(mentee, mentee.id == RoundPair.mentee_id)
        .join(mentor, mentor.id == RoundPair.mentor_id)
        .where(RoundPair.round_id == round_id)
    )
    needle = " ".join((query or "").split()).lower()
    if needle:
        pattern = f"%{needle}%"
        statement = statement.where(
            or_(
                func.lower(mentee.full_name).like(pattern),
                mentee.email.like(pattern),
                func.lower(mentor.full_name).like(pattern),
                mentor.email.like(pattern),
            )
        )
    total = db.session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    page = max(1, min(page, max(1, math.ceil(total / per_page))))
    rows = db.session.execute(
        statement.order_by(RoundPair.score.desc(), RoundPair.mentee_id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    rules = _rules_by_pair([(p.mentee_id, p.mentor_id) for p, _, _ in rows])
    items = [
        PairRow(
            mentee_id=pair.mentee_id,
            mentee_name=mentee_user.full_name,
            mentee_email=mentee_user.email,
            mentor_id=pair.mentor_id,
            mentor_name=mentor_user.full_name,
            mentor_email=mentor_user.email,
            score=pair.score,
            locked=pair.locked,
            components=tuple(
                Component(name, getattr(pair, f"{name}_score"), weights[name])
                for name in WEIGHT_NAMES
            ),
            rule=rules.get((pair.mentee_id, pair.mentor_id)),
        )
        for pair, mentee_user, mentor_user in rows
    ]
    return Page(items, total, page, per_page)


# The engine's messages name matrix indices; coordinators read these instead (the engine's
# message stays available as detail).
REASON_TEXT = {
    "no_allowed_mentor": "No mentor is allowed for this mentee: every pair is forbidden or "
    "scores below the minimum score. Lower the minimum score or remove a forbid.",
    "no_seats": "The mentors who fit this mentee have no free seats left. Ask them for more "
    "capacity, or recruit mentors in this specialty.",
    "mentors_full": "Every mentor this mentee could have is taken by mentees who have no other "
    "option. Add capacity or allow more pairs.",
    "lowers_total_score": "A mentor was free, but placing this mentee would lower the total "
    "score (objective 'score'). The 'coverage' objective would match them.",
    "only_negative_scores": "Every allowed mentor scores below zero for this mentee under the "
    "'score' objective.",
}


@dataclass(frozen=True)
class UnmatchedRow:
    mentee_id: int
    name: str
    email: str
    reason: str
    message: str

    @property
    def explanation(self) -> str:
        return REASON_TEXT.get(self.reason, self.message)


def unmatched(round_id: int, limit: int | None = None) -> list[UnmatchedRow]:
    """The round's unmatched mentees by name (the first ``limit`` of them)."""
    rows = db.session.execute(
        select(RoundUnmatched, User)
        .join(User, User.id == RoundUnmatched.mentee_id)
        .where(RoundUnmatched.round_id == round_id)
        .order_by(User.full_name, User.id)
        .limit(limit)
    ).all()
    return [
        UnmatchedRow(row.mentee_id, user.full_name, user.email, row.reason, row.message)
        for row, user in rows
    ]


def unmatched_by_reason(round_id: int) -> list[tuple[str, int]]:
    """(plain explanation, number of mentees) per reason, most common first."""
    rows = db.session.execute(
        select(RoundUnmatched.reason, func.count())
        .where(RoundUnmatched.round_id == round_id)
        .group_by(RoundUnmatched.reason)
        .order_by(func.count().desc(), RoundUnmatched.reason)
    ).all()
    return [(REASON_TEXT.get(reason, reason), count) for reason, count in rows]


# --- the summary, made readable ------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    email: str


def people(ids: set[int]) -> dict[int, Person]:
    if not ids:
        return {}
    rows = db.session.execute(
        select(User.id, User.full_name, User.email).where(User.id.in_(ids))
    ).all()
    return {row.id: Person(row.id, row.full_name, row.email) for row in rows}


def _missing(user_id: int) -> Person:
    return Person(user_id, f"(deleted account {user_id})", "")


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


# World regions (countries.WORLD_REGIONS) as people write them.


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
class Stability:
    computed: bool
    reason: str = ""
    blocking_pairs: int = 0
    optimal_matched: int = 0
    optimal_total: float = 0.0
    stable_matched: int = 0
    stable_total: float = 0.0

    @property
    def matched_gain(self) -> int:
        return self.optimal_matched - self.stable_matched

    @property
    def score_gain(self) -> float:
        return self.optimal_total - self.stable_total


@dataclass(frozen=True)
class RoundReview:
    round: MatchingRound
    summary: dict
    weights: dict[str, float]
    fairness: list[FairnessTable]
    excluded: list[Excluded]
    ignored_locks: list[IgnoredLock]
    stability: Stability
    unmatched: list[UnmatchedRow] = field(default_factory=list)
    unmatched_by_reason: list[tuple[str, int]] = field(default_factory=list)

    @property
    def unmatched_total(self) -> int:
        return sum(count for _, count in self.unmatched_by_reason)


def review(round_id: int) -> RoundReview:
    """Everything the review page shows except the paged pairs and the diff."""
    matching_round = _round(round_id)
    summary = matching_round.summary or {}
    excluded_raw = summary.get("excluded", [])
    locks_raw = summary.get("ignored_locks", [])
    ids = {row["mentee_id"] for row in excluded_raw}
    ids |= {row["mentee_id"] for row in locks_raw} | {row["mentor_id"] for row in locks_raw}
    known = people(ids)

    def person(user_id: int) -> Person:
        return known.get(user_id) or _missing(user_id)

    stable = summary.get("stability") or {}
    if stable.get("computed"):
        stability = Stability(
            computed=True,
            blocking_pairs=stable["blocking_pairs"],
            optimal_matched=summary["matched"],
            optimal_total=summary["total_score"],
            stable_matched=stable["stable_matched"],
            stable_total=stable["stable_total_score"],
        )
    else:
        stability = Stability(computed=False, reason=stable.get("reason", "not computed"))
    return RoundReview(
        round=matching_round,
        summary=summary,
        weights=normalised_weights(matching_round.settings),
        fairness=fairness_tables(summary),
        excluded=[Excluded(person(row["mentee_id"]), row["reason"]) for row in excluded_raw],
        ignored_locks=[
            IgnoredLock(person(row["mentee_id"]), person(row["mentor_id"]), row["reason"])
            for row in locks_raw
        ],
        stability=stability,
        unmatched=unmatched(round_id, UNMATCHED_SHOWN),
        unmatched_by_reason=unmatched_by_reason(round_id),
    )


def _round(round_id: int) -> MatchingRound:
    matching_round = db.session.get(MatchingRound, round_id)
    if matching_round is None:
        raise NotFound(f"No round {round_id}.")
    return matching_round


# --- what-if: this round against an earlier one ---------------------------------------------

DIFF_KINDS = ("changed", "new", "dropped", "same")


@dataclass(frozen=True)
class DiffRow:
    kind: str  # same | changed (mentor) | new (newly matched) | dropped (newly unmatched)
    mentee: Person
    before_mentor: Person | None
    after_mentor: Person | None
    before_score: float | None
    after_score: float | None

    @property
    def delta(self) -> float | None:
        if self.before_score is None or self.after_score is None:
            return None
        return self.after_score - self.before_score


@dataclass(frozen=True)
class RoundDiff:
    before: MatchingRound
    after: MatchingRound
    rows: list[DiffRow]
    counts: dict[str, int]
    matched_before: int
    matched_after: int
    total_before: float
    total_after: float

    @property
    def mean_before(self) -> float | None:
        return self.total_before / self.matched_before if self.matched_before else None

    @property
    def mean_after(self) -> float | None:
        return self.total_after / self.matched_after if self.matched_after else None

    @property
    def changes(self) -> list[DiffRow]:
        return [row for row in self.rows if row.kind != "same"]


def comparable_rounds(round_id: int) -> list[MatchingRound]:
    """Other rounds with a result, newest first, to compare this one against."""
    return list(
        db.session.scalars(
            select(MatchingRound)
            .where(MatchingRound.id != round_id, MatchingRound.status.in_(HAS_RESULT))
            .order_by(MatchingRound.id.desc())
        )
    )


def _pairs(round_id: int) -> dict[int, tuple[int, float]]:
    rows = db.session.execute(
        select(RoundPair.mentee_id, RoundPair.mentor_id, RoundPair.score).where(
            RoundPair.round_id == round_id
        )
    ).all()
    return {row.mentee_id: (row.mentor_id, row.score) for row in rows}


def diff_rounds(round_id: int, earlier_id: int) -> RoundDiff:
    """How ``round_id``'s pairs differ from ``earlier_id``'s, mentee by mentee."""
    after_round, before_round = _round(round_id), _round(earlier_id)
    if before_round.status not in HAS_RESULT:
        raise ValidationError.single("against", f"Round {earlier_id} has no result to compare.")
    before, after = _pairs(earlier_id), _pairs(round_id)
    ids = set(before) | set(after)
    ids |= {mentor for mentor, _ in before.values()} | {mentor for mentor, _ in after.values()}
    known = people(ids)

    def person(user_id: int | None) -> Person | None:
        return None if user_id is None else known.get(user_id) or _missing(user_id)

    rows = []
    for mentee_id in set(before) | set(after):
        old, new = before.get(mentee_id), after.get(mentee_id)
        if old and new:
            kind = "same" if old[0] == new[0] else "changed"
        else:
            kind = "new" if new else "dropped"
        rows.append(
            DiffRow(
                kind=kind,
                mentee=person(mentee_id),
                before_mentor=person(old[0] if old else None),
                after_mentor=person(new[0] if new else None),
                before_score=old[1] if old else None,
                after_score=new[1] if new else None,
            )
        )
    rows.sort(key=lambda row: (DIFF_KINDS.index(row.kind), row.mentee.name, row.mentee.id))
    counts = {kind: sum(row.kind == kind for row in rows) for kind in DIFF_KINDS}
    return RoundDiff(
        before=before_round,
        after=after_round,
        rows=rows,
        counts=counts,
        matched_before=len(before),
        matched_after=len(after),
        total_before=sum(score for _, score in before.values()),
        total_after=sum(score for _, score in after.values()),
    )


# --- locks and forbids ----------------------------------------------------------------------


@dataclass(frozen=True)
class RuleRow:
    mentee: Person
    mentor: Person
    kind: str
    source: str
    note: str | None
    created_at: object


def pair_rules() -> list[RuleRow]:
    rules = list(db.session.scalars(select(PairRule).order_by(PairRule.kind, PairRule.id)))
    known = people({r.mentee_id for r in rules} | {r.mentor_id for r in rules})
    return [
        RuleRow(
            known.get(r.mentee_id) or _missing(r.mentee_id),
            known.get(r.mentor_id) or _missing(r.mentor_id),
            r.kind,
            r.source,
            r.note,
            r.created_at,
        )
        for r in rules
    ]


def person_id_by_email(email: str, role: str, field_name: str) -> int:
    """The id of the mentee or mentor with this email (for rules typed in by email)."""
    address = (email or "").strip().lower()
    user_id = db.session.scalar(select(User.id).where(User.email == address, User.role == role))
    if user_id is None:
        raise ValidationError.single(field_name, f"No {role} has the email '{address}'.")
    return user_id


# --- export ---------------------------------------------------------------------------------


def export_rows(round_id: int) -> Iterator[dict[str, object]]:
    """The round's pairs as the export's rows, by mentee email (checks the round first)."""
    _round(round_id)
    return _export_rows(round_id)


def _export_rows(round_id: int) -> Iterator[dict[str, object]]:
    mentee, mentor = aliased(User), aliased(User)
    rows = db.session.execute(
        select(RoundPair, mentee.email, mentor.email)
        .join(mentee, mentee.id == RoundPair.mentee_id)
        .join(mentor, mentor.id == RoundPair.mentor_id)
        .where(RoundPair.round_id == round_id)
        .order_by(mentee.email)
    )
    for pair, mentee_email, mentor_email in rows:
        yield {
            "mentee_email": mentee_email,
            "mentor_email": mentor_email,
            "score": f"{pair.score:.6f}",
            "specialty_score": f"{pair.specialty_score:.6f}",
            "region_score": f"{pair.region_score:.6f}",
            "research_score": f"{pair.research_score:.6f}",
            "locked": "yes" if pair.locked else "no",
        }


def iter_export_csv(round_id: int) -> Iterator[str]:
    """The export as CSV text, line by line; cells a spreadsheet would run are made text.

    Raises NotFound at once (not when the first line is read) for a round that does not exist.
    """
    return _csv_lines(export_rows(round_id))


def _csv_lines(rows: Iterator[dict[str, object]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(cells) -> str:
        writer.writerow([neutralise(str(cell)) for cell in cells])
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield line(EXPORT_COLUMNS)
    for row in rows:
        yield line(row[column] for column in EXPORT_COLUMNS)
