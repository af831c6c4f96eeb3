"""Re-pairing one mentee: whose mentor declined or let the proposal expire, whose mentorship
ended early, or whose fit is poor.

``options`` asks the engine for the best mentors available right now: the mentee alone
against every mentor of the programme with a free seat, everyone else's mentorship fixed
(their seats are taken already), the programme's pair rules honoured (a forbid or a past
ending keeps a mentor away; the mentor being replaced is never offered). Each option comes
with its reasons in words (services.explanations). ``propose`` makes the coordinator's choice
a proposal like a published round's: the mentor accepts or declines it by the programme's
answer window; if the mentee still has a mentorship (a poor fit), it ends in the same
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from mentormatch.extensions import db
from mentormatch.matching import (
    FeatureScores,
    MatchingProblem,
    mentor_options,
    pair_components,
    solve,
)
from mentormatch.matching.explain import OPTION_FREE_SEAT, OPTION_FULL
from mentormatch.models import (
    OPEN_MENTORSHIP_STATUSES,
    EndReason,
    Mentorship,
    MentorshipStatus,
    Programme,
    User,
)
from mentormatch.models.times import utcnow
from mentormatch.services import audit, explanations, mail, mail_messages, seats
from mentormatch.services.errors import ValidationError
from mentormatch.services.mentorships import closeout
from mentormatch.services.programmes import access, catalogue
from mentormatch.services.rounds import followup
from mentormatch.services.rounds.inputs import RoundInputs, load_inputs
from mentormatch.services.rounds.settings import DEFAULT_OBJECTIVE, WEIGHT_NAMES, RoundSettings

SHOWN = 5


@dataclass(frozen=True)
class Ranked:
    """The engine's answer for one mentee: mentor indices best first, with their scores and
    component values, and the mentor the optimisation itself chose (-1: none)."""

    mentors: np.ndarray
    scores: np.ndarray
    components: dict[str, np.ndarray]
    chosen: int


def rank_mentors(
    inputs: RoundInputs, settings: RoundSettings, k: int, excluded: frozenset[int] = frozenset()
) -> Ranked:
    """The best ``k`` mentors for the one mentee of ``inputs`` (index 0), everyone else fixed:
    only mentors with a free seat are in ``inputs``, and forbidden pairs and the mentor
    indices ``excluded`` are never offered. Solves the one-mentee problem with the engine
    (certified like any round) and ranks the rest by the same scores."""
    forbidden = sorted(set(inputs.forbidden) | {(0, j) for j in excluded})
    locked = [(i, j) for i, j in inputs.locked if j not in excluded]
    problem = MatchingProblem(
        FeatureScores(inputs.mentees, inputs.mentors, settings.score_weights()),
        inputs.seats,
        forbidden=forbidden,
        locked=locked,
        min_score=settings.min_score,
        objective=settings.objective,
    )
    result = solve(problem)
    wanted = min(problem.n_mentors, k + len(forbidden))
    found = mentor_options(problem, result.mentor_of, np.array([0]), wanted)
    keep = np.isin(found.status[0], (OPTION_FREE_SEAT, OPTION_FULL)) & (found.mentors[0] >= 0)
    mentors = found.mentors[0][keep][:k]
    parts = pair_components(
        inputs.mentees, inputs.mentors, settings.score_weights(),
        np.zeros(len(mentors), np.int64), mentors,
    )  # fmt: skip
    return Ranked(
        mentors=mentors,
        scores=found.scores[0][keep][:k],
        components={name: getattr(parts, name) for name in WEIGHT_NAMES},
        chosen=int(result.mentor_of[0]) if len(result.mentor_of) else -1,
    )


@dataclass(frozen=True)
class Option:
    mentor: User
    score: float
    words: explanations.PairWords  # the coordinator's words
    best: bool  # the engine's own choice for her
    values: dict[str, float]  # each part of the score (0 to 1)
    weights: dict[str, float]


@dataclass(frozen=True)
class RepairOptions:
    programme: Programme
    mentee: User
    replacing: Mentorship | None  # her mentorship now (a poor fit), ended if she is re-paired
    options: list[Option]


def waiting(programme_id: int) -> list[User]:
    """The programme's mentees who need a new mentor now (declined, expired, ended early), by
    name: each can be re-paired alone, or all together in a top-up round."""
    ids = followup.needing_new_mentor(programme_id)
    return list(
        db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.full_name, User.id))
    )


def settings_for(programme: Programme, mentee_id: int) -> RoundSettings:
    """The programme's default round settings, for this one mentee."""
    defaults = programme.round_defaults or {}
    base = RoundSettings(name="re-pair")
    return RoundSettings(
        name="re-pair",
        weights={**base.weights, **(defaults.get("weights") or {})},
        objective=defaults.get("objective") or DEFAULT_OBJECTIVE,
        min_score=defaults.get("min_score"),
        mentee_ids=(mentee_id,),
        programme_id=programme.id,
    )


def _current(programme_id: int, mentee_id: int) -> Mentorship | None:
    return db.session.scalar(
        select(Mentorship)
        .where(
            Mentorship.programme_id == programme_id,
            Mentorship.mentee_id == mentee_id,
            Mentorship.status.in_(OPEN_MENTORSHIP_STATUSES),
        )
        .options(selectinload(Mentorship.mentor), selectinload(Mentorship.mentee))
    )


def options(coordinator: User, programme_id: int, mentee_id: int, k: int = SHOWN) -> RepairOptions:
    """The best ``k`` mentors available now for the mentee, best first, with their words."""
    access.require(coordinator, programme_id)
    programme = catalogue.get(programme_id)
    current = _current(programme_id, mentee_id)
    if current is not None and current.status == MentorshipStatus.PROPOSED:
        raise ValidationError.single(
            "mentee", "She has a proposal waiting for its mentor's answer: wait for it first."
        )
    settings = settings_for(programme, mentee_id)
    inputs = load_inputs(settings, include_matched=True)
    if len(inputs.mentee_ids) != 1:
        why = dict(inputs.excluded).get(mentee_id, "not a mentee of this programme")
        raise ValidationError.single("mentee", f"This mentee cannot be matched now: {why}.")
    index = {int(user_id): j for j, user_id in enumerate(inputs.mentor_ids)}
    excluded = frozenset(
        {index[current.mentor_id]} if current is not None and current.mentor_id in index else ()
    )
    ranked = rank_mentors(inputs, settings, k, excluded)
    mentor_ids = [int(inputs.mentor_ids[j]) for j in ranked.mentors]
    users = {
        u.id: u
        for u in db.session.scalars(
            select(User)
            .where(User.id.in_([mentee_id, *mentor_ids]))
            .options(selectinload(User.mentee_profile), selectinload(User.mentor_profile))
        )
    }
    weights = settings.normalised_weights()
    found = []
    for position, mentor_id in enumerate(mentor_ids):
        values = {name: float(ranked.components[name][position]) for name in WEIGHT_NAMES}
        score = float(ranked.scores[position])
        words = explanations.pair_words(
            users[mentee_id], users[mentor_id], values, weights, score,
            explanations.Audience.COORDINATOR,
        )  # fmt: skip
        best = bool(ranked.mentors[position] == ranked.chosen)
        found.append(Option(users[mentor_id], score, words, best, values, weights))
    return RepairOptions(programme, users[mentee_id], current, found)


def propose(
    coordinator: User, programme_id: int, mentee_id: int, mentor_id: int,
    now: datetime | None = None,
) -> Mentorship:  # fmt: skip
    """Propose ``mentor_id`` (one of the options now) to the mentee: a proposal the mentor
    answers like any other. Her current mentorship, if any, ends first (not a good fit)."""
    now = now or utcnow()
    found = options(coordinator, programme_id, mentee_id, k=10_000)
    chosen = next((o for o in found.options if o.mentor.id == mentor_id), None)
    if chosen is None:
        raise ValidationError.single(
            "mentor",
            "That mentor is no longer available for her (full, paused, or kept apart from her "
            "by a pair rule): choose again from the list.",
        )
    replacing = found.replacing
    if replacing is not None and not closeout.close_for_repair(
        replacing, coordinator, EndReason.NOT_A_GOOD_FIT, now
    ):
        raise ValidationError.single("mentee", "Her mentorship changed a moment ago.")
    if not seats.take_seat(mentor_id, programme_id):
        db.session.rollback()
        raise ValidationError.single("mentor", "That mentor has just filled up: choose again.")
    deadline = now + timedelta(days=found.programme.answer_days)
    mentorship = Mentorship(
        programme_id=programme_id, mentee_id=mentee_id, mentor_id=mentor_id,
        created_at=now, expires_at=deadline,
    )  # fmt: skip
    db.session.add(mentorship)
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise ValidationError.single(
            "mentee", "She was proposed to another mentor at this very moment."
        ) from exc
    mentee, mentor = found.mentee, chosen.mentor
    context = {"mentee": mentee, "mentor": mentor, "deadline": deadline.strftime("%d %B %Y")}
    for to, template, link, audience in (
        (mentor, "proposal_to_mentor", "mentor.home", explanations.Audience.MENTOR),
        (mentee, "proposal_to_mentee", "mentee.home", explanations.Audience.MENTEE),
    ):
        why = explanations.pair_words(
            mentee, mentor,
            chosen.values, chosen.weights, chosen.score, audience,
        )  # fmt: skip
        mail_messages.queue(
            to.email, template, "proposal", link=mail.absolute_url(link), why=why, **context
        )
    audit.record(
        coordinator, audit.REPAIR_PROPOSED, mentorship, mentee_id=mentee_id, mentor_id=mentor_id
    )
    db.session.commit()
    return mentorship
