"""After publishing: how the mentors answered, and a top-up round for the mentees whose mentor
declined or let the proposal expire. (Extending deadlines and reminding mentors now are
``services.proposals``.)

Reads never write; ``start_top_up`` makes one new round.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import exists, func, not_, select
from sqlalchemy.orm import aliased

from mentormatch.extensions import db
from mentormatch.models import (
    OPEN_MENTORSHIP_STATUSES,
    MatchingRound,
    MenteeProfile,
    Mentorship,
    MentorshipStatus,
    RoundStatus,
    User,
)
from mentormatch.models.times import utcnow
from mentormatch.services.errors import ValidationError
from mentormatch.services.rounds import transitions
from mentormatch.services.rounds.lookup import get_round
from mentormatch.services.rounds.settings import NAME_MAX, RoundSettings

# A mentor said no (or nothing): the mentee may be matched again, never to that mentor (the
# answer forbade the pair).
REMATCHABLE = (MentorshipStatus.DECLINED, MentorshipStatus.EXPIRED)
TOP_UP_SUFFIX = " (top-up)"


@dataclass(frozen=True)
class AnswerTotals:
    """How many of a round's proposals are in each state."""

    counts: dict[MentorshipStatus, int]
    overdue: int  # pending past the deadline, until the expiry sweep runs
    rematchable: int  # mentees a top-up round would take

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def pending(self) -> int:
        return self.counts[MentorshipStatus.PROPOSED]


def answer_totals(round_id: int) -> AnswerTotals:
    rows = db.session.execute(
        select(Mentorship.status, func.count())
        .where(Mentorship.round_id == round_id)
        .group_by(Mentorship.status)
    ).all()
    counts = dict.fromkeys(MentorshipStatus, 0)
    counts.update({MentorshipStatus(status): count for status, count in rows})
    overdue = db.session.scalar(
        select(func.count()).where(
            Mentorship.round_id == round_id,
            Mentorship.status == MentorshipStatus.PROPOSED,
            Mentorship.expires_at <= utcnow(),
        )
    )
    return AnswerTotals(counts, overdue or 0, len(rematch_candidates(round_id)))


def rematch_candidates(round_id: int) -> list[int]:
    """The round's mentees whose mentor declined or let the proposal expire, and who are still
    active, without a mentor and without a pending proposal in the round's programme, by
    id."""
    programme_id = get_round(round_id).programme_id
    current = aliased(Mentorship)
    holds_one = exists().where(
        current.mentee_id == User.id,
        current.programme_id == programme_id,
        current.status.in_(OPEN_MENTORSHIP_STATUSES),
    )
    return list(
        db.session.scalars(
            select(User.id)
            .distinct()
            .join(Mentorship, Mentorship.mentee_id == User.id)
            .join(MenteeProfile, MenteeProfile.user_id == User.id)
            .where(
                Mentorship.round_id == round_id,
                Mentorship.status.in_(REMATCHABLE),
                User.active.is_(True),
                not_(holds_one),
            )
            .order_by(User.id)
        )
    )


def top_ups_of(round_id: int) -> list[MatchingRound]:
    """The top-up rounds made for this round's declines, newest first."""
    return list(
        db.session.scalars(
            select(MatchingRound)
            .where(MatchingRound.top_up_of_id == round_id)
            .order_by(MatchingRound.id.desc())
        )
    )


def top_up_name(matching_round: MatchingRound) -> str:
    base = transitions.RERUN_SUFFIX.sub("", matching_round.name)
    return base[: NAME_MAX - len(TOP_UP_SUFFIX)] + TOP_UP_SUFFIX


def start_top_up(round_id: int, actor_id: int | None = None) -> MatchingRound:
    """A small round of just the mentees whose mentor declined or let the proposal expire,
    with the published round's weights, objective and minimum score; the forbids their
    answers created keep them away from those mentors. Queued to run like any round."""
    matching_round = get_round(round_id)
    if matching_round.status not in (RoundStatus.PUBLISHED, RoundStatus.CLOSED):
        raise ValidationError.single(
            "round", "Only a published round has answers to follow up on."
        )
    mentee_ids = rematch_candidates(round_id)
    if not mentee_ids:
        raise ValidationError.single(
            "round",
            "No mentee of this round is waiting for a new mentor: nobody's mentor declined "
            "or let the proposal expire (or they have been matched again since).",
        )
    settings = replace(
        RoundSettings.from_json(matching_round.settings),
        name=top_up_name(matching_round),
        mentee_ids=tuple(mentee_ids),
        programme_id=matching_round.programme_id,
    )
    return transitions.create_and_start(settings, actor_id, top_up_of_id=round_id)
