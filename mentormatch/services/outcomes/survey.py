"""The outcome survey: `mentormatch outcomes survey` from cron (daily; any frequency will do).

After Match Day of year Y (services.mentorships.calendar.match_day), every mentee with an
active account who takes part in a programme and aims for the Match of Y (her profile's
target year, or the Match year of a pathway plan of hers) and has not recorded her Match result
for Y is mailed the survey once, then reminded every OUTCOME_SURVEY_REMINDER_DAYS, at most
OUTCOME_SURVEY_REMINDERS times; recording the result stops it. Nothing is mailed more than
OUTCOME_SURVEY_WINDOW_DAYS after Match Day.

Idempotent: the first mail is claimed by inserting the (mentee, year) row (a unique
constraint), each reminder by a conditional UPDATE on the reminder count, in the same
transaction as the mail, so two runs at once mail once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import exists, or_, select, update
from sqlalchemy.exc import IntegrityError

from mentormatch.extensions import db
from mentormatch.models import (
    MembershipStatus,
    MenteeProfile,
    Mentorship,
    Outcome,
    OutcomeKind,
    OutcomeSurvey,
    ProgrammeMember,
    Role,
    User,
)
from mentormatch.models.times import as_utc, utcnow
from mentormatch.services import mail, mail_messages
from mentormatch.services.mentorships.calendar import match_day

SURVEY = "outcome_survey"


@dataclass(frozen=True)
class SurveyReport:
    match_year: int | None  # the Match whose survey is running (None: none is)
    surveyed: int = 0  # first mails sent now
    reminded: int = 0  # reminders sent now


def survey_year(today: date) -> int | None:
    """The Match year whose survey runs on ``today``: from its Match Day for WINDOW_DAYS."""
    window = int(current_app.config["OUTCOME_SURVEY_WINDOW_DAYS"])
    day = match_day(today.year)
    return today.year if day <= today <= day + timedelta(days=window) else None


def _due_mentees(year: int) -> list[User]:
    """Mentees taking part in a programme who aim for the Match of ``year`` and have no Match
    result recorded for it."""
    aims = or_(
        exists().where(MenteeProfile.user_id == User.id, MenteeProfile.target_match_year == year),
        exists().where(Mentorship.mentee_id == User.id, Mentorship.plan_match_year == year),
    )
    answered = exists().where(
        Outcome.mentee_id == User.id,
        Outcome.kind == OutcomeKind.MATCH_RESULT,
        Outcome.match_year == year,
    )
    member = exists().where(
        ProgrammeMember.user_id == User.id, ProgrammeMember.status == MembershipStatus.ACTIVE
    )
    return list(
        db.session.scalars(
            select(User)
            .where(User.role == Role.MENTEE, User.active.is_(True), member, aims, ~answered)
            .order_by(User.id)
        )
    )


def _mail(mentee: User, year: int, reminder: int, most: int) -> None:
    mail_messages.queue(
        mentee.email,
        SURVEY,
        "outcome-survey",
        person=mentee,
        match_year=year,
        reminder=reminder,
        most=most,
        link=mail.absolute_url("mentee.outcomes"),
    )


def run(now: datetime | None = None) -> SurveyReport:
    """Mail the survey and its reminders that are due now (see the module's text)."""
    now = now or utcnow()
    year = survey_year(now.date())
    if year is None:
        return SurveyReport(None)
    every = timedelta(days=int(current_app.config["OUTCOME_SURVEY_REMINDER_DAYS"]))
    most = int(current_app.config["OUTCOME_SURVEY_REMINDERS"])
    surveys = {
        survey.mentee_id: survey
        for survey in db.session.scalars(
            select(OutcomeSurvey).where(OutcomeSurvey.match_year == year)
        )
    }
    surveyed = reminded = 0
    for mentee in _due_mentees(year):
        survey = surveys.get(mentee.id)
        if survey is None:
            db.session.add(
                OutcomeSurvey(
                    mentee_id=mentee.id, match_year=year, sent_at=now, last_mailed_at=now
                )  # fmt: skip
            )
            try:
                db.session.flush()
            except IntegrityError:  # another run mailed her a moment ago
                db.session.rollback()
                continue
            _mail(mentee, year, 0, most)
            db.session.commit()
            surveyed += 1
            continue
        if survey.reminders >= most or as_utc(survey.last_mailed_at) + every > now:
            continue
        claimed = db.session.execute(
            update(OutcomeSurvey)
            .where(OutcomeSurvey.id == survey.id, OutcomeSurvey.reminders == survey.reminders)
            .values(reminders=survey.reminders + 1, last_mailed_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            db.session.rollback()
            continue
        _mail(mentee, year, survey.reminders + 1, most)
        db.session.commit()
        reminded += 1
    return SurveyReport(year, surveyed, reminded)
