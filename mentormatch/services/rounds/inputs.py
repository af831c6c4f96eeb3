"""Who takes part in a round, as the engine's arrays: ids <-> indices are mapped here only.

Mentees and mentors are sorted by id, so the same data always gives the same problem (and the
same fingerprint).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import select

from mentormatch.extensions import db
from mentormatch.matching import MenteeFeatures, MentorFeatures, encode_mentees, encode_mentors
from mentormatch.models import (
    MarkKind,
    MembershipStatus,
    MenteeProfile,
    MenteeRanking,
    MentorMark,
    MentorProfile,
    Mentorship,
    PairRule,
    PairRuleKind,
    Programme,
    ProgrammeMember,
    Role,
    User,
)
from mentormatch.services.eligibility import (
    mentee_ready_clause,
    mentor_ready_clause,
    open_mentorship_clause,
)
from mentormatch.services.rounds.settings import RoundSettings
from mentormatch.services.seats import free_seats_expression


@dataclass
class RoundInputs:
    mentee_ids: np.ndarray
    mentor_ids: np.ndarray
    mentees: MenteeFeatures
    mentors: MentorFeatures
    seats: np.ndarray  # free seats per mentor
    locked: list[tuple[int, int]]  # (mentee index, mentor index)
    forbidden: list[tuple[int, int]]
    # mentees asked for but left out, and why (shown on the review page)
    excluded: list[tuple[int, str]] = field(default_factory=list)
    ignored_locks: list[tuple[int, int, str]] = field(default_factory=list)
    # profile facts used by the fairness view, one entry per mentee index
    mentee_home_country: list[str | None] = field(default_factory=list)
    mentee_specialty: list[str] = field(default_factory=list)
    mentee_prefers_img: list[bool] = field(default_factory=list)
    mentor_is_img: list[bool] = field(default_factory=list)
    # stated preferences (models.preferences), as indices: (mentee, mentor, rank) and the
    # (mentee, mentor) pairs a mentor marked "prefer"; and the programme's settings for them
    ranked: np.ndarray = field(default_factory=lambda: np.zeros((0, 3), np.int64))
    preferred: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), np.int64))
    max_ranks: int = 10
    unranked_pairs: bool = True
    preference_mode: str = "optimal"
    fingerprint: str = ""


def _mentee_rows(settings: RoundSettings):
    query = (
        select(
            User.id,
            User.active,
            mentee_ready_clause().label("ready"),
            open_mentorship_clause(Mentorship.mentee_id, programme_id=settings.programme_id).label(
                "has_open"
            ),
            MenteeProfile.specialty,
            MenteeProfile.specialty_second,
            MenteeProfile.preferred_regions,
            MenteeProfile.regions_anywhere,
            MenteeProfile.research_interests,
            MenteeProfile.home_country,
            MenteeProfile.prefers_img_mentor,
            MenteeProfile.support_sought,
            MenteeProfile.languages,
            MenteeProfile.visa_needed,
        )
        .join(MenteeProfile, MenteeProfile.user_id == User.id)
        .join(ProgrammeMember, ProgrammeMember.user_id == User.id)
        .where(
            User.role == Role.MENTEE.value,
            ProgrammeMember.programme_id == settings.programme_id,
            ProgrammeMember.status == MembershipStatus.ACTIVE.value,
        )
        .order_by(User.id)
    )
    if settings.mentee_ids is not None:
        query = query.where(User.id.in_(settings.mentee_ids))
    return db.session.execute(query).all()


def _mentor_rows(programme_id: int, with_free_seats: bool = True):
    """Active mentors of the programme ready for matching: those with a free seat there (a
    round's: free in the programme and overall), or without."""
    free = free_seats_expression()
    has_free_seat = free > 0
    query = (
        select(
            User.id,
            MentorProfile.specialty,
            MentorProfile.subspecialty,
            MentorProfile.state,
            MentorProfile.research_interests,
            free.label("free"),
            MentorProfile.capacity,
            MentorProfile.is_img,
            MentorProfile.support_offered,
            MentorProfile.languages,
            MentorProfile.visa_sponsorship,
        )
        .join(MentorProfile, MentorProfile.user_id == User.id)
        .join(ProgrammeMember, ProgrammeMember.user_id == User.id)
        .where(
            ProgrammeMember.programme_id == programme_id,
            ProgrammeMember.status == MembershipStatus.ACTIVE.value,
            User.role == Role.MENTOR.value,
            User.active.is_(True),
            mentor_ready_clause(),
            has_free_seat if with_free_seats else ~has_free_seat,
        )
        .order_by(User.id)
    )
    return db.session.execute(query).all()


def _mentor_features(mentors) -> MentorFeatures:
    return encode_mentors(
        [row.specialty for row in mentors],
        [row.state for row in mentors],
        [row.research_interests for row in mentors],
        [row.subspecialty for row in mentors],
        support=[row.support_offered or () for row in mentors],
        languages=[row.languages or () for row in mentors],
        is_img=[bool(row.is_img) for row in mentors],
        visa_sponsorship=[row.visa_sponsorship for row in mentors],
    )


@dataclass(frozen=True)
class UnavailableMentors:
    """Active, ready mentors with no free seat (paused, or every seat taken): in no round, but
    named when an unmatched mentee could have had one of them."""

    mentor_ids: np.ndarray
    mentors: MentorFeatures
    capacity: np.ndarray  # 0: paused


def load_unavailable_mentors(programme_id: int) -> UnavailableMentors:
    rows = _mentor_rows(programme_id, with_free_seats=False)
    return UnavailableMentors(
        mentor_ids=np.array([row.id for row in rows], dtype=np.int64),
        mentors=_mentor_features(rows),
        capacity=np.array([row.capacity for row in rows], dtype=np.int64),
    )


def _preferences(round_id, mentee_index, mentor_index) -> tuple[np.ndarray, np.ndarray]:
    """The round's rank lists and prefer marks among its participants, as index arrays (a
    ranked mentor without a free seat is left out, and the ranks below close up, so a
    mentee's list stays 1..k)."""
    ranked = []
    rows = db.session.execute(
        select(MenteeRanking.mentee_id, MenteeRanking.mentor_id)
        .where(MenteeRanking.round_id == round_id)
        .order_by(MenteeRanking.mentee_id, MenteeRanking.rank)
    ).all()
    next_rank: dict[int, int] = {}
    for mentee_id, mentor_id in rows:
        i, j = mentee_index.get(mentee_id), mentor_index.get(mentor_id)
        if i is None or j is None:
            continue
        next_rank[i] = next_rank.get(i, 0) + 1
        ranked.append((i, j, next_rank[i]))
    preferred = []
    for mentee_id, mentor_id in db.session.execute(
        select(MentorMark.mentee_id, MentorMark.mentor_id)
        .where(MentorMark.round_id == round_id, MentorMark.kind == MarkKind.PREFER.value)
        .order_by(MentorMark.mentee_id, MentorMark.mentor_id)
    ).all():
        i, j = mentee_index.get(mentee_id), mentor_index.get(mentor_id)
        if i is not None and j is not None:
            preferred.append((i, j))
    return (
        np.array(ranked, np.int64).reshape(-1, 3),
        np.array(preferred, np.int64).reshape(-1, 2),
    )


def load_inputs(
    settings: RoundSettings, round_id: int | None = None, include_matched: bool = False
) -> RoundInputs:
    """Participants, their features, free seats, locks and forbids for ``settings`` (and the
    stated preferences of round ``round_id``). ``include_matched``: keep chosen mentees who
    hold a mentorship now (re-pairing one whose mentorship is about to be replaced)."""
    mentees, excluded = [], []
    for row in _mentee_rows(settings):
        if not row.active:
            excluded.append((row.id, "account deactivated"))
        elif row.has_open and not include_matched:
            excluded.append((row.id, "already has a mentor or a pending proposal"))
        elif not row.ready:
            excluded.append((row.id, "profile not ready for matching"))
        else:
            mentees.append(row)
    if settings.mentee_ids is not None:
        found = {row.id for row in mentees} | {mentee for mentee, _ in excluded}
        excluded += [
            (i, "not a mentee of this programme") for i in settings.mentee_ids if i not in found
        ]
    mentors = _mentor_rows(settings.programme_id)

    mentee_ids = np.array([row.id for row in mentees], dtype=np.int64)
    mentor_ids = np.array([row.id for row in mentors], dtype=np.int64)
    mentee_index = {int(user_id): k for k, user_id in enumerate(mentee_ids)}
    mentor_index = {int(user_id): k for k, user_id in enumerate(mentor_ids)}
    seats = np.array([row.free for row in mentors], dtype=np.int64)

    locked, forbidden, ignored = [], [], []
    lock_load = np.zeros(len(mentors), dtype=np.int64)
    rules = db.session.execute(
        select(PairRule.mentee_id, PairRule.mentor_id, PairRule.kind)
        .where(PairRule.programme_id == settings.programme_id)
        .order_by(PairRule.id)
    ).all()
    for mentee_id, mentor_id, kind in rules:
        i, j = mentee_index.get(mentee_id), mentor_index.get(mentor_id)
        if kind == PairRuleKind.FORBID:
            if i is not None and j is not None:
                forbidden.append((i, j))
            continue
        if i is None:
            continue  # the mentee is not in this round (already matched, or not selected)
        if j is None:
            ignored.append((mentee_id, mentor_id, "the mentor has no free seat or is inactive"))
        elif lock_load[j] >= seats[j]:
            ignored.append((mentee_id, mentor_id, "more locks than the mentor has free seats"))
        else:
            lock_load[j] += 1
            locked.append((i, j))

    inputs = RoundInputs(
        mentee_ids=mentee_ids,
        mentor_ids=mentor_ids,
        mentees=encode_mentees(
            [row.specialty for row in mentees],
            [row.specialty_second for row in mentees],
            [[] if row.regions_anywhere else row.preferred_regions for row in mentees],
            [row.research_interests for row in mentees],
            support=[row.support_sought or () for row in mentees],
            languages=[row.languages or () for row in mentees],
            prefers_img=[bool(row.prefers_img_mentor) for row in mentees],
            visa_needed=[row.visa_needed for row in mentees],
        ),
        mentors=_mentor_features(mentors),
        seats=seats,
        locked=sorted(locked),
        forbidden=sorted(forbidden),
        excluded=excluded,
        ignored_locks=ignored,
        mentee_home_country=[row.home_country for row in mentees],
        mentee_specialty=[row.specialty for row in mentees],
        mentee_prefers_img=[bool(row.prefers_img_mentor) for row in mentees],
        mentor_is_img=[bool(row.is_img) for row in mentors],
    )
    if round_id is not None:
        inputs.ranked, inputs.preferred = _preferences(round_id, mentee_index, mentor_index)
        programme = db.session.get(Programme, settings.programme_id)
        inputs.max_ranks = programme.preference_max_ranks
        inputs.unranked_pairs = programme.preference_unranked_pairs
        inputs.preference_mode = programme.preference_mode
    inputs.fingerprint = fingerprint(inputs, settings)
    return inputs


def fingerprint(inputs: RoundInputs, settings: RoundSettings) -> str:
    """A digest of everything the engine sees, so a run can be reproduced and compared."""
    digest = hashlib.sha256()
    digest.update(json.dumps(settings.as_json(), sort_keys=True).encode())
    for array in (
        inputs.mentee_ids,
        inputs.mentor_ids,
        inputs.seats,
        inputs.mentees.specialty,
        inputs.mentees.second_specialty,
        inputs.mentees.state_mask,
        inputs.mentees.research,
        inputs.mentees.support,
        inputs.mentees.languages,
        inputs.mentees.prefers_img,
        inputs.mentees.visa_needed,
        inputs.mentors.specialty,
        inputs.mentors.subspecialty,
        inputs.mentors.state,
        inputs.mentors.research,
        inputs.mentors.support,
        inputs.mentors.languages,
        inputs.mentors.is_img,
        inputs.mentors.visa_sponsorship,
        np.array(inputs.locked, dtype=np.int64),
        np.array(inputs.forbidden, dtype=np.int64),
        inputs.ranked,
        inputs.preferred,
        np.array([inputs.max_ranks, inputs.unranked_pairs], dtype=np.int64),
    ):
        digest.update(np.ascontiguousarray(array).tobytes())
        digest.update(b"|")
    digest.update(inputs.preference_mode.encode())  # optimal or stable: other pairs
    return digest.hexdigest()
