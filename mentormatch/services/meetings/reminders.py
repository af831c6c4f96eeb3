"""The day-before reminder of an accepted meeting, for both people: `mentormatch meetings
remind` from cron, at any frequency.

Idempotent: a meeting is claimed with a conditional UPDATE (still accepted, still at the time
that was read, not reminded yet) before its mails are queued in the same transaction, so two
runs at once remind once. A move clears the claim (``scheduling.move``): the new time is
reminded again once it is accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from mentormatch.extensions import db
from mentormatch.models import Meeting, MeetingStatus, Mentorship, MentorshipStatus
from mentormatch.models.times import utcnow
from mentormatch.services.meetings import notices


@dataclass(frozen=True)
class ReminderReport:
    reminded: int  # meetings whose two people were mailed now
    already_done: int = 0  # claimed by another run at the same moment


def remind_due(now: datetime | None = None) -> ReminderReport:
    """Remind both people of every accepted meeting that starts within
    MEETING_REMIND_HOURS_BEFORE hours and was not reminded yet."""
    now = now or utcnow()
    window = timedelta(hours=int(current_app.config["MEETING_REMIND_HOURS_BEFORE"]))
    due = list(
        db.session.scalars(
            select(Meeting)
            .join(Mentorship, Mentorship.id == Meeting.mentorship_id)
            .where(
                Meeting.status == MeetingStatus.ACCEPTED,
                Meeting.reminded_at.is_(None),
                Meeting.starts_at > now,
                Meeting.starts_at <= now + window,
                Mentorship.status == MentorshipStatus.ACCEPTED,
            )
            .options(
                selectinload(Meeting.mentorship).selectinload(Mentorship.mentee),
                selectinload(Meeting.mentorship).selectinload(Mentorship.mentor),
            )
            .order_by(Meeting.starts_at, Meeting.id)
        )
    )
    reminded = 0
    for meeting in due:
        claimed = db.session.execute(
            update(Meeting)
            .where(
                Meeting.id == meeting.id,
                Meeting.status == MeetingStatus.ACCEPTED,
                Meeting.sequence == meeting.sequence,
                Meeting.reminded_at.is_(None),
            )
            .values(reminded_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            db.session.rollback()
            continue
        notices.tell_both(meeting, notices.REMINDER, None, now)
        db.session.commit()  # one meeting at a time: a failure later keeps these done
        reminded += 1
    return ReminderReport(reminded=reminded, already_done=len(due) - reminded)
