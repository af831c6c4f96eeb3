"""Check-ins: short surveys each side of a mentorship answers, private to coordinators.

- the fit check, after the first logged meeting: "how good a fit is this mentorship?";
- a pulse every PULSE_DAYS after acceptance: "how is it going?";
- the close-out survey, once it ended (within CLOSEOUT_WITHIN_DAYS): "how much did it help?"
  (the close-out itself asks a reason and a rating of the whole; this asks what it achieved).

Each is a 1-5 score and an optional comment. A fit or pulse answer of POOR_FIT or lower puts
the pair in the coordinators' work queue (services.mentorships.health) until a coordinator's
note marks it handled. `mentormatch mentorships check-ins` (cron, any frequency) asks them:
each request is a row, unique per (mentorship, person, kind, number), added with its mail in
one transaction, so two runs at once ask once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from mentormatch.extensions import db
from mentormatch.models import (
    CheckIn,
    CheckInKind,
    Meeting,
    MeetingStatus,
    Mentorship,
    MentorshipStatus,
    User,
)
from mentormatch.models.times import as_utc, utcnow
from mentormatch.services import mail, mail_messages
from mentormatch.services.errors import NotFound, ServiceError, ValidationError
from mentormatch.services.mentorships.health import POOR_FIT
from mentormatch.services.programmes import access

PULSE_DAYS = 60
CLOSEOUT_WITHIN_DAYS = 30
COMMENT_MAX = 2000
TITLES = {
    CheckInKind.FIT: "Fit check",
    CheckInKind.PULSE: "Pulse check",
    CheckInKind.CLOSEOUT: "Close-out survey",
}
QUESTIONS = {
    CheckInKind.FIT: "After your first meeting with {other}: how good a fit is this mentorship "
    "for you? (1 = a poor fit, 5 = a great fit)",
    CheckInKind.PULSE: "How is your mentorship with {other} going? (1 = badly, 5 = very well)",
    CheckInKind.CLOSEOUT: "Your mentorship with {other} has ended. How much did it help you "
    "move forward? (1 = not at all, 5 = a great deal) What helped most, and what would you "
    "change?",
}


class AlreadyAnswered(ServiceError):
    """This check-in was answered already (another tab)."""


def question(check_in: CheckIn) -> str:
    other = check_in.mentorship.other(check_in.user_id)
    return QUESTIONS[CheckInKind(check_in.kind)].format(other=other.full_name)


def _ask(mentorship: Mentorship, kind: CheckInKind, number: int, now: datetime) -> bool:
    """Add both sides' requests with their mails and commit; False if another run did."""
    rows = [
        CheckIn(mentorship_id=mentorship.id, user_id=person.id, kind=kind.value,
                number=number, created_at=now)
        for person in (mentorship.mentee, mentorship.mentor)
    ]  # fmt: skip
    db.session.add_all(rows)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return False
    for row, person in zip(rows, (mentorship.mentee, mentorship.mentor), strict=True):
        other = mentorship.other(person.id)
        mail_messages.queue(
            person.email,
            "check_in_request",
            "check-in",
            person=person,
            other=other,
            title=TITLES[kind],
            question=QUESTIONS[kind].format(other=other.full_name),
            link=mail.absolute_url(
                "mentorships.check_in", mentorship_id=mentorship.id, check_in_id=row.id
            ),
        )
    db.session.commit()
    return True


@dataclass(frozen=True)
class AskReport:
    fit: int
    pulse: int
    closeout: int

    @property
    def total(self) -> int:
        return self.fit + self.pulse + self.closeout


def _asked(kind: CheckInKind, number=None):
    clause = (CheckIn.mentorship_id == Mentorship.id) & (CheckIn.kind == kind.value)
    if number is not None:
        clause &= CheckIn.number == number
    return exists().where(clause)


def _people():
    return (selectinload(Mentorship.mentee), selectinload(Mentorship.mentor))


def send_due(now: datetime | None = None) -> AskReport:
    """Ask every check-in that is due and was not asked yet (both sides of each pair)."""
    now = now or utcnow()
    held = exists().where(
        Meeting.mentorship_id == Mentorship.id, Meeting.status == MeetingStatus.HELD
    )
    fit = db.session.scalars(
        select(Mentorship)
        .where(Mentorship.status == MentorshipStatus.ACCEPTED, held, ~_asked(CheckInKind.FIT))
        .options(*_people())
        .order_by(Mentorship.id)
    ).all()
    fits = sum(_ask(m, CheckInKind.FIT, 0, now) for m in fit)

    pulses = 0
    active = db.session.scalars(
        select(Mentorship)
        .where(
            Mentorship.status == MentorshipStatus.ACCEPTED,
            Mentorship.responded_at <= now - timedelta(days=PULSE_DAYS),
        )
        .options(*_people())
        .order_by(Mentorship.id)
    ).all()
    for mentorship in active:
        number = (now - as_utc(mentorship.responded_at)).days // PULSE_DAYS
        already = db.session.scalar(
            select(func.count()).where(
                CheckIn.mentorship_id == mentorship.id,
                CheckIn.kind == CheckInKind.PULSE.value,
                CheckIn.number == number,
            )
        )
        if not already:
            pulses += _ask(mentorship, CheckInKind.PULSE, number, now)

    ended = db.session.scalars(
        select(Mentorship)
        .where(
            Mentorship.status == MentorshipStatus.ENDED,
            Mentorship.responded_at.is_not(None),
            Mentorship.ended_at >= now - timedelta(days=CLOSEOUT_WITHIN_DAYS),
            ~_asked(CheckInKind.CLOSEOUT),
        )
        .options(*_people())
        .order_by(Mentorship.id)
    ).all()
    closeouts = sum(_ask(m, CheckInKind.CLOSEOUT, 0, now) for m in ended)
    return AskReport(fits, pulses, closeouts)


def get_for(check_in_id: int, mentorship_id: int, user_id: int) -> CheckIn:
    """The person's own check-in (NotFound for anyone else: not even its pair's other side)."""
    check_in = db.session.get(CheckIn, check_in_id, options=[selectinload(CheckIn.mentorship)])
    if check_in is None or check_in.user_id != user_id or check_in.mentorship_id != mentorship_id:
        raise NotFound(f"No check-in {check_in_id}.")
    return check_in


def answer(
    check_in_id: int, mentorship_id: int, user_id: int, score, comment: str | None,
    now: datetime | None = None,
) -> CheckIn:  # fmt: skip
    """The person answers their check-in, once."""
    check_in = get_for(check_in_id, mentorship_id, user_id)
    problems = []
    try:
        value = int(score)
    except (TypeError, ValueError):
        value = 0
    if value not in (1, 2, 3, 4, 5):
        problems.append(("score", "Choose a score from 1 to 5."))
    text = (comment or "").strip()
    if len(text) > COMMENT_MAX:
        problems.append(("comment", f"Keep the comment under {COMMENT_MAX} characters."))
    if problems:
        raise ValidationError(problems)
    answered = db.session.execute(
        update(CheckIn)
        .where(CheckIn.id == check_in.id, CheckIn.answered_at.is_(None))
        .values(answered_at=now or utcnow(), score=value, comment=text or None)
        .execution_options(synchronize_session=False)
    )
    if answered.rowcount != 1:
        db.session.rollback()
        raise AlreadyAnswered("You answered this check-in already. Thank you!")
    db.session.commit()
    db.session.refresh(check_in)
    return check_in


def waiting_for(user_id: int, mentorship_id: int) -> list[CheckIn]:
    """The person's unanswered check-ins of a mentorship (its page links to them)."""
    return list(
        db.session.scalars(
            select(CheckIn)
            .where(
                CheckIn.user_id == user_id,
                CheckIn.mentorship_id == mentorship_id,
                CheckIn.answered_at.is_(None),
            )
            .order_by(CheckIn.id)
        )
    )


# --- what coordinators see ---------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerRate:
    kind: CheckInKind
    asked: int
    answered: int
    poor: int  # answers at POOR_FIT or lower
    mean_score: float | None

    @property
    def title(self) -> str:
        return TITLES[self.kind]

    @property
    def rate(self) -> float | None:
        return self.answered / self.asked if self.asked else None


def answer_rates(coordinator: User, programme_id: int | None = None) -> list[AnswerRate]:
    """Per kind: how many were asked and answered in the coordinator's programmes."""
    statement = (
        select(
            CheckIn.kind,
            func.count(CheckIn.id),
            func.count(CheckIn.answered_at),
            func.sum(case((CheckIn.score <= POOR_FIT, 1), else_=0)),
            func.avg(CheckIn.score),
        )
        .join(Mentorship, Mentorship.id == CheckIn.mentorship_id)
        .group_by(CheckIn.kind)
    )
    if programme_id is not None:
        access.require(coordinator, programme_id)
        statement = statement.where(Mentorship.programme_id == programme_id)
    else:
        ids = access.programme_ids_for(coordinator)
        if ids is not None:
            statement = statement.where(Mentorship.programme_id.in_(ids))
    found = {kind: (asked, answered, int(poor or 0), float(mean) if mean is not None else None)
             for kind, asked, answered, poor, mean in db.session.execute(statement)}  # fmt: skip
    return [AnswerRate(kind, *found.get(kind.value, (0, 0, 0, None))) for kind in CheckInKind]


def answers_for(mentorship_id: int) -> list[CheckIn]:
    """Every answered check-in of a mentorship, with who answered (coordinators' page: the
    caller checked the programme)."""
    return list(
        db.session.scalars(
            select(CheckIn)
            .where(CheckIn.mentorship_id == mentorship_id, CheckIn.answered_at.is_not(None))
            .options(selectinload(CheckIn.user))
            .order_by(CheckIn.answered_at, CheckIn.id)
        )
    )


def export_for(user_id: int) -> list[dict]:
    """The person's own answers, for "Your data" (never the other side's)."""
    rows = db.session.scalars(
        select(CheckIn).where(CheckIn.user_id == user_id, CheckIn.answered_at.is_not(None))
        .order_by(CheckIn.id)
    )  # fmt: skip
    return [
        {"mentorship_id": c.mentorship_id, "kind": c.kind, "number": c.number,
         "score": c.score, "comment": c.comment,
         "answered_at": as_utc(c.answered_at).isoformat()}
        for c in rows
    ]  # fmt: skip
