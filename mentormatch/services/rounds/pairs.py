"""A round's proposed pairs, a page at a time, each explained part by part."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from mentormatch.models import RoundPair, User
from mentormatch.services.pagination import PER_PAGE, Page, paginate_rows
from mentormatch.services.rounds.lookup import get_round
from mentormatch.services.rounds.pair_rules import rules_by_pair
from mentormatch.services.rounds.settings import WEIGHT_LABELS, WEIGHT_NAMES, RoundSettings


@dataclass(frozen=True)
class Component:
    name: str
    value: float
    weight: float

    @property
    def contribution(self) -> float:
        return self.value * self.weight

    @property
    def label(self) -> str:
        return WEIGHT_LABELS[self.name]

    @property
    def label_in_text(self) -> str:
        """The label inside a sentence ("mostly specialty", "mostly IMG mentor")."""
        label = self.label
        return label if label.startswith("IMG") else label.lower()


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


def pairs_page(
    round_id: int, query: str = "", page: int = 1, per_page: int = PER_PAGE
) -> Page[PairRow]:
    """A page of the round's pairs, best score first, filtered by a name or email fragment."""
    matching_round = get_round(round_id)
    # the parts this round weighs (the extras only when switched on), in WEIGHT_NAMES order
    weights = RoundSettings.from_json(matching_round.settings).weights_in_use()
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
    rows = paginate_rows(
        statement.order_by(RoundPair.score.desc(), RoundPair.mentee_id), page, per_page
    )
    rules = rules_by_pair([(p.mentee_id, p.mentor_id) for p, _, _ in rows.items])
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
                Component(name, getattr(pair, f"{name}_score") or 0.0, weights[name])
                for name in WEIGHT_NAMES
                if name in weights
            ),
            rule=rules.get((pair.mentee_id, pair.mentor_id)),
        )
        for pair, mentee_user, mentor_user in rows.items
    ]
    return replace(rows, items=items)
