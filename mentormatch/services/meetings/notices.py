"""The mails of a meeting: both people hear of every change, each with the meeting's .ics
attached (REQUEST for a new, moved or accepted meeting, CANCEL for a cancelled one), and
each reads the time in their own time zone."""

from __future__ import annotations

from datetime import datetime, timedelta

from mentormatch.models import Meeting, MeetingStatus, User
from mentormatch.models.times import as_utc
from mentormatch.services import mail, mail_messages, time_zones
from mentormatch.services.meetings import calendar

PROPOSED = "proposed"
MOVED = "moved"
ACCEPTED = "accepted"
CANCELLED = "cancelled"
REMINDER = "reminder"
ENDED = "ended"  # cancelled because the mentorship ended
_TEMPLATES = {
    ENDED: "meeting_cancelled",
    PROPOSED: "meeting_proposed",
    MOVED: "meeting_moved",
    ACCEPTED: "meeting_accepted",
    CANCELLED: "meeting_cancelled",
    REMINDER: "meeting_reminder",
}


def link(meeting: Meeting) -> str:
    return mail.absolute_url(
        "meetings.show", mentorship_id=meeting.mentorship_id, meeting_id=meeting.id
    )


def invitation_for(meeting: Meeting, now: datetime) -> calendar.Invitation:
    method = calendar.CANCEL if meeting.status == MeetingStatus.CANCELLED else calendar.REQUEST
    return calendar.build(meeting, method, link(meeting), now)


def times_for(meeting: Meeting, person: User) -> dict[str, str]:
    """The meeting's start and end as ``person`` reads them, and in the zone it was proposed
    in when that differs."""
    zone = time_zones.zone_name_of(person)
    starts = as_utc(meeting.starts_at)
    ends = starts + timedelta(minutes=meeting.duration_minutes)
    words = {
        "when": time_zones.format_local(starts, zone),
        "until": time_zones.format_local(ends, zone, "time_zone"),
        "zone": zone,
        "zone_set": bool(person.time_zone),
        "when_proposed": "",
    }
    if meeting.time_zone != zone:
        words["when_proposed"] = (
            f"{time_zones.format_local(starts, meeting.time_zone)} in {meeting.time_zone}"
        )
    return words


def tell_both(
    meeting: Meeting,
    event: str,
    actor: User | None,
    now: datetime,
    recipients: tuple[User, ...] | None = None,
) -> None:
    """Queue the mail of ``event`` to the mentee and the mentor (or only ``recipients``),
    inside the caller's transaction, with the invitation attached except for a reminder."""
    mentorship = meeting.mentorship
    attachment = None
    if event != REMINDER:
        invite = invitation_for(meeting, now)
        attachment = mail.Attachment(invite.filename, invite.content_type, invite.text)
    for person, other in (
        (mentorship.mentee, mentorship.mentor),
        (mentorship.mentor, mentorship.mentee),
    ):
        if recipients is not None and person.id not in {r.id for r in recipients}:
            continue
        mail_messages.queue(
            person.email,
            _TEMPLATES[event],
            f"meeting-{event}",
            attachment=attachment,
            person=person,
            other=other,
            actor=actor,
            by_me=actor is not None and actor.id == person.id,
            mentorship_ended=event == ENDED,
            meeting=meeting,
            channel=calendar.CHANNEL_WORDS.get(meeting.channel, meeting.channel),
            link=link(meeting),
            profile_link=mail.absolute_url("mentee.profile" if person.id == mentorship.mentee_id
                                           else "mentor.profile"),
            **times_for(meeting, person),
        )  # fmt: skip
