"""iCalendar invitations for meetings (RFC 5545 objects, RFC 5546 methods), built with the
``icalendar`` package.

A meeting is one VEVENT for its whole life: the same UID, and a SEQUENCE that rises with every
move and with the cancellation, so a calendar updates or removes the entry it already holds.
``METHOD:REQUEST`` carries a new or moved meeting (STATUS TENTATIVE until the other side
accepts, then CONFIRMED); ``METHOD:CANCEL`` a cancelled one. Times are written in UTC
(``DTSTART:20270115T143000Z``), which every calendar reads without a VTIMEZONE.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from icalendar import Calendar, Event, vCalAddress, vText

from mentormatch.models import Meeting, MeetingStatus, User
from mentormatch.models.times import as_utc, utcnow

PRODID = "-//MentorMatch//Meetings//EN"
REQUEST = "REQUEST"
CANCEL = "CANCEL"
FILENAME = "meeting.ics"
CHANNEL_WORDS = {"video": "Video call", "phone": "Phone call", "in-person": "In person"}


@dataclass(frozen=True)
class Invitation:
    """An .ics file ready to attach: its name, Content-Type and text."""

    filename: str
    content_type: str
    text: str


def _address(person: User, role: str | None = None, partstat: str | None = None) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    address.params["CN"] = vText(person.full_name)
    if role:
        address.params["ROLE"] = vText(role)
        address.params["PARTSTAT"] = vText(partstat or "NEEDS-ACTION")
        address.params["RSVP"] = vText("FALSE")
    return address


def _partstat(meeting: Meeting, person: User) -> str:
    if meeting.status == MeetingStatus.CANCELLED:
        return "DECLINED"
    if meeting.status in (MeetingStatus.ACCEPTED, MeetingStatus.HELD):
        return "ACCEPTED"
    return "ACCEPTED" if person.id == meeting.proposed_by_id else "NEEDS-ACTION"


def summary(meeting: Meeting) -> str:
    mentorship = meeting.mentorship
    return f"Mentorship meeting: {mentorship.mentee.full_name} and {mentorship.mentor.full_name}"


def description(meeting: Meeting, link: str) -> str:
    lines = [f"Agenda:\n{meeting.agenda.strip()}", ""]
    lines.append(f"How: {CHANNEL_WORDS.get(meeting.channel, meeting.channel)}")
    if meeting.location:
        lines.append(f"Where: {meeting.location}")
    lines.append(f"Proposed in the time zone {meeting.time_zone}.")
    lines += ["", f"The meeting on MentorMatch (accept, move or cancel it): {link}"]
    return "\n".join(lines)


def build(meeting: Meeting, method: str, link: str, now: datetime | None = None) -> Invitation:
    """The meeting as an iCalendar object with ``method`` (REQUEST or CANCEL)."""
    if method not in (REQUEST, CANCEL):
        raise ValueError(f"method must be {REQUEST} or {CANCEL}, not {method!r}")
    mentorship = meeting.mentorship
    people = (mentorship.mentee, mentorship.mentor)
    organizer = meeting.organizer or meeting.proposed_by or mentorship.mentor
    starts = as_utc(meeting.starts_at)

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)

    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", as_utc(now or utcnow()))
    event.add("dtstart", starts)
    event.add("dtend", starts + timedelta(minutes=meeting.duration_minutes))
    event.add("summary", summary(meeting))
    event.add("description", description(meeting, link))
    if meeting.location:
        event.add("location", meeting.location)
    event.add("url", link)
    if method == CANCEL:
        status = "CANCELLED"
    elif meeting.status == MeetingStatus.PROPOSED:
        status = "TENTATIVE"
    else:
        status = "CONFIRMED"
    event.add("status", status)
    event.add("organizer", _address(organizer))
    for person in people:
        event.add(
            "attendee", _address(person, "REQ-PARTICIPANT", _partstat(meeting, person)),
            encode=False,
        )  # fmt: skip
    calendar.add_component(event)
    return Invitation(
        filename=FILENAME,
        content_type=f"text/calendar; method={method}",
        text=calendar.to_ical().decode("utf-8"),
    )
