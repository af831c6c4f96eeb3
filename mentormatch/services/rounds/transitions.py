"""A round's life: draft -> running -> proposed -> published -> closed (or failed).

Every transition is a conditional UPDATE on the current status, so two coordinators clicking
at once cannot both start or both close the same round (publishing is in ``publishing``).

A round's result is never overwritten: running a proposed round again (with the same or
changed settings, locks or forbids) makes a new round, "Spring (re-run 2)", linked to the one
it came from, so the what-if diff always has the earlier result to compare with.

A running round whose worker stopped reporting (the process died) has failed. Reading a round
only says so (``state_of``); the row records it when something changes the round: running it
again, changing its settings or closing it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from mentormatch import tasks
from mentormatch.extensions import db
from mentormatch.models import (
    ROUND_IN_PROGRESS,
    MatchingRound,
    MembershipStatus,
    ProgrammeMember,
    ProgressStage,
    RoundStatus,
)
from mentormatch.models.times import as_utc, utcnow
from mentormatch.services import audit
from mentormatch.services.errors import ServiceError, ValidationError
from mentormatch.services.programmes import catalogue
from mentormatch.services.rounds import run
from mentormatch.services.rounds.lookup import get_round
from mentormatch.services.rounds.settings import NAME_MAX, RoundSettings

# Run in place: a round with no result yet. A proposed round is re-run as a new round.
STARTABLE = (RoundStatus.DRAFT, RoundStatus.FAILED)
RERUNNABLE = (*STARTABLE, RoundStatus.PROPOSED)
CLOSABLE = (RoundStatus.DRAFT, RoundStatus.PROPOSED, RoundStatus.PUBLISHED, RoundStatus.FAILED)


class TransitionError(ServiceError):
    """The round is not in a state that allows this; the message says what it is in."""


# --- how a round stands, read now -----------------------------------------------------------


def _silence_limit() -> timedelta:
    return timedelta(seconds=int(current_app.config["ROUND_STALE_SECONDS"]))


def went_silent(matching_round: MatchingRound) -> bool:
    """A running round that has not reported for ROUND_STALE_SECONDS lost its worker."""
    if matching_round.status != RoundStatus.RUNNING:
        return False
    last = matching_round.progress_at or matching_round.started_at
    return last is not None and utcnow() - as_utc(last) > _silence_limit()


def _silent_error() -> str:
    return (
        "The worker running this round stopped before it finished (no progress "
        f"for {_silence_limit()}). Nothing of it was saved; run it again."
    )


@dataclass(frozen=True)
class RoundState:
    """A round's status and error as a coordinator should see them now."""

    status: RoundStatus
    error: str | None

    @property
    def in_progress(self) -> bool:
        return self.status in ROUND_IN_PROGRESS


def state_of(matching_round: MatchingRound) -> RoundState:
    """The round's state; a round whose worker went silent reads as failed (and can be run
    again) before anything records it."""
    if went_silent(matching_round):
        return RoundState(RoundStatus.FAILED, _silent_error())
    return RoundState(RoundStatus(matching_round.status), matching_round.error)


def _record_if_silent(round_id: int) -> None:
    """In the caller's transaction: a round whose worker went silent becomes failed."""
    matching_round = get_round(round_id)
    if went_silent(matching_round):
        db.session.execute(
            update(MatchingRound)
            .where(MatchingRound.id == round_id, MatchingRound.status == RoundStatus.RUNNING)
            .values(status=RoundStatus.FAILED, error=_silent_error())
        )


def refused(round_id: int, what: str) -> TransitionError:
    """The error for a transition the round's current state does not allow (the caller's
    transaction is rolled back)."""
    db.session.rollback()
    current = state_of(get_round(round_id))
    return TransitionError(f"Round {round_id} is {current.status}; {what}")


# --- transitions ----------------------------------------------------------------------------


def _in_programme(settings: RoundSettings) -> RoundSettings:
    """``settings`` with its programme: the one named, or the only live one. A live programme
    only, and every mentee chosen by id must be an active member of it (a round never mixes
    programmes); otherwise a ValidationError naming what is wrong, and nothing is saved."""
    if settings.programme_id is None:
        programme = catalogue.resolve(None)
    else:
        programme = catalogue.get(settings.programme_id)
    if programme.archived:
        raise ValidationError.single(
            "programme_id", f"{programme.name} is archived: it runs no new rounds."
        )
    if settings.mentee_ids:
        members = set(
            db.session.scalars(
                select(ProgrammeMember.user_id).where(
                    ProgrammeMember.programme_id == programme.id,
                    ProgrammeMember.status == MembershipStatus.ACTIVE.value,
                    ProgrammeMember.user_id.in_(settings.mentee_ids),
                )
            )
        )
        outside = [mentee_id for mentee_id in settings.mentee_ids if mentee_id not in members]
        if outside:
            shown = ", ".join(f"#{i}" for i in outside[:10])
            more = f" and {len(outside) - 10} more" if len(outside) > 10 else ""
            raise ValidationError.single(
                "mentee_ids",
                f"A round takes mentees of one programme: {shown}{more} "
                f"{'is' if len(outside) == 1 else 'are'} not an active member of "
                f"{programme.name}.",
            )
    return replace(settings, programme_id=programme.id)


def create_round(settings: RoundSettings, created_by_id: int | None) -> MatchingRound:
    settings = _in_programme(settings)
    matching_round = MatchingRound(
        name=settings.name,
        settings=settings.as_json(),
        created_by_id=created_by_id,
        programme_id=settings.programme_id,
    )
    db.session.add(matching_round)
    db.session.commit()
    return matching_round


def _running_values() -> dict:
    """What a round that has just been queued to run holds."""
    return {
        "status": RoundStatus.RUNNING,
        "started_at": utcnow(),
        "finished_at": None,
        "progress_stage": ProgressStage.QUEUED,
        "progress_percent": 0,
        "progress_at": utcnow(),
        "error": None,
    }


def start_round(
    round_id: int, actor_id: int | None = None, settings: RoundSettings | None = None
) -> MatchingRound:
    """Queue a draft or failed round to run, with new ``settings`` if given (a proposed round
    is re-run as a new round: ``rerun_round``)."""
    _record_if_silent(round_id)
    if settings is not None:
        settings = replace(settings, programme_id=get_round(round_id).programme_id)
    changed = {"settings": settings.as_json(), "name": settings.name} if settings else {}
    result = db.session.execute(
        update(MatchingRound)
        .where(MatchingRound.id == round_id, MatchingRound.status.in_(STARTABLE))
        .values(**_running_values(), **changed)
    )
    if result.rowcount == 0:
        raise refused(round_id, "it cannot be started now.")
    audit.record(actor_id, audit.ROUND_STARTED, ("round", round_id))
    db.session.commit()
    tasks.enqueue(run.RUN_TASK, round_id)
    return get_round(round_id)


def create_and_start(
    settings: RoundSettings,
    created_by_id: int | None,
    *,
    rerun_of_id: int | None = None,
    top_up_of_id: int | None = None,
) -> MatchingRound:
    """A new round, queued to run: one transaction, then the job is submitted."""
    settings = _in_programme(settings)
    matching_round = MatchingRound(
        name=settings.name,
        settings=settings.as_json(),
        created_by_id=created_by_id,
        programme_id=settings.programme_id,
        rerun_of_id=rerun_of_id,
        top_up_of_id=top_up_of_id,
        **_running_values(),
    )
    db.session.add(matching_round)
    origin = {"rerun_of": rerun_of_id} if rerun_of_id else {}
    origin |= {"top_up_of": top_up_of_id} if top_up_of_id else {}
    audit.record(created_by_id, audit.ROUND_STARTED, matching_round, **origin)
    db.session.commit()
    tasks.enqueue(run.RUN_TASK, matching_round.id)
    return get_round(matching_round.id)


RERUN_SUFFIX = re.compile(r" \(re-run \d+\)$")


def _family_size(matching_round: MatchingRound) -> int:
    """How many rounds descend by re-runs from this round's first run, that one included."""
    root = matching_round
    while root.rerun_of_id is not None:
        root = get_round(root.rerun_of_id)
    family, frontier = 1, [root.id]
    while frontier:
        frontier = list(
            db.session.scalars(
                select(MatchingRound.id).where(MatchingRound.rerun_of_id.in_(frontier))
            )
        )
        family += len(frontier)
    return family


def rerun_name(matching_round: MatchingRound) -> str:
    """The name of the round's next re-run: "Spring (re-run 2)", then 3, ... (counting every
    run that descends from the first)."""
    suffix = f" (re-run {_family_size(matching_round) + 1})"
    base = RERUN_SUFFIX.sub("", matching_round.name)
    return base[: NAME_MAX - len(suffix)] + suffix


def rerun_round(
    round_id: int, actor_id: int | None = None, settings: RoundSettings | None = None
) -> MatchingRound:
    """Run a round again, with its own settings or changed ``settings`` (the mentees chosen for
    it stay). A proposed round keeps its result: the run is a new round linked to it. A draft
    or failed round, which has no result to keep, runs in place."""
    _record_if_silent(round_id)
    matching_round = get_round(round_id)
    if matching_round.status not in RERUNNABLE:
        raise refused(round_id, "only a draft, proposed or failed round can run again.")
    current = RoundSettings.from_json(matching_round.settings)
    chosen = replace(
        settings or current,
        mentee_ids=current.mentee_ids,
        programme_id=matching_round.programme_id,
    )
    if matching_round.status == RoundStatus.PROPOSED:
        if settings is None or chosen.name == matching_round.name:
            chosen = replace(chosen, name=rerun_name(matching_round))
        return create_and_start(
            chosen,
            actor_id,
            rerun_of_id=round_id,
            top_up_of_id=matching_round.top_up_of_id,
        )
    return start_round(round_id, actor_id, chosen if settings is not None else None)


def run_round_now(settings: RoundSettings, created_by_id: int | None) -> MatchingRound:
    """Create and run a round in this process (the command line's `round run`): the path of
    every round, with the inline executor."""
    with tasks.run_inline():
        return create_and_start(settings, created_by_id)


def close_round(round_id: int, actor_id: int | None = None) -> MatchingRound:
    """Archive a round. Proposals already sent keep running to their answer or expiry."""
    _record_if_silent(round_id)
    result = db.session.execute(
        update(MatchingRound)
        .where(MatchingRound.id == round_id, MatchingRound.status.in_(CLOSABLE))
        .values(status=RoundStatus.CLOSED, closed_at=utcnow())
    )
    if result.rowcount == 0:
        raise refused(round_id, "it cannot be closed.")
    audit.record(actor_id, audit.ROUND_CLOSED, ("round", round_id))
    db.session.commit()
    return get_round(round_id)
