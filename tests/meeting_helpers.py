"""An accepted mentorship to hold meetings in, and what its mails carry: shared by the
meeting service, web, SMTP and browser tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar
from sqlalchemy import func, select, text

from mentormatch.extensions import db
from mentormatch.models import Meeting, OutboxMessage
from mentormatch.services import proposals
from tests.proposal_helpers import Person, person, proposal_id, publish, run_round


@dataclass(frozen=True)
class Pair:
    mentorship_id: int
    mentee: Person
    mentor: Person


def accepted_pair(app, mentee_name: str = "Ana Sharma", mentor_name: str = "Irene Mehta") -> Pair:
    """A mentee and a mentor matched by a published round, the mentor having accepted."""
    mentee = person(app, "mentee", mentee_name)
    mentor = person(app, "mentor", mentor_name)
    publish(app, run_round(app, f"Round of {mentee_name}"))
    mentorship_id = proposal_id(app, mentee, mentor)
    with app.app_context():
        proposals.accept(mentorship_id, mentor.id)
    return Pair(mentorship_id, mentee, mentor)


def set_time_zone(app, who: Person, zone: str | None) -> None:
    with app.app_context():
        db.session.execute(
            text("UPDATE users SET time_zone = :z WHERE id = :id"), {"z": zone, "id": who.id}
        )
        db.session.commit()


def a_day_ahead(days: int = 30) -> date:
    """A day safely in the future (the web tests cannot choose 'now')."""
    return (datetime.now(UTC) + timedelta(days=days)).date()


def meeting_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Meeting))


def outbox_rows(app, kind_prefix: str = "meeting-") -> list[dict]:
    with app.app_context():
        rows = db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind.startswith(kind_prefix))
            .order_by(OutboxMessage.id)
        )
        return [
            {
                "to": row.to_address,
                "kind": row.kind,
                "subject": row.subject,
                "body": row.body_text,
                "filename": row.attachment_filename,
                "type": row.attachment_type,
                "ics": row.attachment_content,
            }
            for row in rows
        ]


def event_of(ics: str | bytes):
    """(METHOD, the VEVENT) of an iCalendar text."""
    calendar = Calendar.from_ical(ics)
    events = calendar.walk("VEVENT")
    assert len(events) == 1, events
    return str(calendar["METHOD"]), events[0]
