"""Mentees browse and rank mentors; mentors see who ranked them and mark prefer or avoid.

A mentee's rank list is theirs and the coordinators' (services/audiences.py, Item.RANK_LIST):
a mentor learns only that a mentee ranked them (named or anonymous, a programme setting),
never the rank nor anyone else on the list. A mentor's marks are theirs and the
coordinators' (Item.MENTOR_MARK): an avoided mentee is simply never proposed to them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from mentormatch.extensions import db
from mentormatch.matching import ScoreWeights, encode_mentees, pair_components
from mentormatch.models import (
    MarkKind,
    MatchingRound,
    MembershipStatus,
    MenteeProfile,
    MenteeRanking,
    MentorMark,
    MentorProfile,
    PairRule,
    PairRuleKind,
    PairRuleSource,
    ProgrammeMember,
    RoundPair,
    RoundStatus,
    User,
)
from mentormatch.models.times import utcnow
from mentormatch.services import audiences, explanations
from mentormatch.services.errors import NotFound, ValidationError
from mentormatch.services.preferences.windows import is_open, window_of
from mentormatch.services.rounds.inputs import _mentor_features, _mentor_rows
from mentormatch.services.rounds.settings import RoundSettings

REASON_MAX = 500
SAVED_ELSEWHERE = (
    "This was saved at the same moment from another tab or window; the page now shows what "
    "was saved. Check it and save again if it is not what you want."
)


def _round_for_mentee(round_id: int, mentee_id: int) -> MatchingRound:
    matching_round = db.session.get(MatchingRound, round_id)
    member = matching_round and db.session.scalar(
        select(ProgrammeMember.id).where(
            ProgrammeMember.programme_id == matching_round.programme_id,
            ProgrammeMember.user_id == mentee_id,
            ProgrammeMember.status == MembershipStatus.ACTIVE.value,
        )
    )
    if matching_round is None or not member or window_of(round_id) is None:
        raise NotFound(f"No round {round_id} collecting your preferences.")
    return matching_round


@dataclass(frozen=True)
class MentorCard:
    """What a mentee may see of a mentor with seats: never contact details."""

    mentor_id: int
    name: str
    specialty: str | None
    subspecialty: str | None
    institution_type: str | None
    state: str | None
    research: tuple[str, ...]
    support: tuple[str, ...]
    languages: tuple[str, ...]
    is_img: bool
    seats: int
    score: float
    words: explanations.PairWords
    rank: int | None


def _mentee_features(profile: MenteeProfile):
    return encode_mentees(
        [profile.specialty], [profile.specialty_second],
        [[] if profile.regions_anywhere else profile.preferred_regions],
        [profile.research_interests], support=[profile.support_sought or ()],
        languages=[profile.languages or ()], prefers_img=[bool(profile.prefers_img_mentor)],
        visa_needed=[profile.visa_needed],
    )  # fmt: skip


def _matches(card_text: str, query: str) -> bool:
    return all(word in card_text for word in query.lower().split())


def browse(
    mentee_id: int, round_id: int, query: str = "", specialty: str = "", state: str = ""
) -> list[MentorCard]:
    """The mentors with a free seat in the round's programme, best score first, with the
    score and its reasons in the mentee's words; filtered by words, specialty and state."""
    matching_round = _round_for_mentee(round_id, mentee_id)
    mentee = db.session.get(User, mentee_id)
    profile = mentee.mentee_profile
    rows = _mentor_rows(matching_round.programme_id)
    if not rows or profile is None:
        return []
    settings = RoundSettings.from_json(matching_round.settings)
    weights = settings.normalised_weights()
    comps = pair_components(
        _mentee_features(profile), _mentor_features(rows), ScoreWeights(**settings.weights),
        np.zeros(len(rows), np.int64), np.arange(len(rows)),
    )  # fmt: skip
    ranks = dict(
        db.session.execute(
            select(MenteeRanking.mentor_id, MenteeRanking.rank).where(
                MenteeRanking.round_id == round_id, MenteeRanking.mentee_id == mentee_id
            )
        ).all()
    )
    mentors = {
        u.id: u for u in db.session.scalars(select(User).where(User.id.in_([r.id for r in rows])))
    }
    cards = []
    for k, row in enumerate(rows):
        mentor = mentors[row.id]
        mp: MentorProfile = mentor.mentor_profile
        text = " ".join(
            str(x or "")
            for x in (mentor.full_name, mp.specialty, mp.subspecialty, mp.programme_type,
                      mp.state, *(mp.research_interests or ()), *(mp.support_offered or ()),
                      *(mp.languages or ()))
        ).lower()  # fmt: skip
        ranked = mentor.id in ranks  # always shown, so the list can be edited under a filter
        if not ranked and query and not _matches(text, query):
            continue
        if not ranked and specialty and specialty not in (mp.specialty, mp.subspecialty):
            continue
        if not ranked and state and mp.state != state:
            continue
        values = {name: float(getattr(comps, name)[k]) for name in weights}
        score = float(comps.total[k])
        words = explanations.pair_words(
            mentee, mentor, values, settings.weights_in_use(), score,
            explanations.Audience.MENTEE,
        )  # fmt: skip
        cards.append(
            MentorCard(
                mentor_id=mentor.id,
                name=mentor.full_name,
                specialty=mp.specialty,
                subspecialty=mp.subspecialty,
                institution_type=mp.programme_type,
                state=mp.state,
                research=tuple(mp.research_interests or ()),
                support=tuple(mp.support_offered or ()),
                languages=tuple(mp.languages or ()),
                is_img=bool(mp.is_img),
                seats=int(row.free),
                score=score,
                words=words,
                rank=ranks.get(mentor.id),
            )  # fmt: skip
        )
    cards.sort(key=lambda c: (c.rank is None, c.rank or 0, -c.score, c.mentor_id))
    return cards


def ranking_of(mentee_id: int, round_id: int) -> list[MenteeRanking]:
    return list(
        db.session.scalars(
            select(MenteeRanking)
            .where(MenteeRanking.round_id == round_id, MenteeRanking.mentee_id == mentee_id)
            .order_by(MenteeRanking.rank)
        )
    )


def save_ranking(
    mentee_id: int, round_id: int, mentor_ids: list[int], now: datetime | None = None
) -> list[MenteeRanking]:
    """Replace the mentee's rank list (first = rank 1) while the window is open."""
    matching_round = _round_for_mentee(round_id, mentee_id)
    window = window_of(round_id)
    if matching_round.status != RoundStatus.DRAFT or not is_open(window, now or utcnow()):
        raise ValidationError.single(
            "ranking", "The window for choosing mentors is closed; your list can no longer change."
        )
    max_ranks = matching_round.programme.preference_max_ranks
    problems = []
    if len(mentor_ids) > max_ranks:
        problems.append(
            ("ranking", f"Rank at most {max_ranks} mentors; you chose {len(mentor_ids)}.")
        )
    if len(set(mentor_ids)) != len(mentor_ids):
        problems.append(("ranking", "Each mentor can appear once in your list."))
    with_seats = {row.id for row in _mentor_rows(matching_round.programme_id)}
    unknown = [m for m in mentor_ids if m not in with_seats]
    if unknown:
        problems.append(
            ("ranking", "A mentor you chose has no free seat in this programme any more; "
                        "remove them and choose again.")
        )  # fmt: skip
    if problems:
        raise ValidationError(problems)
    with _saved_elsewhere("ranking"):
        db.session.execute(
            delete(MenteeRanking).where(
                MenteeRanking.round_id == round_id, MenteeRanking.mentee_id == mentee_id
            )
        )
        db.session.flush()
        for rank, mentor_id in enumerate(mentor_ids, start=1):
            db.session.add(
                MenteeRanking(
                    round_id=round_id, mentee_id=mentee_id, mentor_id=mentor_id, rank=rank
                )
            )
        db.session.commit()
    return ranking_of(mentee_id, round_id)


@contextmanager
def _saved_elsewhere(field: str) -> Iterator[None]:
    """A double submit (two tabs at once) breaks a unique constraint in the second save:
    nothing of it is kept and the person is told that the other one stands."""
    try:
        yield
    except IntegrityError:
        db.session.rollback()
        raise ValidationError.single(field, SAVED_ELSEWHERE) from None


# -- the mentor's side --------------------------------------------------------------------


@dataclass(frozen=True)
class Ranker:
    """A mentee who ranked the mentor: the ranking row's id (what the mentor's forms post, so
    an anonymous ranker's user id is never on the page), a name or None (anonymous), and the
    mentor's own mark."""

    ranking_id: int
    label: str
    name: str | None
    specialty: str | None
    mark: str | None
    reason: str | None


def rankers_of(mentor_id: int, round_id: int) -> tuple[MatchingRound, list[Ranker]]:
    matching_round = db.session.get(MatchingRound, round_id)
    if matching_round is None:  # a round without a window may hold imported rank lists
        raise NotFound(f"No round {round_id}.")
    rows = db.session.execute(
        select(MenteeRanking, User, MenteeProfile.specialty)
        .join(User, User.id == MenteeRanking.mentee_id)
        .outerjoin(MenteeProfile, MenteeProfile.user_id == User.id)
        .where(MenteeRanking.round_id == round_id, MenteeRanking.mentor_id == mentor_id)
        .order_by(MenteeRanking.id)
    ).all()
    marks = {
        m.mentee_id: m
        for m in db.session.scalars(
            select(MentorMark).where(
                MentorMark.round_id == round_id, MentorMark.mentor_id == mentor_id
            )
        )
    }
    named = matching_round.programme.preference_rankers_named
    mentor = db.session.get(User, mentor_id)
    # an anonymous ranker's specialty could name her; a named one's is profile data, seen
    # only by an audience of Item.PROFILE (an open mentorship between the two)
    statuses = (
        audiences.mentorship_statuses(mentor_id, [mentee.id for _, mentee, _ in rows])
        if named
        else {}
    )
    rankers = []
    for k, (ranking, mentee, specialty) in enumerate(rows, start=1):
        mark = marks.get(mentee.id)
        shown = named and audiences.may_see(
            audiences.from_relation(mentor, mentee.id, statuses.get(mentee.id, ())),
            audiences.Item.PROFILE,
        )
        rankers.append(
            Ranker(
                ranking_id=ranking.id,
                label=mentee.full_name if named else f"Mentee {k}",
                name=mentee.full_name if named else None,
                specialty=specialty if shown else None,
                mark=mark.kind if mark else None,
                reason=mark.reason if mark else None,
            )
        )
    return matching_round, rankers


def rounds_ranking_mentor(mentor_id: int) -> list[tuple[MatchingRound, int]]:
    """Draft rounds in which some mentee ranked this mentor, with how many did."""
    rows = db.session.execute(
        select(MatchingRound, func.count(MenteeRanking.id))
        .join(MenteeRanking, MenteeRanking.round_id == MatchingRound.id)
        .where(
            MenteeRanking.mentor_id == mentor_id,
            MatchingRound.status == RoundStatus.DRAFT.value,
        )
        .group_by(MatchingRound.id)
        .order_by(MatchingRound.id)
    ).all()
    return [(r, int(n)) for r, n in rows]


def set_mark(
    mentor_id: int, ranking_id: int, kind: str | None, reason: str = ""
) -> MentorMark | None:
    """Mark a mentee who ranked this mentor: prefer, avoid (with a reason: the pair becomes a
    forbid rule of the programme, never proposed), or no mark. Only before the round runs."""
    ranking = db.session.get(MenteeRanking, ranking_id)
    if ranking is None or ranking.mentor_id != mentor_id:
        raise NotFound(f"No ranking {ranking_id}.")  # another mentor's: not revealed
    matching_round = db.session.get(MatchingRound, ranking.round_id)
    if matching_round.status != RoundStatus.DRAFT:
        raise ValidationError.single("kind", "This round has run; marks can no longer change.")
    reason = " ".join((reason or "").split())[:REASON_MAX]
    if kind not in (None, "", MarkKind.PREFER, MarkKind.AVOID):
        raise ValidationError.single("kind", "Choose prefer, avoid or no mark.")
    if kind == MarkKind.AVOID and not reason:
        raise ValidationError.single(
            "reason", "Say why you would rather not mentor them (only coordinators read it)."
        )
    programme_id = matching_round.programme_id
    existing = db.session.scalar(
        select(PairRule).where(
            PairRule.programme_id == programme_id,
            PairRule.mentee_id == ranking.mentee_id,
            PairRule.mentor_id == mentor_id,
        )
    )
    if kind == MarkKind.AVOID and existing is not None and existing.kind == PairRuleKind.LOCK:
        raise ValidationError.single(
            "kind",
            "The programme's coordinators have fixed this pair, so it will be proposed. If you "
            "cannot mentor this mentee, write to them; your mark is not saved.",
        )
    mark = None
    with _saved_elsewhere("kind"):
        db.session.execute(
            delete(MentorMark).where(
                MentorMark.round_id == ranking.round_id,
                MentorMark.mentor_id == mentor_id,
                MentorMark.mentee_id == ranking.mentee_id,
            )
        )
        # an avoid mark is the pair's forbid rule; clearing or changing it removes that rule (but
        # never a rule with another origin: a decline, a coordinator's forbid)
        db.session.execute(
            delete(PairRule).where(
                PairRule.programme_id == programme_id,
                PairRule.mentee_id == ranking.mentee_id,
                PairRule.mentor_id == mentor_id,
                PairRule.source == PairRuleSource.AVOIDED.value,
            )
        )
        if kind:
            mark = MentorMark(
                round_id=ranking.round_id, mentor_id=mentor_id, mentee_id=ranking.mentee_id,
                kind=kind, reason=reason or None,
            )  # fmt: skip
            db.session.add(mark)
        if kind == MarkKind.AVOID:
            existing = db.session.scalar(
                select(PairRule).where(
                    PairRule.programme_id == programme_id,
                    PairRule.mentee_id == ranking.mentee_id,
                    PairRule.mentor_id == mentor_id,
                )
            )  # again: its own avoided rule was just removed
            if existing is None:
                db.session.add(
                    PairRule(
                        programme_id=programme_id,
                        mentee_id=ranking.mentee_id,
                        mentor_id=mentor_id,
                        kind=PairRuleKind.FORBID,
                        source=PairRuleSource.AVOIDED,
                        note=reason,
                        created_by_id=mentor_id,
                    )  # fmt: skip
                )
        db.session.commit()
    return mark


@dataclass(frozen=True)
class ChoiceOutcome:
    """After a round is published: which of the mentee's choices they got."""

    round_name: str
    choices: tuple[str, ...]  # the mentors' names in rank order
    mentor_name: str | None  # the mentor proposed (None: no proposal in this round)
    rank: int | None  # its rank on the list (None: not one of their choices)


def outcomes_for(mentee_id: int) -> list[ChoiceOutcome]:
    rounds = db.session.scalars(
        select(MatchingRound)
        .where(
            MatchingRound.id.in_(
                select(MenteeRanking.round_id).where(MenteeRanking.mentee_id == mentee_id)
            ),
            MatchingRound.status.in_([RoundStatus.PUBLISHED.value, RoundStatus.CLOSED.value]),
            MatchingRound.published_at.is_not(None),
        )
        .order_by(MatchingRound.published_at.desc())
    )
    outcomes = []
    for matching_round in rounds:
        ranking = ranking_of(mentee_id, matching_round.id)
        pair = db.session.scalar(
            select(RoundPair).where(
                RoundPair.round_id == matching_round.id, RoundPair.mentee_id == mentee_id
            )
        )
        rank = next((r.rank for r in ranking if pair and r.mentor_id == pair.mentor_id), None)
        outcomes.append(
            ChoiceOutcome(
                round_name=matching_round.name,
                choices=tuple(r.mentor.full_name for r in ranking),
                mentor_name=pair.mentor.full_name if pair else None,
                rank=rank,
            )
        )
    return outcomes
