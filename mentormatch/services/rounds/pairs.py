"""A round's proposed pairs, a page at a time, each explained part by part, and once the
round is published, each with its mentor's answer."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from mentormatch.models import Mentorship, MentorshipStatus, RoundPair, User
from mentormatch.services.pagination import PER_PAGE, Page, paginate_rows
from mentormatch.services.proposals import deadline_passed
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


# How coordinators read a proposal's status; a proposal waiting for its mentor is "pending".
ANSWER_LABELS = {
    MentorshipStatus.PROPOSED: "pending",
    MentorshipStatus.ACCEPTED: "accepted",
    MentorshipStatus.DECLINED: "declined",
    MentorshipStatus.EXPIRED: "expired",
    MentorshipStatus.ENDED: "ended",
}


@dataclass(frozen=True)
class Answer:
    """What became of a published pair. ``reason`` is the mentor's reason for declining: for
    coordinators only, never shown to the mentee."""

    mentorship_id: int
    status: MentorshipStatus
    expires_at: datetime | None
    responded_at: datetime | None
    ended_at: datetime | None
    reason: str | None
    by_mentee: bool = False  # the mentee declined it herself (her reason, then)

    @property
    def label(self) -> str:
        if self.by_mentee:
            return "declined by the mentee"
        return ANSWER_LABELS[self.status]

    @property
    def pending(self) -> bool:
        return self.status == MentorshipStatus.PROPOSED

    @property
    def overdue(self) -> bool:
        """Pending past its deadline: the next expiry sweep expires it."""
        return self.pending and deadline_passed(self.expires_at)

    @classmethod
    def of(cls, mentorship: Mentorship | None) -> Answer | None:
        if mentorship is None:
            return None
        return cls(
            mentorship_id=mentorship.id,
            status=MentorshipStatus(mentorship.status),
            expires_at=mentorship.expires_at,
            responded_at=mentorship.responded_at,
            ended_at=mentorship.ended_at,
            reason=mentorship.response_reason,
            by_mentee=mentorship.status == MentorshipStatus.DECLINED
            and mentorship.ended_by_id == mentorship.mentee_id,
        )


def answer_join():
    """The ON clause joining a round's pair to the proposal publishing made of it."""
    return and_(
        Mentorship.round_id == RoundPair.round_id,
        Mentorship.mentee_id == RoundPair.mentee_id,
        Mentorship.mentor_id == RoundPair.mentor_id,
    )


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
    answer: Answer | None = None  # once published: the mentor's answer

    @property
    def strongest(self) -> Component:
        return max(self.components, key=lambda c: c.contribution)


def pairs_page(
    round_id: int,
    query: str = "",
    page: int = 1,
    per_page: int = PER_PAGE,
    state: MentorshipStatus | None = None,
) -> Page[PairRow]:
    """A page of the round's pairs, best score first, filtered by a name or email fragment and
    by the state of the mentor's answer."""
    matching_round = get_round(round_id)
    # the parts this round weighs (the extras only when switched on), in WEIGHT_NAMES order
    weights = RoundSettings.from_json(matching_round.settings).weights_in_use()
    mentee, mentor = aliased(User), aliased(User)
    statement = (
        select(RoundPair, mentee, mentor, Mentorship)
        .join(mentee, mentee.id == RoundPair.mentee_id)
        .join(mentor, mentor.id == RoundPair.mentor_id)
        .outerjoin(Mentorship, answer_join())
        .where(RoundPair.round_id == round_id)
    )
    if state is not None:
        statement = statement.where(Mentorship.status == state)
    needle = " ".join((query or "").split()).lower()
    if needle:
        # autoescape: a % or _ in the filter is a character, not a wildcard
        statement = statement.where(
            or_(
                *(
                    func.lower(column).contains(needle, autoescape=True)
                    for column in (mentee.full_name, mentee.email, mentor.full_name, mentor.email)
                )
            )
        )
    rows = paginate_rows(
        statement.order_by(RoundPair.score.desc(), RoundPair.mentee_id), page, per_page
    )
    rules = rules_by_pair(
        [(p.mentee_id, p.mentor_id) for p, _, _, _ in rows.items], matching_round.programme_id
    )
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
            answer=Answer.of(proposal),
        )
        for pair, mentee_user, mentor_user, proposal in rows.items
    ]
    return replace(rows, items=items)
