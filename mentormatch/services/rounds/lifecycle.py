"""A round's life: draft -> running -> proposed -> published -> closed (or failed).

Every transition is a conditional UPDATE on the current status, so two coordinators clicking
at once cannot both start or both publish the same round.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from mentormatch import codes, tasks
from mentormatch.extensions import db
from mentormatch.models import MatchingRound, Mentorship, PairRule, Role, RoundPair, User
from mentormatch.services import audit, mail, seats
from mentormatch.services.errors import NotFound, ServiceError, ValidationError
from mentormatch.services.rounds import run
from mentormatch.services.rounds.settings import RoundSettings

STARTABLE = ("draft", "proposed", "failed")
CLOSABLE = ("draft", "proposed", "published", "failed")


class TransitionError(ServiceError):
    """The round is not in a state that allows this; the message says what it is in."""


@dataclass(frozen=True)
class PublishConflict:
    mentee: str
    mentor: str
    reason: str


class PublishConflictError(ServiceError):
    """Nothing was published: these pairs can no longer be proposed (the round is stale)."""

    def __init__(self, conflicts: list[PublishConflict]) -> None:
        self.conflicts = conflicts
        shown = "; ".join(f"{c.mentee} -> {c.mentor}: {c.reason}" for c in conflicts[:5])
        more = f" and {len(conflicts) - 5} more" if len(conflicts) > 5 else ""
        super().__init__(
            f"Nothing was published: {len(conflicts)} pair(s) can no longer be proposed "
            f"({shown}{more}). Run the round again to get a proposal that fits today's data."
        )


def _now() -> datetime:
    return datetime.now(UTC)


def get_round(round_id: int) -> MatchingRound:
    matching_round = db.session.get(MatchingRound, round_id)
    if matching_round is None:
        raise NotFound(f"No round {round_id}.")
    mark_if_stale(matching_round)
    return matching_round


def list_rounds() -> list[MatchingRound]:
    rounds = list(db.session.scalars(select(MatchingRound).order_by(MatchingRound.id.desc())))
    for matching_round in rounds:
        mark_if_stale(matching_round)
    return rounds


def mark_if_stale(matching_round: MatchingRound) -> None:
    """A running round that has not reported for ROUND_STALE_SECONDS lost its worker (the
    process died): it becomes failed, and can be run again."""
    if matching_round.status != "running":
        return
    last = matching_round.progress_at or matching_round.started_at
    limit = timedelta(seconds=int(current_app.config["ROUND_STALE_SECONDS"]))
    if last is not None and _now() - _aware(last) > limit:
        result = db.session.execute(
            update(MatchingRound)
            .where(MatchingRound.id == matching_round.id, MatchingRound.status == "running")
            .values(
                status="failed",
                error="The worker running this round stopped before it finished (no progress "
                f"for {limit}). Nothing of it was saved; run it again.",
            )
        )
        db.session.commit()
        if result.rowcount:
            db.session.refresh(matching_round)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def create_round(settings: RoundSettings, created_by_id: int | None) -> MatchingRound:
    matching_round = MatchingRound(
        name=settings.name, settings=settings.as_json(), created_by_id=created_by_id
    )
    db.session.add(matching_round)
    db.session.commit()
    return matching_round


def update_settings(round_id: int, settings: RoundSettings) -> MatchingRound:
    """Change a round's settings before it is published (it must be run again)."""
    matching_round = get_round(round_id)
    if matching_round.status not in STARTABLE:
        raise TransitionError(
            f"Round {round_id} is {matching_round.status}; only a draft, proposed or failed "
            "round can change its settings."
        )
    matching_round.settings = settings.as_json()
    matching_round.name = settings.name
    db.session.commit()
    return matching_round


def start_round(round_id: int, actor_id: int | None = None) -> MatchingRound:
    """Queue the round to run; from draft, proposed (a re-run) or failed."""
    result = db.session.execute(
        update(MatchingRound)
        .where(MatchingRound.id == round_id, MatchingRound.status.in_(STARTABLE))
        .values(
            status="running",
            started_at=_now(),
            finished_at=None,
            progress_stage="queued",
            progress_percent=0,
            progress_at=_now(),
            error=None,
        )
    )
    if result.rowcount:
        audit.record(actor_id, audit.ROUND_STARTED, ("round", round_id))
    db.session.commit()
    if result.rowcount == 0:
        current = get_round(round_id)
        raise TransitionError(f"Round {round_id} is {current.status}; it cannot be started now.")
    tasks.enqueue(run.RUN_TASK, round_id)
    return get_round(round_id)


def create_and_start(settings: RoundSettings, created_by_id: int | None) -> MatchingRound:
    """A new round, queued to run: one transaction, then the job is submitted."""
    matching_round = MatchingRound(
        name=settings.name,
        settings=settings.as_json(),
        created_by_id=created_by_id,
        status="running",
        started_at=_now(),
        progress_stage="queued",
        progress_at=_now(),
    )
    db.session.add(matching_round)
    audit.record(created_by_id, audit.ROUND_STARTED, matching_round)
    db.session.commit()
    tasks.enqueue(run.RUN_TASK, matching_round.id)
    return get_round(matching_round.id)


def run_round_now(settings: RoundSettings, created_by_id: int | None) -> MatchingRound:
    """Create and run a round in this process (the command line's `round run`): the path of
    every round, with the inline executor."""
    with tasks.run_inline():
        return create_and_start(settings, created_by_id)


def publish_round(round_id: int, actor_id: int | None = None) -> int:
    """Turn every proposed pair into a proposal to its mentor, all or nothing.

    Each proposal takes a seat with a conditional update, and the database allows one open
    mentorship per mentee: if anything changed since the run (a mentor lowered capacity or
    filled up, a mentee got a mentor from another round), nothing is published and the error
    lists the pairs. Returns the number of proposals sent.
    """
    claimed = db.session.execute(
        update(MatchingRound)
        .where(MatchingRound.id == round_id, MatchingRound.status == "proposed")
        .values(status="published", published_at=_now())
    )
    if claimed.rowcount == 0:
        db.session.rollback()
        current = get_round(round_id)
        raise TransitionError(
            f"Round {round_id} is {current.status}; only a proposed round can be published."
        )
    pairs = list(
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
    deadline = _now() + timedelta(days=int(current_app.config["PROPOSAL_DAYS"]))
    already_open = set(
        db.session.scalars(
            select(Mentorship.mentee_id).where(
                Mentorship.mentee_id.in_(select(RoundPair.mentee_id).where(
                    RoundPair.round_id == round_id)),
                Mentorship.status.in_(("proposed", "accepted")),
            )
        )
    )  # fmt: skip
    conflicts: list[PublishConflict] = []
    # Seats are taken in mentor order and proposals inserted in mentee order, so that two
    # publishes running at once lock the same rows in the same order and cannot deadlock.
    for pair in sorted(pairs, key=lambda p: (p.mentor_id, p.mentee_id)):
        gone = _no_longer_available(pair)
        if gone:
            conflicts.append(PublishConflict(pair.mentee.email, pair.mentor.email, gone))
        elif pair.mentee_id in already_open:
            conflicts.append(PublishConflict(
                pair.mentee.email, pair.mentor.email,
                "the mentee already has a mentor or a pending proposal",
            ))  # fmt: skip
        elif not seats.take_seat(pair.mentor_id):
            conflicts.append(
                PublishConflict(pair.mentee.email, pair.mentor.email, "the mentor is full")
            )
    if not conflicts:
        for pair in sorted(pairs, key=lambda p: p.mentee_id):
            db.session.add(
                Mentorship(
                    mentee_id=pair.mentee_id,
                    mentor_id=pair.mentor_id,
                    round_id=round_id,
                    expires_at=deadline,
                )
            )
    if conflicts:
        db.session.rollback()
        raise PublishConflictError(conflicts)
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


def _no_longer_available(pair: RoundPair) -> str | None:
    """Why this pair cannot be proposed any more (an account deactivated or deleted since the
    run), or None."""
    if not pair.mentee.active or pair.mentee.mentee_profile is None:
        return "the mentee's account is no longer active"
    if not pair.mentor.active or pair.mentor.mentor_profile is None:
        return "the mentor's account is no longer active"
    return None


def _queue_proposal_mails(pair: RoundPair, deadline: datetime) -> None:
    specialty = (
        codes.label(pair.mentee.mentee_profile.specialty or "")
        if (pair.mentee.mentee_profile and pair.mentee.mentee_profile.specialty)
        else ""
    )
    when = deadline.strftime("%d %B %Y")
    mail.enqueue(
        pair.mentor.email,
        f"A mentee proposal for you: {pair.mentee.full_name}",
        mail.render_body(
            "proposal_to_mentor",
            mentor=pair.mentor,
            mentee=pair.mentee,
            specialty=specialty,
            deadline=when,
            link=mail.absolute_url("mentor.home"),
        ),
        "proposal",
    )
    mail.enqueue(
        pair.mentee.email,
        "MentorMatch has proposed a mentor for you",
        mail.render_body(
            "proposal_to_mentee",
            mentor=pair.mentor,
            mentee=pair.mentee,
            specialty=codes.label(pair.mentor.mentor_profile.specialty)
            if pair.mentor.mentor_profile and pair.mentor.mentor_profile.specialty
            else "",
            deadline=when,
            link=mail.absolute_url("mentee.home"),
        ),
        "proposal",
    )


def close_round(round_id: int, actor_id: int | None = None) -> MatchingRound:
    """Archive a round. Proposals already sent keep running to their answer or expiry."""
    result = db.session.execute(
        update(MatchingRound)
        .where(MatchingRound.id == round_id, MatchingRound.status.in_(CLOSABLE))
        .values(status="closed", closed_at=_now())
    )
    if result.rowcount:
        audit.record(actor_id, audit.ROUND_CLOSED, ("round", round_id))
    db.session.commit()
    if result.rowcount == 0:
        current = get_round(round_id)
        raise TransitionError(f"Round {round_id} is {current.status}; it cannot be closed.")
    return get_round(round_id)


# --- locks and forbids ----------------------------------------------------------------------


def _person(user_id: int, role: str) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.role != role:
        raise ValidationError.single(role, f"No {role} with id {user_id}.")
    return user


def set_pair_rule(
    mentee_id: int, mentor_id: int, kind: str, created_by_id: int | None, note: str = ""
) -> PairRule:
    """Lock (must pair) or forbid (never pair) a mentee and a mentor in later rounds."""
    if kind not in ("lock", "forbid"):
        raise ValidationError.single("kind", "Choose lock or forbid.")
    _person(mentee_id, Role.MENTEE.value)
    _person(mentor_id, Role.MENTOR.value)
    if kind == "lock":
        # one lock per mentee: a new lock replaces the old one
        db.session.execute(
            delete(PairRule).where(
                PairRule.mentee_id == mentee_id, PairRule.kind == "lock",
                PairRule.mentor_id != mentor_id,
            )
        )  # fmt: skip
    rule = db.session.scalar(
        select(PairRule).where(PairRule.mentee_id == mentee_id, PairRule.mentor_id == mentor_id)
    )
    if rule is None:
        rule = PairRule(mentee_id=mentee_id, mentor_id=mentor_id)
        db.session.add(rule)
    rule.kind, rule.source, rule.note, rule.created_by_id = (
        kind, "coordinator", note or None, created_by_id,
    )  # fmt: skip
    audit.record(
        created_by_id, audit.PAIR_LOCKED if kind == "lock" else audit.PAIR_FORBIDDEN,
        ("user", mentee_id), mentor_id=mentor_id,
    )  # fmt: skip
    db.session.commit()
    return rule


def remove_pair_rule(mentee_id: int, mentor_id: int, actor_id: int | None = None) -> None:
    result = db.session.execute(
        delete(PairRule).where(PairRule.mentee_id == mentee_id, PairRule.mentor_id == mentor_id)
    )
    if result.rowcount:
        audit.record(actor_id, audit.PAIR_RULE_REMOVED, ("user", mentee_id), mentor_id=mentor_id)
    db.session.commit()
