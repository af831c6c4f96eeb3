"""Messages: one thread per mentorship, batched mail notifications (at most one per person per
MESSAGE_DIGEST_MINUTES, never with the text), read state, and "report a problem" with the
messages the reporter chose; bad input refused with nothing saved."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from mentormatch.extensions import db
from mentormatch.models import Message, OutboxMessage
from mentormatch.models.times import utcnow
from mentormatch.services import privacy
from mentormatch.services.errors import NotFound, ValidationError
from mentormatch.services.mentorships import messages
from tests.workspace_helpers import accepted_pair


def mails(kind: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
        )
    )


def message_count() -> int:
    return db.session.scalar(select(func.count(Message.id)))


def test_an_empty_or_oversized_message_is_refused_and_nothing_saved(app):
    pair = accepted_pair(app)
    with app.app_context():
        for body in ("", "   \n ", "x" * 100_000, "y" * 10_001):
            with pytest.raises(ValidationError) as refused:
                messages.send(pair.mentorship_id, pair.mentee.id, body)
            assert refused.value.errors[0][0] == "body"
        assert "at most 10,000 characters; this one has 100,000" in str(
            pytest.raises(
                ValidationError, messages.send, pair.mentorship_id, pair.mentee.id, "x" * 100_000
            ).value
        )
        assert message_count() == 0
        messages.send(pair.mentorship_id, pair.mentee.id, "z" * 10_000)  # the limit itself
        assert message_count() == 1


def test_only_the_two_people_write_in_the_thread(app):
    pair = accepted_pair(app)
    with app.app_context():
        for someone in (pair.outsider, pair.coordinator):
            with pytest.raises(NotFound):
                messages.send(pair.mentorship_id, someone.id, "Hello")
        assert message_count() == 0


def test_new_messages_are_mailed_in_one_digest_per_person_per_window(app):
    pair = accepted_pair(app)
    with app.app_context():
        start = utcnow()
        for text in ("Hello Irene", "My Step 2 CK is in June", "Can we meet next week?"):
            messages.send(pair.mentorship_id, pair.mentee.id, text)
        report = messages.send_digests(start + timedelta(minutes=1))
        assert report == messages.DigestReport(mails=1, waiting=0)
        [digest] = mails("message-digest")
        assert digest.to_address == pair.mentor.email
        assert "3 new messages from Ana Sharma" in digest.subject
        assert "Step 2 CK" not in digest.body_text  # the text never travels by mail
        assert f"/mentorships/{pair.mentorship_id}#messages" in digest.body_text
        # run again at once: nothing new to send; a new message waits for the window
        assert messages.send_digests(start + timedelta(minutes=2)).mails == 0
        messages.send(pair.mentorship_id, pair.mentee.id, "One more thing")
        assert messages.send_digests(start + timedelta(minutes=5)) == messages.DigestReport(0, 1)
        assert messages.send_digests(start + timedelta(minutes=17)).mails == 1
        assert len(mails("message-digest")) == 2
        # read before the digest: no mail at all
        messages.send(pair.mentorship_id, pair.mentee.id, "Read this now")
        assert messages.mark_read(pair.mentorship_id, pair.mentor.id) == 5  # all unread
        assert messages.send_digests(start + timedelta(hours=1)).mails == 0


def test_the_digest_window_is_a_setting(app):
    app.config["MESSAGE_DIGEST_MINUTES"] = 60
    pair = accepted_pair(app)
    with app.app_context():
        start = utcnow()
        messages.send(pair.mentorship_id, pair.mentor.id, "Welcome")
        assert messages.send_digests(start + timedelta(minutes=1)).mails == 1
        messages.send(pair.mentorship_id, pair.mentor.id, "Agenda attached")
        assert messages.send_digests(start + timedelta(minutes=30)).mails == 0
        assert messages.send_digests(start + timedelta(minutes=62)).mails == 1


def test_read_state_and_replying_marks_the_thread_read(app):
    pair = accepted_pair(app)
    with app.app_context():
        messages.send(pair.mentorship_id, pair.mentee.id, "One")
        messages.send(pair.mentorship_id, pair.mentee.id, "Two")
        assert messages.unread_count(pair.mentorship_id, pair.mentor.id) == 2
        assert messages.unread_count(pair.mentorship_id, pair.mentee.id) == 0
        messages.send(pair.mentorship_id, pair.mentor.id, "Reply")
        assert messages.unread_count(pair.mentorship_id, pair.mentor.id) == 0
        assert messages.unread_count(pair.mentorship_id, pair.mentee.id) == 1


def test_a_problem_report_carries_only_the_chosen_messages_to_the_coordinators(app):
    pair = accepted_pair(app)
    with app.app_context():
        chosen = messages.send(pair.mentorship_id, pair.mentee.id, "You never answer me").id
        messages.send(pair.mentorship_id, pair.mentee.id, "Private: my visa worries")
        with pytest.raises(ValidationError):  # nothing to say
            messages.report_problem(pair.mentorship_id, pair.mentee.id, [chosen], " ")
        other = accepted_pair_message(app)
        with pytest.raises(ValidationError):  # a message of another thread
            messages.report_problem(pair.mentorship_id, pair.mentee.id, [other], "Silence")
        assert mails("problem-report") == []
        assert (
            messages.report_problem(
                pair.mentorship_id, pair.mentee.id, [str(chosen)], "No answer for a month"
            )
            == 1
        )
        [report] = mails("problem-report")
        assert report.to_address == pair.coordinator.email
        assert "You never answer me" in report.body_text
        assert "No answer for a month" in report.body_text
        assert "visa worries" not in report.body_text


def accepted_pair_message(app) -> int:
    """A message in some other mentorship's thread."""
    message = Message(
        mentorship_id=db.session.scalar(select(func.max(Message.mentorship_id))),
        author_id=1,
        recipient_id=1,
        body="elsewhere",
    )
    db.session.add(message)
    db.session.commit()
    return message.id + 1000  # an id in no thread of this pair


def test_no_digest_to_a_deleted_account(app):
    pair = accepted_pair(app)
    with app.app_context():
        messages.send(pair.mentorship_id, pair.mentor.id, "Are you still there?")
        privacy.delete_account(pair.mentee.id, None)
        assert messages.send_digests(utcnow() + timedelta(minutes=1)).mails == 0
        assert mails("message-digest") == []
