"""What if: how a round's pairs differ from an earlier round's, mentee by mentee."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from mentormatch.extensions import db
from mentormatch.models import MatchingRound, RoundPair, RoundStatus
from mentormatch.services.errors import ValidationError
from mentormatch.services.rounds.lookup import Person, get_round, persons_by_id

HAS_RESULT = (RoundStatus.PROPOSED, RoundStatus.PUBLISHED, RoundStatus.CLOSED)
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
    """Other rounds of the same programme with a result, newest first, to compare this one
    against."""
    programme_id = get_round(round_id).programme_id
    return list(
        db.session.scalars(
            select(MatchingRound)
            .where(
                MatchingRound.id != round_id,
                MatchingRound.status.in_(HAS_RESULT),
                MatchingRound.programme_id == programme_id,
            )
            .order_by(MatchingRound.id.desc())
        )
    )


def _pairs(round_id: int) -> dict[int, tuple[int, float]]:
    """mentee id -> (mentor id, score) of the round's pairs."""
    rows = db.session.execute(
        select(RoundPair.mentee_id, RoundPair.mentor_id, RoundPair.score).where(
            RoundPair.round_id == round_id
        )
    ).all()
    return {row.mentee_id: (row.mentor_id, row.score) for row in rows}


def diff_rounds(round_id: int, earlier_id: int) -> RoundDiff:
    """How ``round_id``'s pairs differ from ``earlier_id``'s, mentee by mentee."""
    after_round, before_round = get_round(round_id), get_round(earlier_id)
    if before_round.programme_id != after_round.programme_id:
        raise ValidationError.single(
            "against", f"Round {earlier_id} belongs to another programme: compare rounds of one."
        )
    if before_round.status not in HAS_RESULT:
        raise ValidationError.single("against", f"Round {earlier_id} has no result to compare.")
    before, after = _pairs(earlier_id), _pairs(round_id)
    ids = set(before) | set(after)
    ids |= {mentor for mentor, _ in before.values()} | {mentor for mentor, _ in after.values()}
    names = persons_by_id(ids)

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
                mentee=names[mentee_id],
                before_mentor=names[old[0]] if old else None,
                after_mentor=names[new[0]] if new else None,
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
