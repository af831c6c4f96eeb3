"""Publishing a round: every proposed pair becomes a proposal to its mentor, all or nothing.

Each proposal takes a seat with a conditional update, and the database allows one open
mentorship per mentee: if anything changed since the run (a mentor lowered capacity or filled
up, a mentee got a mentor from another round), nothing is published and the error names the
pairs. ``blockers`` finds the same pairs without changing anything, so the round's page can
say that the round can no longer be published, and why, before anyone presses the button.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from mentormatch.extensions import db
from mentormatch.models import (
    OPEN_MENTORSHIP_STATUSES,
    MatchingRound,
    MenteeProfile,
    MentorProfile,
    Mentorship,
    MentorshipStatus,
    ProgrammeMember,
    RoundPair,
    RoundStatus,
    User,
)
from mentormatch.models.times import utcnow
from mentormatch.services import audit, explanations, mail, mail_messages, seats
from mentormatch.services.errors import ServiceError
from mentormatch.services.rounds.lookup import Person, get_round, persons_by_id
from mentormatch.services.rounds.transitions import refused

CONFLICTS_SHOWN = 5
MENTEE_INACTIVE = "the mentee's account is no longer active"
MENTOR_INACTIVE = "the mentor's account is no longer active"
MENTOR_FULL = "the mentor is full"
JUST_NOW = "another round was published for this mentee at this very moment"


@dataclass(frozen=True)
class PublishConflict:
    """A pair of the round that can no longer be proposed, and why (in words)."""

    mentee: Person
    mentor: Person
    reason: str

    def __str__(self) -> str:
        return f"{self.mentee.name} with {self.mentor.name}: {self.reason}"


class PublishConflictError(ServiceError):
    """Nothing was published: these pairs can no longer be proposed (the round is out of
    date)."""

    def __init__(self, conflicts: list[PublishConflict]) -> None:
        self.conflicts = conflicts
        shown = "; ".join(str(c) for c in conflicts[:CONFLICTS_SHOWN])
        extra = len(conflicts) - CONFLICTS_SHOWN
        more = f"; and {extra} more" if extra > 0 else ""
        count = len(conflicts)
        super().__init__(
            f"Nothing was published: {count} pair{'' if count == 1 else 's'} can no longer be "
            f"proposed ({shown}{more}). Run the round again to get a proposal that fits "
            "today's data."
        )


@dataclass(frozen=True)
class PublishPreview:
    """What publishing a proposed round would do now: whom it emails, or why it cannot."""

    round: MatchingRound
    proposals: int
    mentors: int
    blockers: list[PublishConflict]
    # rounds published since, whose proposals now hold some of this round's mentees
    published_since: list[MatchingRound]

    @property
    def people(self) -> int:
        """Everyone publishing emails: each proposed mentee and each of their mentors."""
        return self.proposals + self.mentors

    @property
    def publishable(self) -> bool:
        return self.round.status == RoundStatus.PROPOSED and not self.blockers


def preview(round_id: int) -> PublishPreview:
    """What publishing the round would do now (nothing is changed)."""
    matching_round = get_round(round_id)
    pairs = db.session.execute(
        select(RoundPair.mentee_id, RoundPair.mentor_id).where(RoundPair.round_id == round_id)
    ).all()
    found, rounds = (
        _blockers(matching_round, pairs)
        if matching_round.status == RoundStatus.PROPOSED
        else ([], [])
    )
    return PublishPreview(
        round=matching_round,
        proposals=len(pairs),
        mentors=len({pair.mentor_id for pair in pairs}),
        blockers=found,
        published_since=rounds,
    )


def _usable(user_ids: set[int], profile) -> set[int]:
    """The users among ``user_ids`` who are active and still have a ``profile``."""
    return set(
        db.session.scalars(
            select(User.id)
            .join(profile, profile.user_id == User.id)
            .where(User.id.in_(user_ids), User.active.is_(True))
        )
    )


def answer_days(matching_round: MatchingRound) -> int:
    """How long mentors have to answer this round's proposals: the programme's answer
    window."""
    return matching_round.programme.answer_days


def _held(matching_round: MatchingRound) -> tuple[dict, dict[int, MatchingRound]]:
    """The round's mentees who hold an open mentorship in its programme now (mentee id ->
    status and round), and the rounds those came from."""
    held = {
        row.mentee_id: row
        for row in db.session.execute(
            select(Mentorship.mentee_id, Mentorship.status, Mentorship.round_id).where(
                Mentorship.mentee_id.in_(
                    select(RoundPair.mentee_id).where(RoundPair.round_id == matching_round.id)
                ),
                Mentorship.programme_id == matching_round.programme_id,
                Mentorship.status.in_(OPEN_MENTORSHIP_STATUSES),
            )
        )
    }
    round_ids = {row.round_id for row in held.values() if row.round_id}
    rounds = {r.id: r for r in db.session.scalars(select(MatchingRound).where(
        MatchingRound.id.in_(round_ids)))}  # fmt: skip
    return held, rounds


def _blockers(
    matching_round: MatchingRound, pairs
) -> tuple[list[PublishConflict], list[MatchingRound]]:
    """The pairs publishing would refuse, found the way ``publish_round`` finds them (seats in
    mentor order), without taking a seat."""
    mentee_ids = {pair.mentee_id for pair in pairs}
    mentor_ids = {pair.mentor_id for pair in pairs}
    usable_mentees = _usable(mentee_ids, MenteeProfile)
    usable_mentors = _usable(mentor_ids, MentorProfile)
    held, other_rounds = _held(matching_round)
    free = dict(
        db.session.execute(
            select(MentorProfile.user_id, seats.free_seats_expression())
            .join(ProgrammeMember, ProgrammeMember.user_id == MentorProfile.user_id)
            .where(
                MentorProfile.user_id.in_(mentor_ids),
                ProgrammeMember.programme_id == matching_round.programme_id,
            )
        ).all()
    )
    names = persons_by_id(mentee_ids | mentor_ids)
    found = []
    for pair in sorted(pairs, key=lambda p: (p.mentor_id, p.mentee_id)):
        reason = None
        if pair.mentee_id not in usable_mentees:
            reason = MENTEE_INACTIVE
        elif pair.mentor_id not in usable_mentors:
            reason = MENTOR_INACTIVE
        elif pair.mentee_id in held:
            reason = _held_reason(held[pair.mentee_id], other_rounds)
        elif free.get(pair.mentor_id, 0) <= 0:
            reason = f"{MENTOR_FULL}: no free seat is left for another mentee"
        else:
            free[pair.mentor_id] -= 1
        if reason is not None:
            found.append(PublishConflict(names[pair.mentee_id], names[pair.mentor_id], reason))
    found.sort(key=lambda c: (c.mentee.name.lower(), c.mentee.id))
    holding = Counter(row.round_id for row in held.values() if row.round_id in other_rounds)
    return found, [other_rounds[round_id] for round_id, _ in holding.most_common()]


def _held_reason(held, other_rounds: dict[int, MatchingRound]) -> str:
    what = (
        "already has a mentor"
        if held.status == MentorshipStatus.ACCEPTED
        else "already has a pending proposal"
    )
    source = other_rounds.get(held.round_id)
    origin = f" from round #{source.id} \u201c{source.name}\u201d" if source else ""
    return f"the mentee {what}{origin}"


def publish_round(round_id: int, actor_id: int | None = None) -> int:
    """Send every proposed pair to its mentor; returns the number of proposals sent."""
    claimed = db.session.execute(
        update(MatchingRound)
        .where(MatchingRound.id == round_id, MatchingRound.status == RoundStatus.PROPOSED)
        .values(status=RoundStatus.PUBLISHED, published_at=utcnow())
    )
    if claimed.rowcount == 0:
        raise refused(round_id, "only a proposed round can be published.")
    matching_round = get_round(round_id)
    pairs = _pairs_with_people(round_id)
    conflicts = _conflicts(matching_round, pairs)
    if conflicts:
        db.session.rollback()
        raise PublishConflictError(conflicts)
    deadline = utcnow() + timedelta(days=answer_days(matching_round))
    for pair in sorted(pairs, key=lambda p: p.mentee_id):
        db.session.add(
            Mentorship(
                programme_id=matching_round.programme_id,
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
        someone = Person(0, "One of this round's mentees", "")
        raise PublishConflictError(
            [PublishConflict(someone, Person(0, "a mentor", ""), JUST_NOW)]
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


def _person(user: User) -> Person:
    return Person(user.id, user.full_name, user.email)


def _conflicts(matching_round: MatchingRound, pairs: list[RoundPair]) -> list[PublishConflict]:
    """The pairs that can no longer be proposed; a seat is taken for each of the others."""
    held, other_rounds = _held(matching_round)
    conflicts: list[PublishConflict] = []
    # Seats are taken in mentor order and proposals inserted in mentee order, so that two
    # publishes running at once lock the same rows in the same order and cannot deadlock.
    for pair in sorted(pairs, key=lambda p: (p.mentor_id, p.mentee_id)):
        reason = _no_longer_available(pair)
        if reason is None and pair.mentee_id in held:
            reason = _held_reason(held[pair.mentee_id], other_rounds)
        if reason is None and not seats.take_seat(pair.mentor_id, matching_round.programme_id):
            reason = MENTOR_FULL
        if reason is not None:
            conflicts.append(PublishConflict(_person(pair.mentee), _person(pair.mentor), reason))
    return conflicts


def _no_longer_available(pair: RoundPair) -> str | None:
    """Why this pair cannot be proposed any more (an account deactivated or deleted since the
    run), or None."""
    if not pair.mentee.active or pair.mentee.mentee_profile is None:
        return MENTEE_INACTIVE
    if not pair.mentor.active or pair.mentor.mentor_profile is None:
        return MENTOR_INACTIVE
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
