"""After publishing: how the mentors answered, and a top-up round for the mentees whose mentor
declined or let the proposal expire; and a programme's top-up round for everyone there who
needs a new mentor (declined or expired, or a mentorship ended early: not a good fit, no time,
no response, other). (Extending deadlines and reminding mentors now are
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
    EndReason,
    MatchingRound,
    MembershipStatus,
    MenteeProfile,
    Mentorship,
    MentorshipStatus,
    ProgrammeMember,
    RoundStatus,
    User,
)
from mentormatch.models.times import utcnow
from mentormatch.services.errors import ValidationError
from mentormatch.services.programmes import catalogue
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


# --- a programme's top-up: everyone who needs a new mentor ------------------------------------


def needing_new_mentor(programme_id: int) -> list[int]:
    """Active mentees of the programme, without a mentor or a pending proposal there, whose
    latest mentorship there was declined, expired or ended early (any reason but completed),
    by id. A mentee whose fit is poor joins them once her mentorship is ended."""
    latest = (
        select(Mentorship.mentee_id, func.max(Mentorship.id).label("last_id"))
        .where(Mentorship.programme_id == programme_id)
        .group_by(Mentorship.mentee_id)
        .subquery()
    )
    ended_early = (Mentorship.status == MentorshipStatus.ENDED) & (
        Mentorship.end_reason != EndReason.COMPLETED.value
    )
    return list(
        db.session.scalars(
            select(Mentorship.mentee_id)
            .join(latest, latest.c.last_id == Mentorship.id)
            .join(User, User.id == Mentorship.mentee_id)
            .join(
                ProgrammeMember,
                (ProgrammeMember.user_id == User.id)
                & (ProgrammeMember.programme_id == programme_id),
            )
            .where(
                Mentorship.status.in_(REMATCHABLE) | ended_early,
                User.active.is_(True),
                ProgrammeMember.status == MembershipStatus.ACTIVE.value,
            )
            .order_by(Mentorship.mentee_id)
        )
    )


def start_programme_top_up(programme_id: int, actor_id: int | None = None) -> MatchingRound:
    """A round of just the programme's mentees who need a new mentor, with the programme's
    default round settings; past answers and endings forbid their old mentors. Queued to run
    like any round (reviewed and published like one)."""
    programme = catalogue.get(programme_id)
    mentee_ids = needing_new_mentor(programme_id)
    if not mentee_ids:
        raise ValidationError.single(
            "programme",
            f"Nobody in {programme.name} is waiting for a new mentor: no decline, expiry or "
            "early ending without a new mentor since.",
        )
    defaults = programme.round_defaults or {}
    base = RoundSettings(name="top-up")
    name = f"{programme.name}"[: NAME_MAX - len(TOP_UP_SUFFIX) - 11]
    settings = RoundSettings(
        name=f"{name} {utcnow():%Y-%m-%d}{TOP_UP_SUFFIX}",
        weights={**base.weights, **(defaults.get("weights") or {})},
        objective=defaults.get("objective") or base.objective,
        min_score=defaults.get("min_score"),
        mentee_ids=tuple(mentee_ids),
        programme_id=programme_id,
    )
    return transitions.create_and_start(settings, actor_id)
