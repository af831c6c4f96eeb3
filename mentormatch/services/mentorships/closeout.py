"""Close-out: either side ends a mentorship with a reason and a short rating (1-5); the other
side may rate it afterwards. Every ending frees the mentor's seat and puts the mentee back in
the pool with that pair forbidden in the programme; "not a good fit" and "no response" also
tell the programme's coordinators. A mentorship reaching its end date is completed, after a
reminder MENTORSHIP_END_REMIND_DAYS before, unless both sides extend it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from mentormatch.extensions import db
from mentormatch.models import (
    ENDINGS_TOLD_TO_COORDINATORS,
    EndReason,
    Mentorship,
    MentorshipStatus,
    PairRuleKind,
    PairRuleSource,
    User,
)
from mentormatch.models.times import as_utc, utcnow
from mentormatch.services import audit, mail, mail_messages, meetings, proposals, seats
from mentormatch.services.errors import NotFound, ServiceError, ValidationError
from mentormatch.services.mentorships.calendar import add_months
from mentormatch.services.mentorships.pair import load_active, load_for
from mentormatch.services.programmes import access

REASON_LABELS = {
    EndReason.COMPLETED: "Goals met / completed",
    EndReason.NOT_A_GOOD_FIT: "Not a good fit",
    EndReason.NO_TIME: "No time",
    EndReason.NO_RESPONSE: "No response from the other side",
    EndReason.OTHER: "Other",
}
RATINGS = (1, 2, 3, 4, 5)


class AlreadyDone(ServiceError):
    """Ended, rated or extended already (another tab, the other side, the scheduled job)."""


def parse_rating(raw: str | int | None) -> int:
    try:
        rating = int(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        rating = 0
    if rating not in RATINGS:
        raise ValidationError.single("rating", "Rate the mentorship from 1 (poor) to 5 (great).")
    return rating


def end(mentorship_id: int, user_id: int, reason: str | None, rating: str | int | None):
    """``user_id`` ends the mentorship with a reason and their rating."""
    mentorship = load_active(mentorship_id, user_id)
    problems = []
    if reason not in set(EndReason):
        problems.append(("reason", "Choose why the mentorship ends."))
    try:
        score = parse_rating(rating)
    except ValidationError as error:
        problems.extend(error.errors)
    if problems:
        raise ValidationError(problems)
    side = mentorship.side_of(user_id)
    now = utcnow()
    if not _close(
        mentorship,
        now,
        db.session.get(User, user_id),
        end_reason=reason,
        ended_by_id=user_id,
        **{f"{side}_rating": score},
    ):
        raise AlreadyDone("This mentorship ended a moment ago.")
    audit.record(user_id, audit.MENTORSHIP_ENDED, mentorship, reason=reason)
    other = mentorship.other(user_id)
    mail_messages.queue(
        other.email,
        "mentorship_closed_to_other",
        MentorshipStatus.ENDED,
        person=other,
        ended_by=db.session.get(User, user_id),
        mentorship=mentorship,
        reason=REASON_LABELS[EndReason(reason)],
        link=mail.absolute_url("mentorships.show", mentorship_id=mentorship.id) + "#close",
    )
    if reason in ENDINGS_TOLD_TO_COORDINATORS:
        for address in access.coordinator_emails(mentorship.programme_id):
            mail_messages.queue(
                address,
                "mentorship_ended_to_coordinators",
                "mentorship-ended",
                mentorship=mentorship,
                reason=REASON_LABELS[EndReason(reason)],
                ended_by=db.session.get(User, user_id),
                link=mail.absolute_url("coordinator.mentorships"),
            )
    db.session.commit()
    db.session.refresh(mentorship)
    return mentorship


def end_by_coordinator(
    mentorship_id: int, coordinator: User, reason: str | None, now: datetime | None = None
) -> Mentorship:
    """A coordinator of its programme ends an active mentorship (from the work queue): the
    same close-out (seat freed, pair forbidden, meetings ahead cancelled), both sides told."""
    mentorship = db.session.get(Mentorship, mentorship_id)
    if mentorship is None or not access.coordinates(coordinator, mentorship.programme_id):
        raise NotFound(f"No mentorship {mentorship_id}.")
    if reason not in set(EndReason) or reason == EndReason.COMPLETED:
        raise ValidationError.single("reason", "Choose why the mentorship ends.")
    if not close_for_repair(mentorship, coordinator, reason, now or utcnow()):
        raise AlreadyDone("This mentorship has ended already.")
    db.session.commit()
    db.session.refresh(mentorship)
    return mentorship


def close_for_repair(
    mentorship: Mentorship, coordinator: User, reason: str, now: datetime
) -> bool:
    """End an active mentorship for its coordinator, telling both sides, in the caller's
    transaction (the caller commits; False, rolled back: it was no longer active)."""
    if not _close(
        mentorship, now, coordinator, end_reason=str(reason), ended_by_id=coordinator.id
    ):
        return False
    audit.record(coordinator, audit.MENTORSHIP_ENDED, mentorship, reason=str(reason))
    link = mail.absolute_url("mentorships.show", mentorship_id=mentorship.id)
    for person in (mentorship.mentee, mentorship.mentor):
        mail_messages.queue(
            person.email,
            "mentorship_ended_by_coordinator",
            MentorshipStatus.ENDED,
            person=person,
            other=mentorship.other(person.id),
            mentorship=mentorship,
            reason=REASON_LABELS[EndReason(reason)].lower(),
            link=link,
        )
    return True


def _close(mentorship: Mentorship, now: datetime, actor: User | None = None, **values) -> bool:
    """ACCEPTED -> ENDED once (a conditional update), with the seat freed, the pair
    forbidden for later rounds of the programme, and the meetings still ahead cancelled (both
    calendars get the CANCEL)."""
    closed = db.session.execute(
        update(Mentorship)
        .where(Mentorship.id == mentorship.id, Mentorship.status == MentorshipStatus.ACCEPTED)
        .values(status=MentorshipStatus.ENDED, ended_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    if closed.rowcount != 1:
        db.session.rollback()
        return False
    seats.release_seat(mentorship.mentor_id, mentorship.programme_id)
    proposals.set_outcome_rule(mentorship, PairRuleKind.FORBID, PairRuleSource.ENDED)
    meetings.cancel_upcoming(mentorship, actor, now=now)
    return True


def rate(mentorship_id: int, user_id: int, rating: str | int | None) -> Mentorship:
    """The side that did not end it rates an ended mentorship (once)."""
    mentorship = load_for(mentorship_id, user_id)
    if mentorship.status != MentorshipStatus.ENDED:
        raise AlreadyDone("Rate the mentorship once it has ended.")
    score = parse_rating(rating)
    column = getattr(Mentorship, f"{mentorship.side_of(user_id)}_rating")
    rated = db.session.execute(
        update(Mentorship)
        .where(Mentorship.id == mentorship_id, column.is_(None))
        .values({column: score})
        .execution_options(synchronize_session=False)
    )
    if rated.rowcount != 1:
        db.session.rollback()
        raise AlreadyDone("You have rated this mentorship already.")
    db.session.commit()
    db.session.refresh(mentorship)
    return mentorship


def extend(mentorship_id: int, user_id: int) -> Mentorship:
    """``user_id`` wants to go on; once both do, the end date moves MENTORSHIP_EXTEND_MONTHS
    later (and a new reminder comes before it)."""
    mentorship = load_active(mentorship_id, user_id)
    side = mentorship.side_of(user_id)
    if getattr(mentorship, f"{side}_extends"):
        raise AlreadyDone("You asked to extend already; the other side has not yet.")
    setattr(mentorship, f"{side}_extends", True)
    if mentorship.mentee_extends and mentorship.mentor_extends:
        months = int(current_app.config["MENTORSHIP_EXTEND_MONTHS"])
        mentorship.ends_on = add_months(mentorship.ends_on, months)
        mentorship.mentee_extends = mentorship.mentor_extends = False
        mentorship.end_reminded_at = None
        audit.record(user_id, audit.MENTORSHIP_EXTENDED, mentorship, months=months)
    db.session.commit()
    return mentorship


# --- the scheduled work ------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepReport:
    done: int
    already_done: int = 0


def _due(*conditions) -> list[Mentorship]:
    return list(
        db.session.scalars(
            select(Mentorship)
            .where(Mentorship.status == MentorshipStatus.ACCEPTED, *conditions)
            .options(selectinload(Mentorship.mentee), selectinload(Mentorship.mentor))
            .order_by(Mentorship.id)
        )
    )


def remind_end_dates(now: datetime | None = None) -> SweepReport:
    """Tell both sides, once, MENTORSHIP_END_REMIND_DAYS before the end date."""
    now = now or utcnow()
    today = now.date()
    horizon = today + timedelta(days=int(current_app.config["MENTORSHIP_END_REMIND_DAYS"]))
    due = _due(Mentorship.ends_on <= horizon, Mentorship.end_reminded_at.is_(None))
    done = 0
    for mentorship in due:
        claimed = db.session.execute(
            update(Mentorship)
            .where(
                Mentorship.id == mentorship.id,
                Mentorship.end_reminded_at.is_(None),
                Mentorship.status == MentorshipStatus.ACCEPTED,
            )
            .values(end_reminded_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            db.session.rollback()
            continue
        link = mail.absolute_url("mentorships.show", mentorship_id=mentorship.id) + "#close"
        for person in (mentorship.mentee, mentorship.mentor):
            mail_messages.queue(
                person.email,
                "mentorship_ending_soon",
                "mentorship-ending",
                person=person,
                other=mentorship.other(person.id),
                ends_on=_day(mentorship.ends_on),
                link=link,
            )
        db.session.commit()
        done += 1
    return SweepReport(done, len(due) - done)


def complete_due(now: datetime | None = None) -> SweepReport:
    """Complete every mentorship at or past its end date whose reminder went out on an earlier
    day (the end date moved if both extended)."""
    now = now or utcnow()
    today = now.date()
    due = [
        m
        for m in _due(Mentorship.ends_on <= today, Mentorship.end_reminded_at.is_not(None))
        if as_utc(m.end_reminded_at).date() < today
    ]
    done = 0
    for mentorship in due:
        if not _close(mentorship, now, end_reason=EndReason.COMPLETED.value):
            continue
        audit.record(None, audit.MENTORSHIP_COMPLETED, mentorship)
        link = mail.absolute_url("mentorships.show", mentorship_id=mentorship.id) + "#close"
        for person in (mentorship.mentee, mentorship.mentor):
            mail_messages.queue(
                person.email,
                "mentorship_completed",
                "mentorship-completed",
                person=person,
                other=mentorship.other(person.id),
                link=link,
            )
        db.session.commit()
        done += 1
    return SweepReport(done, len(due) - done)


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
