"""Publishing a round: every proposed pair becomes a proposal to its mentor, all or nothing.

Each proposal takes a seat with a conditional update, and the database allows one open
mentorship per mentee: if anything changed since the run (a mentor lowered capacity or filled
up, a mentee got a mentor from another round), nothing is published and the error lists the
pairs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from mentormatch.extensions import db
from mentormatch.models import (
    OPEN_MENTORSHIP_STATUSES,
    MatchingRound,
    Mentorship,
    RoundPair,
    RoundStatus,
    User,
)
from mentormatch.models.times import utcnow
from mentormatch.services import audit, explanations, mail, mail_messages, seats
from mentormatch.services.errors import ServiceError
from mentormatch.services.rounds.transitions import refused

CONFLICTS_SHOWN = 5


@dataclass(frozen=True)
class PublishConflict:
    mentee: str
    mentor: str
    reason: str


class PublishConflictError(ServiceError):
    """Nothing was published: these pairs can no longer be proposed (the round is out of
    date)."""

    def __init__(self, conflicts: list[PublishConflict]) -> None:
        self.conflicts = conflicts
        shown = "; ".join(
            f"{c.mentee} -> {c.mentor}: {c.reason}" for c in conflicts[:CONFLICTS_SHOWN]
        )
        extra = len(conflicts) - CONFLICTS_SHOWN
        more = f" and {extra} more" if extra > 0 else ""
        super().__init__(
            f"Nothing was published: {len(conflicts)} pair(s) can no longer be proposed "
            f"({shown}{more}). Run the round again to get a proposal that fits today's data."
        )


def publish_round(round_id: int, actor_id: int | None = None) -> int:
    """Send every proposed pair to its mentor; returns the number of proposals sent."""
    claimed = db.session.execute(
        update(MatchingRound)
        .where(MatchingRound.id == round_id, MatchingRound.status == RoundStatus.PROPOSED)
        .values(status=RoundStatus.PUBLISHED, published_at=utcnow())
    )
    if claimed.rowcount == 0:
        raise refused(round_id, "only a proposed round can be published.")
    pairs = _pairs_with_people(round_id)
    conflicts = _conflicts(round_id, pairs)
    if conflicts:
        db.session.rollback()
        raise PublishConflictError(conflicts)
    deadline = utcnow() + timedelta(days=int(current_app.config["PROPOSAL_DAYS"]))
    for pair in sorted(pairs, key=lambda p: p.mentee_id):
        db.session.add(
            Mentorship(
                mentee_id=pair.mentee_id,
                mentor_id=pair.mentor_id,
                round_id=round_id,
                expires_at=deadline,
            )
        )
    try:
        db.session.flush()
    except IntegrityError as exc:
        # Another round was published for one of these mentees at this very moment; the
        # database's one-open-mentorship-per-mentee index refused it.
        db.session.rollback()
        raise PublishConflictError(
            [PublishConflict("(one of this round's mentees)", "-", "published elsewhere just now")]
        ) from exc
    for pair in pairs:
        _queue_proposal_mails(pair, deadline)
    audit.record(actor_id, audit.ROUND_PUBLISHED, ("round", round_id), proposals=len(pairs))
    db.session.commit()
    return len(pairs)


def _pairs_with_people(round_id: int) -> list[RoundPair]:
    return list(
        db.session.scalars(
            select(RoundPair)
            .where(RoundPair.round_id == round_id)
            .order_by(RoundPair.id)
            .options(
                selectinload(RoundPair.mentee).selectinload(User.mentee_profile),
                selectinload(RoundPair.mentor).selectinload(User.mentor_profile),
            )
        )
    )


def _conflicts(round_id: int, pairs: list[RoundPair]) -> list[PublishConflict]:
    """The pairs that can no longer be proposed; a seat is taken for each of the others."""
    round_mentees = select(RoundPair.mentee_id).where(RoundPair.round_id == round_id)
    already_open = set(
        db.session.scalars(
            select(Mentorship.mentee_id).where(
                Mentorship.mentee_id.in_(round_mentees),
                Mentorship.status.in_(OPEN_MENTORSHIP_STATUSES),
            )
        )
    )
    conflicts: list[PublishConflict] = []
    # Seats are taken in mentor order and proposals inserted in mentee order, so that two
    # publishes running at once lock the same rows in the same order and cannot deadlock.
    for pair in sorted(pairs, key=lambda p: (p.mentor_id, p.mentee_id)):
        reason = _no_longer_available(pair)
        if reason is None and pair.mentee_id in already_open:
            reason = "the mentee already has a mentor or a pending proposal"
        if reason is None and not seats.take_seat(pair.mentor_id):
            reason = "the mentor is full"
        if reason is not None:
            conflicts.append(PublishConflict(pair.mentee.email, pair.mentor.email, reason))
    return conflicts


def _no_longer_available(pair: RoundPair) -> str | None:
    """Why this pair cannot be proposed any more (an account deactivated or deleted since the
    run), or None."""
    if not pair.mentee.active or pair.mentee.mentee_profile is None:
        return "the mentee's account is no longer active"
    if not pair.mentor.active or pair.mentor.mentor_profile is None:
        return "the mentor's account is no longer active"
    return None


def _queue_proposal_mails(pair: RoundPair, deadline: datetime) -> None:
    context = {
        "mentee": pair.mentee,
        "mentor": pair.mentor,
        "deadline": deadline.strftime("%d %B %Y"),
    }
    mail_messages.queue(
        pair.mentor.email,
        "proposal_to_mentor",
        "proposal",
        link=mail.absolute_url("mentor.home"),
        why=explanations.round_pair_words(pair, explanations.Audience.MENTOR),
        **context,
    )
    mail_messages.queue(
        pair.mentee.email,
        "proposal_to_mentee",
        "proposal",
        link=mail.absolute_url("mentee.home"),
        why=explanations.round_pair_words(pair, explanations.Audience.MENTEE),
        **context,
    )
