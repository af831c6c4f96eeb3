"""Meeting invitations through a real SMTP server: each mail carries the .ics as a
text/calendar attachment that parses back with icalendar, with the right UTC start, and keeps
its UID across a move, an acceptance and a cancellation while SEQUENCE rises."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mentormatch.services import meetings
from tests.meeting_helpers import accepted_pair, event_of
from tests.smtp_server import SMTPSink

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def smtp():
    with SMTPSink() as sink:
        yield sink


@pytest.fixture
def app_config(app_config, smtp):
    # TASK_EXECUTOR is "inline" in tests: mail goes out right after each commit
    return {**app_config, **smtp.settings(), "MAIL_FROM": "MentorMatch <team@mentormatch.test>"}


def invitations(smtp, start: int = 0) -> list[tuple[str, str, object, str]]:
    """(recipient, METHOD, VEVENT, Content-Type) of each meeting mail received since
    ``start``."""
    found = []
    for received in smtp.received[start:]:
        attached = received.attachments()
        assert len(attached) == 1, received.subject
        part = attached[0]
        assert part.get_content_type() == "text/calendar"
        assert part.get_filename() == "meeting.ics"
        method, event = event_of(part.get_content())
        assert part.get_param("method") == method
        found.append((received.envelope_to[0], method, event, part["Content-Type"]))
    return found


def test_the_invitation_survives_smtp_and_keeps_its_uid_across_the_move(app, smtp):
    pair = accepted_pair(app)
    smtp.received.clear()  # the acceptance mails
    people = sorted([pair.mentee.email, pair.mentor.email])
    with app.app_context():
        meeting = meetings.propose(
            pair.mentorship_id, pair.mentee.id,
            {"date": "2027-01-15", "time": "09:30", "time_zone": "America/New_York",
             "duration_minutes": "60", "channel": "phone", "agenda": "Step 2 CK plan"},
            now=NOW,
        )  # fmt: skip
        meeting_id, uid = meeting.id, meeting.uid
    proposed = invitations(smtp)
    assert sorted(to for to, *_ in proposed) == people
    for _, method, event, _ in proposed:
        assert method == "REQUEST" and str(event["UID"]) == uid and int(event["SEQUENCE"]) == 0
        assert event.decoded("DTSTART") == datetime(2027, 1, 15, 14, 30, tzinfo=UTC)
        assert event.decoded("DTSTART").utcoffset().total_seconds() == 0
        assert "Step 2 CK plan" in str(event["DESCRIPTION"])
    # the plain-text body names the meeting page first
    assert smtp.received[0].link_path(app.config["BASE_URL"]) == (
        f"/mentorships/{pair.mentorship_id}/meetings/{meeting_id}"
    )

    seen = len(smtp.received)
    with app.app_context():
        # the mentor proposes another time: Monday 08:00 in Chicago (after the US DST end)
        meetings.move(
            pair.mentorship_id, meeting_id, pair.mentor.id,
            {"date": "2027-01-18", "time": "08:00", "time_zone": "America/Chicago",
             "duration_minutes": "30"},
            seen_sequence=0, now=NOW,
        )  # fmt: skip
    moved = invitations(smtp, seen)
    assert sorted(to for to, *_ in moved) == people
    for _, method, event, _ in moved:
        assert method == "REQUEST" and str(event["UID"]) == uid and int(event["SEQUENCE"]) == 1
        assert event.decoded("DTSTART") == datetime(2027, 1, 18, 14, 0, tzinfo=UTC)
        assert event.decoded("DTEND") == datetime(2027, 1, 18, 14, 30, tzinfo=UTC)
        assert str(event["STATUS"]) == "TENTATIVE"

    seen = len(smtp.received)
    with app.app_context():
        meetings.accept(pair.mentorship_id, meeting_id, pair.mentee.id, 1, now=NOW)
    accepted = invitations(smtp, seen)
    assert {str(event["UID"]) for _, _, event, _ in accepted} == {uid}
    assert {str(event["STATUS"]) for _, _, event, _ in accepted} == {"CONFIRMED"}

    seen = len(smtp.received)
    with app.app_context():
        meetings.cancel(pair.mentorship_id, meeting_id, pair.mentor.id, 1, now=NOW)
    cancelled = invitations(smtp, seen)
    assert sorted(to for to, *_ in cancelled) == people
    for _, method, event, content_type in cancelled:
        assert method == "CANCEL" and "text/calendar" in content_type
        assert str(event["UID"]) == uid and int(event["SEQUENCE"]) == 2
