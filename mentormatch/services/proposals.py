"""Proposals and mentorships after publication: accept, decline, expire, remind, end; and
the coordinator's follow-up on a round's pending proposals: extend the deadline, remind now.

Every answer is a conditional UPDATE on the proposal's status, so answering twice (two tabs)
or answering while the expiry job runs has exactly one effect. Seats follow the status: a
proposal holds a seat, acceptance keeps it, a decline, an expiry or an ending frees it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import selectinload

from mentormatch.extensions import db
from mentormatch.models import (
    OPEN_MENTORSHIP_STATUSES,
    Mentorship,
    MentorshipStatus,
    PairRule,
    PairRuleKind,
    PairRuleSource,
    Role,
    RoundPair,
    User,
)
from mentormatch.models.times import as_utc, utcnow
from mentormatch.services import audit, mail, mail_messages, meetings, seats
from mentormatch.services.errors import NotFound, ServiceError, ValidationError
from mentormatch.services.mentorships.calendar import add_months
from mentormatch.services.programmes import access

REASON_MAX = 1000


class AnswerError(ServiceError):
    """The proposal cannot take this answer (already answered, expired, not yours)."""


def deadline_passed(expires_at: datetime | None) -> bool:
    """True once a proposal's deadline is behind us (the expiry job may not have run yet)."""
    return expires_at is not None and as_utc(expires_at) <= utcnow()


def _load(mentorship_id: int) -> Mentorship:
    mentorship = db.session.get(
        Mentorship,
        mentorship_id,
        options=[selectinload(Mentorship.mentee), selectinload(Mentorship.mentor)],
    )
    if mentorship is None:
        raise NotFound(f"No proposal {mentorship_id}.")
    return mentorship


def set_outcome_rule(mentorship: Mentorship, kind: PairRuleKind, source: PairRuleSource) -> None:
    """The answer decides the pair's rule for later rounds (replacing any earlier one)."""
    mentee_id, mentor_id = mentorship.mentee_id, mentorship.mentor_id
    programme_id = mentorship.programme_id
    db.session.execute(
        delete(PairRule).where(
            PairRule.programme_id == programme_id,
            PairRule.mentee_id == mentee_id,
            PairRule.mentor_id == mentor_id,
        )
    )
    db.session.add(
        PairRule(
            mentee_id=mentee_id,
            mentor_id=mentor_id,
            kind=kind,
            source=source,
            programme_id=programme_id,
        )
    )


def _transition(mentorship_id: int, from_status: MentorshipStatus, **values) -> bool:
    result = db.session.execute(
        update(Mentorship)
        .where(Mentorship.id == mentorship_id, Mentorship.status == from_status)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _answerable(mentorship: Mentorship, mentor_id: int) -> None:
    if mentorship.mentor_id != mentor_id:
        raise NotFound(f"No proposal {mentorship.id}.")  # not revealed to other mentors
    if mentorship.status != MentorshipStatus.PROPOSED:
        raise AnswerError(f"This proposal was already {mentorship.status}.")
    if deadline_passed(mentorship.expires_at):
        raise AnswerError("This proposal has expired; the mentee is back in the pool.")


def accept(mentorship_id: int, mentor_id: int) -> Mentorship:
    """The mentor accepts: an active mentorship; both get each other's contact details."""
    mentorship = _load(mentorship_id)
    _answerable(mentorship, mentor_id)
    if not _transition(
        mentorship_id,
        MentorshipStatus.PROPOSED,
        status=MentorshipStatus.ACCEPTED,
        responded_at=utcnow(),
        ends_on=add_months(utcnow().date(), mentorship.programme.mentorship_months),
    ):
        db.session.rollback()
        raise AnswerError("This proposal was answered a moment ago (in another tab?).")
    set_outcome_rule(mentorship, PairRuleKind.LOCK, PairRuleSource.ACCEPTED)
    audit.record(mentor_id, audit.PROPOSAL_ACCEPTED, mentorship)
    mentee, mentor = mentorship.mentee, mentorship.mentor
    for to, other, template in (
        (mentee, mentor, "accepted_to_mentee"),
        (mentor, mentee, "accepted_to_mentor"),
    ):
        link = mail.absolute_url("profiles.show", user_id=other.id)
        workspace = mail.absolute_url("mentorships.show", mentorship_id=mentorship.id)
        mail_messages.queue(
            to.email, template, MentorshipStatus.ACCEPTED, mentee=mentee, mentor=mentor,
            link=link, workspace=workspace,
        )  # fmt: skip
    db.session.commit()
    db.session.refresh(mentorship)
    return mentorship


def _declined(
    mentorship: Mentorship,
    actor_id: int,
    reason: str | None,
    source: PairRuleSource,
    action: str,
    raced: str,
    **values,
) -> None:
    """A proposal declined (by its mentor or its mentee), in the caller's transaction: the
    conditional status change (``raced`` is the message when the other side answered first),
    the seat freed, the pair forbidden in later rounds, the audit entry."""
    if not _transition(
        mentorship.id,
        MentorshipStatus.PROPOSED,
        status=MentorshipStatus.DECLINED,
        responded_at=utcnow(),
        response_reason=reason,
        **values,
    ):
        db.session.rollback()
        raise AnswerError(raced)
    seats.release_seat(mentorship.mentor_id, mentorship.programme_id)
    set_outcome_rule(mentorship, PairRuleKind.FORBID, source)
    audit.record(actor_id, action, mentorship)


def decline(mentorship_id: int, mentor_id: int, reason: str = "") -> Mentorship:
    """The mentor declines: the seat is freed, the pair forbidden in later rounds, and the
    mentee back in the pool."""
    mentorship = _load(mentorship_id)
    _answerable(mentorship, mentor_id)
    reason = (reason or "").strip()[:REASON_MAX] or None
    _declined(
        mentorship, mentor_id, reason, PairRuleSource.DECLINED, audit.PROPOSAL_DECLINED,
        "This proposal was answered a moment ago (in another tab?).",
    )  # fmt: skip
    mail_messages.queue(
        mentorship.mentee.email,
        "declined_to_mentee",
        MentorshipStatus.DECLINED,
        mentee=mentorship.mentee,
        link=mail.absolute_url("mentee.home"),
    )
    db.session.commit()
    db.session.refresh(mentorship)
    return mentorship


def decline_as_mentee(
    mentorship_id: int, mentee_id: int, reason: str, confirmed: bool = True
) -> Mentorship:
    """The mentee declines a proposal while the mentor has not answered: the seat is freed,
    the pair forbidden in later rounds (with the mentee's reason, for coordinators), the
    mentor told, and the mentee back in the pool. It cannot be undone: the page asks her to
    confirm (``confirmed``); a proposal that is not hers is "not found" before anything else."""
    mentorship = _load(mentorship_id)
    if mentorship.mentee_id != mentee_id:
        raise NotFound(f"No proposal {mentorship_id}.")
    if mentorship.status != MentorshipStatus.PROPOSED:
        raise AnswerError(f"This proposal was already {mentorship.status}.")
    if not confirmed:
        raise ValidationError.single(
            "confirm", "Tick the box to confirm that you decline this proposal."
        )
    reason = " ".join((reason or "").split())[:REASON_MAX]
    if not reason:
        raise ValidationError.single(
            "reason", "Say in a few words why (only the programme's coordinators read it)."
        )
    _declined(
        mentorship, mentee_id, reason, PairRuleSource.MENTEE_DECLINED,
        audit.MENTEE_DECLINED_PROPOSAL,
        "The mentor answered this proposal a moment ago; reload the page.",
        ended_by_id=mentee_id,
    )  # fmt: skip
    mail_messages.queue(
        mentorship.mentor.email,
        "mentee_declined_to_mentor",
        MentorshipStatus.DECLINED,
        mentor=mentorship.mentor,
        mentee=mentorship.mentee,
        link=mail.absolute_url("mentor.home"),
    )
    db.session.commit()
    db.session.refresh(mentorship)
    return mentorship


def end(mentorship_id: int, user: User) -> Mentorship:
    """End an active mentorship (the mentee, the mentor or a coordinator); frees the seat."""
    mentorship = _load(mentorship_id)
    is_party = user.id in (mentorship.mentee_id, mentorship.mentor_id)
    coordinator = user.role == Role.COORDINATOR and access.coordinates(
        user, mentorship.programme_id
    )
    if not (is_party or coordinator):
        raise NotFound(f"No mentorship {mentorship_id}.")
    if not _transition(
        mentorship_id,
        MentorshipStatus.ACCEPTED,
        status=MentorshipStatus.ENDED,
        ended_at=utcnow(),
        ended_by_id=user.id,
    ):
        db.session.rollback()
        raise AnswerError(f"This mentorship is {mentorship.status}, not active.")
    seats.release_seat(mentorship.mentor_id, mentorship.programme_id)
    meetings.cancel_upcoming(mentorship, user if is_party else None)
    # The mentee goes back to the pool, and is not proposed to the same mentor again.
    set_outcome_rule(mentorship, PairRuleKind.FORBID, PairRuleSource.ENDED)
    audit.record(user, audit.MENTORSHIP_ENDED, mentorship)
    told = [mentorship.mentor if user.id == mentorship.mentee_id else mentorship.mentee]
    if not is_party:  # a coordinator ended it
        told.append(mentorship.mentor)
    for person in told:
        mail_messages.queue(
            person.email,
            "ended_to_other",
            MentorshipStatus.ENDED,
            person=person,
            mentee=mentorship.mentee,
            mentor=mentorship.mentor,
            ended_by=user,
            link=mail.absolute_url("main.index"),
        )
    db.session.commit()
    db.session.refresh(mentorship)
    return mentorship


@dataclass(frozen=True)
class SweepReport:
    done: int
    already_done: int = 0


def expire_due(now: datetime | None = None) -> SweepReport:
    """Expire every proposal past its deadline (safe to run at any frequency)."""
    now = now or utcnow()
    due = list(
        db.session.scalars(
            select(Mentorship)
            .where(Mentorship.status == MentorshipStatus.PROPOSED, Mentorship.expires_at <= now)
            .options(selectinload(Mentorship.mentee), selectinload(Mentorship.mentor))
            .order_by(Mentorship.id)
        )
    )
    done = 0
    for mentorship in due:
        still_due = db.session.execute(
            update(Mentorship)
            .where(Mentorship.id == mentorship.id, Mentorship.status == MentorshipStatus.PROPOSED,
                   Mentorship.expires_at <= now)
            .values(status=MentorshipStatus.EXPIRED, responded_at=now)
            .execution_options(synchronize_session=False)
        )  # fmt: skip
        if still_due.rowcount != 1:
            continue  # answered, expired or given more time by someone else meanwhile
        seats.release_seat(mentorship.mentor_id, mentorship.programme_id)
        set_outcome_rule(mentorship, PairRuleKind.FORBID, PairRuleSource.EXPIRED)
        mentee, mentor = mentorship.mentee, mentorship.mentor
        mail_messages.queue(
            mentee.email, "expired_to_mentee", MentorshipStatus.EXPIRED, mentee=mentee,
            link=mail.absolute_url("mentee.home"),
        )  # fmt: skip
        mail_messages.queue(
            mentor.email, "expired_to_mentor", MentorshipStatus.EXPIRED, mentee=mentee,
            mentor=mentor,
        )  # fmt: skip
        db.session.commit()  # one proposal at a time: a failure later keeps these done
        done += 1
    return SweepReport(done=done, already_done=len(due) - done)


def _reminder_mail(mentorship: Mentorship) -> None:
    mail_messages.queue(
        mentorship.mentor.email,
        "reminder_to_mentor",
        "reminder",
        mentee=mentorship.mentee,
        mentor=mentorship.mentor,
        deadline=as_utc(mentorship.expires_at).strftime("%d %B %Y"),
        link=mail.absolute_url("mentor.home"),
    )


def remind_due(now: datetime | None = None) -> SweepReport:
    """Remind mentors once about proposals close to their deadline (idempotent): a proposal
    is reminded once within the window before its deadline, whatever a coordinator sent
    earlier, and again before a deadline that was extended."""
    now = now or utcnow()
    window = timedelta(days=int(current_app.config["PROPOSAL_REMIND_DAYS_BEFORE"]))
    candidates = db.session.scalars(
        select(Mentorship)
        .where(
            Mentorship.status == MentorshipStatus.PROPOSED,
            Mentorship.expires_at > now,
            Mentorship.expires_at <= now + window,
        )
        .options(selectinload(Mentorship.mentee), selectinload(Mentorship.mentor))
        .order_by(Mentorship.id)
    )
    # (window start, proposal): not reminded since its window opened
    due = [
        (as_utc(m.expires_at) - window, m)
        for m in candidates
        if m.reminded_at is None or as_utc(m.reminded_at) < as_utc(m.expires_at) - window
    ]
    done = 0
    for window_start, mentorship in due:
        if not _claim_reminder(mentorship.id, window_start, now):
            db.session.rollback()
            continue
        _reminder_mail(mentorship)
        db.session.commit()
        done += 1
    return SweepReport(done=done, already_done=len(due) - done)


# --- a coordinator follows up on a round's pending proposals ---------------------------------


def _pending_of_round(round_id: int, mentorship_id: int | None) -> list[Mentorship]:
    """The round's proposals waiting for an answer (or the one asked for, which must be the
    round's and still waiting)."""
    statement = (
        select(Mentorship)
        .where(Mentorship.round_id == round_id)
        .options(selectinload(Mentorship.mentee), selectinload(Mentorship.mentor))
        .order_by(Mentorship.id)
    )
    if mentorship_id is None:
        return list(db.session.scalars(statement.where(
            Mentorship.status == MentorshipStatus.PROPOSED)))  # fmt: skip
    mentorship = db.session.scalar(statement.where(Mentorship.id == mentorship_id))
    if mentorship is None:
        raise NotFound(f"Round {round_id} has no proposal {mentorship_id}.")
    if mentorship.status != MentorshipStatus.PROPOSED:
        raise AnswerError(
            f"{mentorship.mentor.full_name} already answered the proposal of "
            f"{mentorship.mentee.full_name}: it is {mentorship.status}."
        )
    return [mentorship]


def extend_deadlines(
    round_id: int, days: int, actor_id: int | None = None, mentorship_id: int | None = None
) -> int:
    """Give the mentors of a round's pending proposals (or of one) ``days`` more to answer,
    counted from the deadline (or from now, for one already past); each mentor is told the
    new date. Returns how many proposals were extended."""
    limit = int(current_app.config["PROPOSAL_EXTEND_MAX_DAYS"])
    if not 1 <= days <= limit:
        raise ValidationError.single("days", f"Extend by 1 to {limit} days; got {days}.")
    now = utcnow()
    extended = 0
    for mentorship in _pending_of_round(round_id, mentorship_id):
        start = max(as_utc(mentorship.expires_at), now) if mentorship.expires_at else now
        deadline = start + timedelta(days=days)
        if not _transition(mentorship.id, MentorshipStatus.PROPOSED, expires_at=deadline):
            continue  # answered a moment ago
        mail_messages.queue(
            mentorship.mentor.email,
            "deadline_extended_to_mentor",
            "deadline-extended",
            mentee=mentorship.mentee,
            mentor=mentorship.mentor,
            days=days,
            deadline=deadline.strftime("%d %B %Y"),
            link=mail.absolute_url("mentor.home"),
        )
        extended += 1
    if extended:
        audit.record(
            actor_id, audit.PROPOSALS_EXTENDED, ("round", round_id), days=days,
            proposals=extended, **({"mentorship": mentorship_id} if mentorship_id else {}),
        )  # fmt: skip
    db.session.commit()
    return extended


@dataclass(frozen=True)
class RemindReport:
    sent: int
    already_today: int  # mentors reminded earlier today are not mailed twice in a day


def remind_now(
    round_id: int, actor_id: int | None = None, mentorship_id: int | None = None
) -> RemindReport:
    """Mail the mentors of a round's pending proposals (or of one) a reminder now; a proposal
    is reminded at most once a day (UTC), however often this is asked."""
    now = utcnow()
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    sent = already = 0
    for mentorship in _pending_of_round(round_id, mentorship_id):
        if deadline_passed(mentorship.expires_at):
            continue  # it expires at the next sweep: nothing left to answer
        if not _claim_reminder(mentorship.id, today, now):
            already += 1
            continue
        _reminder_mail(mentorship)
        sent += 1
    if sent:
        audit.record(
            actor_id, audit.PROPOSALS_REMINDED, ("round", round_id), proposals=sent,
            **({"mentorship": mentorship_id} if mentorship_id else {}),
        )  # fmt: skip
    db.session.commit()
    return RemindReport(sent, already)


# --- what mentees and mentors see ------------------------------------------------------------


def for_mentor(mentor_id: int) -> dict[str, list[Mentorship]]:
    rows = list(
        db.session.scalars(
            select(Mentorship)
            .where(Mentorship.mentor_id == mentor_id)
            .options(selectinload(Mentorship.mentee).selectinload(User.mentee_profile))
            .order_by(Mentorship.created_at.desc(), Mentorship.id.desc())
        )
    )
    return {
        "pending": [m for m in rows if m.status == MentorshipStatus.PROPOSED],
        "active": [m for m in rows if m.status == MentorshipStatus.ACCEPTED],
        "history": [m for m in rows if m.status not in OPEN_MENTORSHIP_STATUSES],
    }


def for_mentee(mentee_id: int) -> dict[str, object]:
    rows = list(
        db.session.scalars(
            select(Mentorship)
            .where(Mentorship.mentee_id == mentee_id)
            .options(selectinload(Mentorship.mentor).selectinload(User.mentor_profile))
            .order_by(Mentorship.created_at.desc(), Mentorship.id.desc())
        )
    )
    # one open proposal or mentorship per programme: a mentee in two may have two
    current = [m for m in rows if m.status in OPEN_MENTORSHIP_STATUSES]
    return {"current": current, "history": [m for m in rows if m not in current]}


def match_reasons(mentorships: Iterable[Mentorship]) -> dict[int, RoundPair]:
    """Why each proposal was made: mentorship id -> the round pair (score and components)
    that proposed it; proposals without a round (or whose
    round was deleted) are absent."""
    wanted = {(m.round_id, m.mentee_id, m.mentor_id): m.id for m in mentorships if m.round_id}
    if not wanted:
        return {}
    round_ids = {round_id for round_id, _, _ in wanted}
    mentee_ids = {mentee_id for _, mentee_id, _ in wanted}
    pairs = db.session.scalars(
        select(RoundPair).where(
            RoundPair.round_id.in_(round_ids), RoundPair.mentee_id.in_(mentee_ids)
        )
    )
    found = {}
    for pair in pairs:
        key = (pair.round_id, pair.mentee_id, pair.mentor_id)
        if key in wanted:
            found[wanted[key]] = pair
    return found


def _claim_reminder(mentorship_id: int, not_reminded_since: datetime, now: datetime) -> bool:
    """Mark a pending proposal reminded now, unless it was reminded since ``not_reminded_since``
    (a conditional update, so two senders never both remind)."""
    claimed = db.session.execute(
        update(Mentorship)
        .where(Mentorship.id == mentorship_id,
               Mentorship.status == MentorshipStatus.PROPOSED,
               or_(Mentorship.reminded_at.is_(None), Mentorship.reminded_at < not_reminded_since))
        .values(reminded_at=now)
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    return claimed.rowcount == 1
