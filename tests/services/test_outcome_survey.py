"""The outcome survey after Match Day: mailed once to each mentee whose Match year it is and
whose result is not recorded, reminded at most twice two weeks apart, stopped by recording the
result, and never outside the weeks after Match Day; two runs at the same moment mail once."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from mentormatch.extensions import db
from mentormatch.models import Mentorship, OutboxMessage, ProgrammeMember, User
from mentormatch.services.mentorships.calendar import match_day
from mentormatch.services.outcomes import records, survey
from tests.helpers import add_mentee, add_mentor, general_programme_id


def at(day, days_after: int = 0) -> datetime:
    return datetime.combine(day + timedelta(days=days_after), time(9), tzinfo=UTC)


def survey_mails() -> list[tuple[str, str]]:
    return [
        (m.to_address, m.subject)
        for m in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "outcome-survey").order_by(
                OutboxMessage.id)
        )
    ]  # fmt: skip


def test_the_survey_its_reminders_and_its_end(app):
    day = match_day(2027)
    with app.app_context():
        aims = add_mentee("aims", target_match_year=2027)
        answers = add_mentee("answers", target_match_year=2027)
        later = add_mentee("later", target_match_year=2028)
        gone = add_mentee("gone", target_match_year=2027)
        gone.active = False
        left = add_mentee("left", target_match_year=2027)
        planned = add_mentee("planned")  # no target year; her pathway plan aims for 2027
        mentor = add_mentor("mentor", capacity=3)
        db.session.flush()
        db.session.add(
            Mentorship(
                programme_id=general_programme_id(),
                mentee_id=planned.id,
                mentor_id=mentor.id,
                status="accepted",
                plan_match_year=2027,
            )
        )
        db.session.query(ProgrammeMember).filter_by(user_id=left.id).one().status = "left"
        db.session.commit()
        aims_email, answers_email, planned_email = aims.email, answers.email, planned.email

        assert survey.run(at(day, -1)) == survey.SurveyReport(None)  # before Match Day
        assert survey.run(at(day)) == survey.SurveyReport(2027, surveyed=3)
        assert survey.run(at(day)) == survey.SurveyReport(2027)  # once
        assert sorted(survey_mails()) == sorted([
            (aims_email, "How did the 2027 Match go for you?"),
            (answers_email, "How did the 2027 Match go for you?"),
            (planned_email, "How did the 2027 Match go for you?"),
        ])  # fmt: skip
        body = db.session.scalars(select(OutboxMessage.body_text)).first()
        assert "/mentee/outcomes" in body and "remind you at most 2 times" in body

        # "answers" records her result: no reminder for her
        mentee = db.session.get(User, answers.id)
        raw = {"kind": "match-result", "achieved_on": day.isoformat(),
               "match_result": "not-matched", "match_year": "2027"}  # fmt: skip
        records.record(mentee.id, mentee, records.parse(raw, day))

        assert survey.run(at(day, 13)) == survey.SurveyReport(2027)  # not two weeks yet
        assert survey.run(at(day, 14)) == survey.SurveyReport(2027, reminded=2)
        assert survey.run(at(day, 15)) == survey.SurveyReport(2027)
        assert survey.run(at(day, 28)) == survey.SurveyReport(2027, reminded=2)
        assert survey.run(at(day, 42)) == survey.SurveyReport(2027)  # two reminders at most
        assert survey.run(at(day, 200)) == survey.SurveyReport(None)  # the window closed
        mails = survey_mails()
        assert [to for to, _ in mails].count(aims_email) == 3
        assert [to for to, _ in mails].count(planned_email) == 3
        assert [to for to, _ in mails].count(answers_email) == 1
        assert (aims_email, "Reminder: How did the 2027 Match go for you?") in mails[-2:]
        assert later.email not in {to for to, _ in mails}  # next year's Match


def test_the_command_says_what_it_did(runner):
    result = runner.invoke(args=["outcomes", "survey"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Outcome survey")
