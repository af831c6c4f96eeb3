"""`mentormatch mentorships remind|digest|complete`: the cron commands, idempotent."""

from __future__ import annotations

from sqlalchemy import func, select, text

from mentormatch.extensions import db
from mentormatch.models import OutboxMessage
from mentormatch.services.mentorships import messages
from tests.workspace_helpers import accepted_pair, started


def mail_count(app, kind: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == kind)
        )


def test_digest_runs_once_per_window(app, runner):
    pair = accepted_pair(app)
    with app.app_context():
        messages.send(pair.mentorship_id, pair.mentee.id, "Hello")
        messages.send(pair.mentorship_id, pair.mentee.id, "Are you there?")
    result = runner.invoke(args=["mentorships", "digest"])
    assert result.exit_code == 0, result.output
    assert "1 mail sent" in result.output
    assert runner.invoke(args=["mentorships", "digest"]).output.startswith(
        "Message digests: 0 mails sent"
    )
    assert mail_count(app, "message-digest") == 1


def test_remind_and_complete(app, runner):
    pair = accepted_pair(app)
    started(app, pair.mentorship_id, days_ago=400)
    with app.app_context():
        db.session.execute(
            text("UPDATE mentorships SET ends_on = CURRENT_DATE WHERE id = :id"),
            {"id": pair.mentorship_id},
        )
        db.session.commit()
    result = runner.invoke(args=["mentorships", "remind"])
    assert result.exit_code == 0, result.output
    assert "Agreements: 2 reminders sent" in result.output
    assert "End dates: 1 mentorship reminded" in result.output
    assert runner.invoke(args=["mentorships", "remind"]).output.endswith(
        "End dates: 0 mentorships reminded.\n"
    )
    # reminded today: completion waits for a later day than the reminder
    assert "0 mentorships completed" in runner.invoke(args=["mentorships", "complete"]).output
    with app.app_context():
        db.session.execute(
            text("UPDATE mentorships SET end_reminded_at = :at WHERE id = :id"),
            {"at": "2020-01-01 00:00:00", "id": pair.mentorship_id},
        )
        db.session.commit()
    assert "1 mentorship completed" in runner.invoke(args=["mentorships", "complete"]).output
    assert mail_count(app, "mentorship-completed") == 2
