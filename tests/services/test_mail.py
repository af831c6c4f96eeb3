"""The outbox and its sender, against a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from mentormatch.extensions import db
from mentormatch.models import OutboxMessage
from mentormatch.models.user import utcnow
from mentormatch.services import mail
from tests.smtp_server import SMTPSink


@pytest.fixture
def smtp():
    with SMTPSink() as sink:
        yield sink


@pytest.fixture
def app_config(app_config, smtp):
    return {**app_config, **smtp.settings(), "MAIL_FROM": "MentorMatch <team@mentormatch.test>"}


def queue(app, count: int = 1, commit: bool = True) -> None:
    """Mail in the outbox for the sender (`mentormatch mail send`) to deliver."""
    with app.app_context():
        for number in range(1, count + 1):
            mail.enqueue(
                f"person{number}@example.org", f"Hello {number}", f"Body {number}", "test"
            )
        mail.leave_to_scheduled_sender()
        if commit:
            db.session.commit()


def outbox(app) -> list[dict]:
    with app.app_context():
        rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        return [
            {
                "to": row.to_address,
                "status": row.status,
                "attempts": row.attempts,
                "last_error": row.last_error,
                "sent_at": row.sent_at,
            }
            for row in rows
        ]


def deliver(app, after: timedelta = timedelta(0)) -> mail.DeliveryReport:
    with app.app_context():
        return mail.deliver_pending(now=utcnow() + after)


def test_queued_mail_is_saved_only_with_the_transaction_that_queued_it(app, smtp):
    with app.app_context():
        mail.enqueue("gone@example.org", "Never", "Rolled back", "test")
        db.session.rollback()
    queue(app)
    assert [row["to"] for row in outbox(app)] == ["person1@example.org"]
    assert deliver(app).sent == 1
    assert [m.envelope_to for m in smtp.received] == [["person1@example.org"]]


def test_the_sender_delivers_through_smtp_and_marks_the_mail_sent(app, smtp):
    queue(app, 2)
    report = deliver(app)
    assert (report.sent, report.retrying, report.failed) == (2, 0, 0)
    first = smtp.received[0]
    assert first.envelope_from == "team@mentormatch.test"
    assert first.message["From"] == "MentorMatch <team@mentormatch.test>"
    assert first.message["To"] == "person1@example.org"
    assert first.subject == "Hello 1"
    assert first.body.strip() == "Body 1"
    assert [row["status"] for row in outbox(app)] == ["sent", "sent"]
    assert all(row["sent_at"] is not None for row in outbox(app))
    assert deliver(app).sent == 0  # nothing is sent twice
    assert len(smtp.received) == 2


def test_a_temporary_refusal_is_retried_after_a_delay(app, smtp):
    queue(app)
    smtp.data_reply = "451 4.3.0 Mailbox temporarily unavailable"
    assert deliver(app).retrying == 1
    [row] = outbox(app)
    assert (row["status"], row["attempts"]) == ("pending", 1)
    assert "451" in row["last_error"]

    smtp.data_reply = None
    assert deliver(app).sent == 0  # the first retry waits a minute
    assert deliver(app, after=timedelta(minutes=2)).sent == 1
    assert len(smtp.received) == 1
    [row] = outbox(app)
    assert (row["status"], row["attempts"]) == ("sent", 2)


def test_an_unreachable_server_is_retried_then_the_mail_fails(app_config, smtp):
    from mentormatch.app import create_app

    app = create_app({**app_config, "MAIL_MAX_ATTEMPTS": 3, "MAIL_RETRY_DELAYS": [60, 300]})
    queue(app)
    smtp.stop()
    outcomes = [deliver(app, after=timedelta(hours=hours)) for hours in (0, 1, 2, 3)]
    assert [(r.retrying, r.failed) for r in outcomes] == [(1, 0), (1, 0), (0, 1), (0, 0)]
    [row] = outbox(app)
    assert (row["status"], row["attempts"]) == ("failed", 3)
    assert "refused" in row["last_error"].lower()


def test_backoff_grows_between_attempts(app, smtp):
    queue(app)
    smtp.rcpt_reply = "450 4.2.1 Try later"
    deliver(app)  # attempt 1 fails: next in 1 minute
    assert deliver(app, after=timedelta(seconds=61)).retrying == 1  # attempt 2: next in 5
    assert deliver(app, after=timedelta(minutes=4)).retrying == 0
    assert deliver(app, after=timedelta(minutes=7)).retrying == 1
    assert outbox(app)[0]["attempts"] == 3


def test_an_unknown_recipient_fails_at_once(app, smtp):
    queue(app)
    smtp.rcpt_reply = "550 5.1.1 No such user here"
    assert deliver(app).failed == 1
    [row] = outbox(app)
    assert (row["status"], row["attempts"]) == ("failed", 1)
    assert "No such user" in row["last_error"]


def test_two_senders_never_send_the_same_mail(app, smtp):
    """A second sender that read the same due list tries each mail while the first is sending
    it: the first one's claim stops it."""
    queue(app, 3)
    with app.app_context():
        due = mail.due_messages()
    rival_outcomes = []

    class RacingBackend:
        def __init__(self, inner):
            self.inner = inner

        def send(self, message):
            with app.app_context(), mail.open_backend() as rival_backend:
                rival_outcomes.extend(
                    mail.deliver_message(message_id, attempts, rival_backend)
                    for message_id, attempts in due
                )
            self.inner.send(message)

    with app.app_context(), mail.open_backend() as backend:
        racing = RacingBackend(backend)
        outcomes = [mail.deliver_message(i, attempts, racing) for i, attempts in due]
    # While sending mail 1, the first sender holds it: the rival gets 2 and 3 instead.
    assert outcomes == ["sent", None, None]
    assert rival_outcomes == [None, "sent", "sent"]
    assert sorted(m.message["To"] for m in smtp.received) == [
        "person1@example.org",
        "person2@example.org",
        "person3@example.org",
    ]


def test_the_log_backend_writes_the_mail_to_the_log(app_config, caplog):
    from mentormatch.app import create_app

    app = create_app({**app_config, "MAIL_BACKEND": "log"})
    queue(app)
    with caplog.at_level(logging.INFO):
        assert deliver(app).sent == 1
    assert "To: person1@example.org" in caplog.text
    assert "Subject: Hello 1" in caplog.text
    assert "Body 1" in caplog.text
    assert outbox(app)[0]["status"] == "sent"


def test_the_commit_sends_what_the_action_queued(app, smtp):
    with app.app_context():
        mail.enqueue("now@example.org", "Right away", "Inline", "test")
        db.session.commit()
    assert outbox(app)[0]["status"] == "sent"
    assert [m.message["To"] for m in smtp.received] == ["now@example.org"]


def test_mail_left_to_the_scheduled_sender_goes_out_with_the_cron_command(app, smtp):
    with app.app_context():
        mail.enqueue("later@example.org", "By cron", "Later", "test")
        mail.leave_to_scheduled_sender()
        db.session.commit()
        assert outbox(app)[0]["status"] == "pending"
    assert smtp.received == []
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert "sent 1, will retry 0, failed 0" in result.output
    assert [m.message["To"] for m in smtp.received] == ["later@example.org"]


def test_delivery_after_the_commit_never_fails_the_action(app, smtp):
    smtp.stop()
    with app.app_context():
        mail.enqueue("later@example.org", "Server down", "Later", "test")
        db.session.commit()  # the mail server refuses the connection: no error here
    [row] = outbox(app)
    assert (row["status"], row["attempts"]) == ("pending", 1)
    assert "refused" in row["last_error"].lower()  # to be retried by the sender


def test_mail_of_a_savepoint_waits_for_the_whole_transaction(app, smtp):
    with app.app_context():
        mail.enqueue("kept@example.org", "Kept", "Before the savepoints", "test")
        released = db.session.begin_nested()
        mail.enqueue("released@example.org", "Released", "In a released savepoint", "test")
        released.commit()
        assert smtp.received == []  # a savepoint is not the end of the transaction
        undone = db.session.begin_nested()
        mail.enqueue("undone@example.org", "Undone", "In a rolled-back savepoint", "test")
        undone.rollback()
        db.session.commit()
    assert sorted(m.message["To"] for m in smtp.received) == [
        "kept@example.org",
        "released@example.org",
    ]


def test_the_cron_command_reports_retries(app, smtp, runner):
    queue(app, 2)
    smtp.data_reply = "451 4.3.0 Busy"
    result = runner.invoke(args=["mail", "send", "--limit", "1"])
    assert result.exit_code == 0, result.output
    assert "sent 0, will retry 1, failed 0" in result.output
    assert [row["attempts"] for row in outbox(app)] == [1, 0]


def test_a_sender_killed_mid_send_leaves_the_mail_to_the_next_run(app, smtp):
    queue(app)

    class DyingBackend:
        def send(self, message):
            raise KeyboardInterrupt  # the process is stopped between claim and outcome

    with app.app_context(), pytest.raises(KeyboardInterrupt):
        [(message_id, attempts)] = mail.due_messages()
        mail.deliver_message(message_id, attempts, DyingBackend())
    assert deliver(app).sent == 0  # still held by the dead sender's claim
    assert deliver(app, after=timedelta(minutes=11)).sent == 1
    assert len(smtp.received) == 1
