"""`mentormatch proposals remind` and `mentormatch proposals expire`: safe from cron."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from mentormatch.extensions import db
from mentormatch.models import Mentorship, OutboxMessage, PairRule
from tests.proposal_helpers import (
    assert_capacity_invariants,
    person,
    proposal_id,
    publish,
    run_round,
    seats,
    status_of,
)


def published_proposal(app):
    mentee = person(app, "mentee", "Ana Sharma")
    mentor = person(app, "mentor", "Irene Mehta")
    publish(app, run_round(app))
    return mentee, mentor, proposal_id(app, mentee, mentor)


def move_deadline(app, mentorship_id: int, from_now: timedelta) -> None:
    with app.app_context():
        db.session.execute(
            update(Mentorship)
            .where(Mentorship.id == mentorship_id)
            .values(expires_at=datetime.now(UTC) + from_now)
        )
        db.session.commit()


def mail_kinds(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(OutboxMessage.kind)))


def test_remind_reminds_once_when_the_deadline_is_near(app, runner):
    _, mentor, proposal = published_proposal(app)
    early = runner.invoke(args=["proposals", "remind"])
    assert early.exit_code == 0, early.output
    assert "Reminders: 0 mentors reminded." in early.output  # 14 days left

    move_deadline(app, proposal, timedelta(days=2))
    first = runner.invoke(args=["proposals", "remind"])
    second = runner.invoke(args=["proposals", "remind"])
    assert "Reminders: 1 mentor reminded." in first.output
    assert "Reminders: 0 mentors reminded." in second.output
    assert mail_kinds(app).count("reminder") == 1
    assert status_of(app, proposal) == "proposed"


def test_expire_frees_the_seat_once_and_forbids_the_pair(app, runner):
    mentee, mentor, proposal = published_proposal(app)
    nothing = runner.invoke(args=["proposals", "expire"])
    assert "Expiry: 0 proposals expired." in nothing.output
    assert seats(app, mentor) == (1, 1)

    move_deadline(app, proposal, -timedelta(minutes=1))
    first = runner.invoke(args=["proposals", "expire"])
    second = runner.invoke(args=["proposals", "expire"])
    assert first.exit_code == second.exit_code == 0
    assert "Expiry: 1 proposal expired." in first.output
    assert "Expiry: 0 proposals expired." in second.output
    assert status_of(app, proposal) == "expired"
    assert seats(app, mentor) == (1, 0)
    assert mail_kinds(app).count("expired") == 2  # the mentee and the mentor, once
    with app.app_context():
        rule = db.session.scalar(select(PairRule).where(PairRule.mentee_id == mentee.id))
        assert (rule.mentor_id, rule.kind) == (mentor.id, "forbid")
    assert_capacity_invariants(app)


def test_an_expired_proposal_is_not_reminded(app, runner):
    _, _, proposal = published_proposal(app)
    move_deadline(app, proposal, -timedelta(minutes=1))
    runner.invoke(args=["proposals", "expire"])
    result = runner.invoke(args=["proposals", "remind"])
    assert "Reminders: 0 mentors reminded." in result.output
    assert mail_kinds(app).count("reminder") == 0


def test_the_commands_are_listed_in_help(runner):
    result = runner.invoke(args=["proposals", "--help"])
    assert result.exit_code == 0
    assert "remind" in result.output and "expire" in result.output
