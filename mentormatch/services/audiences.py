"""Who may see what: the one table that pages, the "Your data" export and mails follow.

Each kind of personal data (``Item``) has the audiences that may see it (``WHO_SEES``). A
viewer's audiences are found relative to the person the data is about (``audiences``):
being that person, a coordinator, its author, or the other side of a proposal between the
two. docs/architecture.md ("Who sees what") says the same in words; a change to one is a
change to the other.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from sqlalchemy import and_, or_, select

from mentormatch.extensions import db
from mentormatch.models import (
    OPEN_MENTORSHIP_STATUSES,
    MenteeProfile,
    Mentorship,
    MentorshipStatus,
    Role,
    User,
)


class Audience(enum.StrEnum):
    """How a viewer stands to the person some data is about."""

    SUBJECT = "subject"  # the person themself (of a mail: its recipient)
    COORDINATORS = "coordinators"
    AUTHOR = "author"  # who wrote it (a mentor's decline reason)
    # the other side of a mentorship with the person, while it is accepted
    ACCEPTED_PARTNER = "accepted-partner"
    # the other side of a proposal still waiting for its answer, or of an accepted mentorship
    OPEN_PARTNER = "open-partner"
    # anyone the person was ever proposed to or with, whatever came of it
    PROPOSED_PARTNER = "proposed-partner"
    # the other side of an accepted mentorship, while the mentee shares her outcomes with
    # her mentor (MenteeProfile.outcomes_shared)
    SHARING_PARTNER = "sharing-partner"


class Item(enum.StrEnum):
    """The kinds of personal data whose audience is decided here."""

    PROFILE = "profile"  # a profile's ordinary fields (school, specialty, interests, ...)
    VISA_IMMIGRATION = "visa-immigration"  # immigration status, visa needed for training
    EXAM_RESULTS = "exam-results"  # every exam result, so failures are not shown by omission
    CONTACT = "contact"  # email address
    NAME = "name"  # naming a person in connection with someone (lists, exports)
    DECLINE_REASON = "decline-reason"  # what a mentor wrote when declining a proposal
    PAIR_RULE = "pair-rule"  # that a pair is locked or forbidden for later rounds
    RULE_NOTE = "rule-note"  # a coordinator's private note on a pair rule
    ROUND_SCORES = "round-scores"  # a pair's score and its components
    UNMATCHED_REASON = "unmatched-reason"  # why a mentee got no mentor (names full mentors)
    MAIL = "mail"  # a mail, sent or still to come
    # an accepted mentorship's agreement, plan (goals, notes, comments) and messages: the
    # pair's; each of the two is its subject (services.mentorships.pair lets only them in)
    MENTORSHIP_WORK = "mentorship-work"
    # its dates, counts (goals done, messages), statuses, end reason and ratings
    MENTORSHIP_FIGURES = "mentorship-figures"
    # a mentee's rank list of mentors in a round (whom, in what order): a ranked mentor
    # learns only that this mentee ranked them (by name only if the programme says so,
    # services.preferences.choices.rankers_of), never the rank nor the rest of the list
    RANK_LIST = "rank-list"
    # a mentor's prefer / avoid mark on a mentee who ranked them, and an avoid's reason
    MENTOR_MARK = "mentor-mark"
    # a check-in answer (fit check, pulse, close-out survey: a score and a comment): its
    # author and coordinators; never the other side of the pair
    CHECK_IN_ANSWER = "check-in-answer"
    # a coordinator's note on a pair, and the pair's health state and reason
    PAIR_NOTE = "pair-note"
    # a mentee's outcomes: exams passed, letters, publications, the Match result, a visa
    OUTCOMES = "outcomes"


A = Audience
WHO_SEES: dict[Item, frozenset[Audience]] = {
    Item.PROFILE: frozenset({A.SUBJECT, A.COORDINATORS, A.OPEN_PARTNER}),
    Item.VISA_IMMIGRATION: frozenset({A.SUBJECT, A.COORDINATORS, A.ACCEPTED_PARTNER}),
    Item.EXAM_RESULTS: frozenset({A.SUBJECT, A.COORDINATORS, A.ACCEPTED_PARTNER}),
    Item.CONTACT: frozenset({A.SUBJECT, A.COORDINATORS, A.ACCEPTED_PARTNER}),
    Item.NAME: frozenset({A.SUBJECT, A.COORDINATORS, A.PROPOSED_PARTNER}),
    Item.DECLINE_REASON: frozenset({A.COORDINATORS, A.AUTHOR}),
    Item.PAIR_RULE: frozenset({A.COORDINATORS, A.PROPOSED_PARTNER}),
    Item.RULE_NOTE: frozenset({A.COORDINATORS}),
    Item.ROUND_SCORES: frozenset({A.COORDINATORS, A.PROPOSED_PARTNER}),
    Item.UNMATCHED_REASON: frozenset({A.COORDINATORS}),
    Item.MAIL: frozenset({A.SUBJECT}),
    Item.MENTORSHIP_WORK: frozenset({A.SUBJECT}),
    Item.MENTORSHIP_FIGURES: frozenset({A.SUBJECT, A.COORDINATORS}),
    Item.RANK_LIST: frozenset({A.SUBJECT, A.COORDINATORS}),
    Item.MENTOR_MARK: frozenset({A.AUTHOR, A.COORDINATORS}),
    Item.CHECK_IN_ANSWER: frozenset({A.COORDINATORS, A.AUTHOR}),
    Item.PAIR_NOTE: frozenset({A.COORDINATORS}),
    Item.OUTCOMES: frozenset({A.SUBJECT, A.COORDINATORS, A.SHARING_PARTNER}),
}

# Mentee profile fields that are not ordinary profile data, and what they count as.
MENTEE_FIELD_ITEMS: dict[str, Item] = {
    "immigration_status": Item.VISA_IMMIGRATION,
    "visa_needed": Item.VISA_IMMIGRATION,
    "usmle_step1": Item.EXAM_RESULTS,
    "usmle_step2ck": Item.EXAM_RESULTS,
    "usmle_step2ck_score": Item.EXAM_RESULTS,
    "usmle_step3": Item.EXAM_RESULTS,
    "oet": Item.EXAM_RESULTS,
}


def may_see(held: Iterable[Audience], item: Item) -> bool:
    return not WHO_SEES[item].isdisjoint(held)


def from_relation(
    viewer: User,
    subject_id: int,
    statuses: Iterable[str] = (),
    author_id: int | None = None,
    shares_outcomes: bool = False,
) -> frozenset[Audience]:
    """The viewer's audiences for data about ``subject_id``, given the statuses of every
    mentorship (proposals included) between the two, and whether the subject shares her
    outcomes with her mentor."""
    held = set()
    if viewer.id == subject_id:
        held.add(A.SUBJECT)
    if viewer.role == Role.COORDINATOR.value:
        held.add(A.COORDINATORS)
    if author_id is not None and viewer.id == author_id:
        held.add(A.AUTHOR)
    statuses = set(statuses)
    if statuses:
        held.add(A.PROPOSED_PARTNER)
    if statuses & set(OPEN_MENTORSHIP_STATUSES):
        held.add(A.OPEN_PARTNER)
    if MentorshipStatus.ACCEPTED in statuses:
        held.add(A.ACCEPTED_PARTNER)
        if shares_outcomes:
            held.add(A.SHARING_PARTNER)
    return frozenset(held)


def mentorship_statuses(user_id: int, others: Iterable[int] | None = None) -> dict[int, set[str]]:
    """Other person's id -> the statuses of every mentorship between them and ``user_id``
    (of ``others`` only, when given)."""
    query = select(Mentorship.mentee_id, Mentorship.mentor_id, Mentorship.status).where(
        or_(Mentorship.mentee_id == user_id, Mentorship.mentor_id == user_id)
    )
    if others is not None:
        wanted = list(others)
        query = query.where(
            or_(
                and_(Mentorship.mentee_id == user_id, Mentorship.mentor_id.in_(wanted)),
                and_(Mentorship.mentor_id == user_id, Mentorship.mentee_id.in_(wanted)),
            )
        )
    found: dict[int, set[str]] = {}
    for mentee_id, mentor_id, status in db.session.execute(query):
        other = mentor_id if mentee_id == user_id else mentee_id
        found.setdefault(other, set()).add(status)
    return found


def shares_outcomes(mentee_id: int) -> bool:
    """The mentee's switch: does she share her outcomes with her mentor?"""
    return bool(
        db.session.scalar(
            select(MenteeProfile.outcomes_shared).where(MenteeProfile.user_id == mentee_id)
        )
    )


def audiences(viewer: User, subject_id: int, author_id: int | None = None) -> frozenset[Audience]:
    """The viewer's audiences for data about ``subject_id`` (two queries at most)."""
    statuses: Iterable[str] = ()
    shared = False
    if viewer.id != subject_id:
        statuses = mentorship_statuses(viewer.id, [subject_id]).get(subject_id, ())
        shared = MentorshipStatus.ACCEPTED in statuses and shares_outcomes(subject_id)
    return from_relation(viewer, subject_id, statuses, author_id, shared)
