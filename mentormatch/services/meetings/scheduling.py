"""Meetings of a mentorship: propose, propose another time (move), accept, cancel, log.

Only the mentee and the mentor of an accepted mentorship use these; anyone else is told the
mentorship does not exist (``NotFound``). Every change is a conditional UPDATE on the status
and SEQUENCE the person saw, so two tabs, or both people acting at once, have one effect, and
nobody accepts a time they have not seen. Each change mails both people the meeting's
iCalendar invitation (``notices``) in the same transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.orm import selectinload

from mentormatch.extensions import db
from mentormatch.models import (
    LIVE_MEETING_STATUSES,
    Meeting,
    MeetingChannel,
    MeetingStatus,
    Mentorship,
    MentorshipStatus,
    User,
)
from mentormatch.models.times import as_utc, utcnow
from mentormatch.services import time_zones
from mentormatch.services.errors import NotFound, ServiceError, ValidationError
from mentormatch.services.meetings import notices

AGENDA_MAX = 2000
LOCATION_MAX = 300
LOG_TEXT_MAX = 5000
CHANNEL_LABELS = {
    MeetingChannel.VIDEO: "Video call",
    MeetingChannel.PHONE: "Phone call",
    MeetingChannel.IN_PERSON: "In person",
}
# A mentorship whose pair may still read their meetings (an ended one: read only).
_READABLE = (MentorshipStatus.ACCEPTED, MentorshipStatus.ENDED)


class MeetingError(ServiceError):
    """The meeting cannot take this action now (already accepted, cancelled, moved...)."""


@dataclass(frozen=True)
class MeetingTime:
    starts_at: datetime  # aware, UTC
    duration_minutes: int
    time_zone: str  # the IANA zone the local date and time were given in


@dataclass(frozen=True)
class MeetingDetails:
    time: MeetingTime
    channel: str
    agenda: str
    location: str | None


@dataclass(frozen=True)
class MeetingLog:
    notes: str | None
    next_steps: str | None
    goals_touched: str | None


# --- validation ------------------------------------------------------------------------------


def _setting(name: str) -> int:
    return int(current_app.config[name])


def _text(raw: dict[str, Any], name: str) -> str:
    value = raw.get(name)
    return "" if value is None else str(value).strip()


def _parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _parse_clock(text: str) -> time | None:
    try:
        parsed = time.fromisoformat(text)
    except ValueError:
        return None
    return parsed.replace(second=0, microsecond=0, tzinfo=None)


def _spoken(day: date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"


def local_to_utc(day: date, clock: time, zone_name: str) -> datetime | None:
    """The UTC moment of a wall-clock time in a zone; None when that time does not exist
    there (the hour the clocks skip when they go forward). A time that happens twice (the
    hour repeated when they go back) is the first of the two."""
    zone = time_zones.zone(zone_name)
    wall = datetime.combine(day, clock)
    moment = wall.replace(tzinfo=zone, fold=0)
    back = moment.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if back != wall:
        return None
    return moment.astimezone(UTC)


def parse_time(raw: dict[str, Any], now: datetime | None = None) -> MeetingTime:
    """A meeting's time from ``date`` (YYYY-MM-DD), ``time`` (HH:MM), ``time_zone`` and
    ``duration_minutes``; every problem at once, each on its field."""
    errors: list[tuple[str, str]] = []
    meeting_time = _parse_time(raw, now, errors)
    if errors:
        raise ValidationError(errors)
    return meeting_time


def _parse_time(raw: dict[str, Any], now: datetime | None, errors: list) -> MeetingTime:
    now = now or utcnow()
    low, high = _setting("MEETING_MINUTES_MIN"), _setting("MEETING_MINUTES_MAX")
    start_errors = len(errors)
    zone_name = _text(raw, "time_zone")
    zone_problem = time_zones.problem(zone_name, required=True)
    if zone_problem:
        errors.append(("time_zone", zone_problem))
    day_text, clock_text = _text(raw, "date"), _text(raw, "time")
    day = _parse_date(day_text)
    if not day_text:
        errors.append(("date", "Choose the day of the meeting."))
    elif day is None:
        errors.append(("date", f"'{day_text[:20]}' is not a date; write it as YYYY-MM-DD."))
    clock = _parse_clock(clock_text)
    if not clock_text:
        errors.append(("time", "Choose the time the meeting starts."))
    elif clock is None:
        errors.append(("time", f"'{clock_text[:20]}' is not a time; write it as HH:MM."))
    duration_text = _text(raw, "duration_minutes")
    duration = int(duration_text) if duration_text.isdecimal() and len(duration_text) < 6 else None
    if duration is None or not low <= duration <= high:
        got = f" (got '{duration_text[:10]}')" if duration_text else ""
        errors.append(("duration_minutes", f"A meeting lasts {low} to {high} minutes{got}."))
    starts_at = None
    if day and clock and not zone_problem:
        starts_at = local_to_utc(day, clock, zone_name)
        if starts_at is None:
            errors.append(
                (
                    "time",
                    f"{clock.strftime('%H:%M')} does not exist on {_spoken(day)} in "
                    f"{zone_name}: the clocks go forward that night and skip it. Choose "
                    "another time.",
                )
            )
        elif starts_at <= now:
            errors.append(
                (
                    "date",
                    f"{_spoken(day)} at {clock.strftime('%H:%M')} ({zone_name}) has already "
                    "passed; choose a time in the future.",
                )
            )
        elif starts_at > now + timedelta(days=_setting("MEETING_MAX_DAYS_AHEAD")):
            errors.append(
                (
                    "date",
                    f"Propose a meeting within the next {_setting('MEETING_MAX_DAYS_AHEAD')} "
                    "days.",
                )
            )
    if len(errors) > start_errors:
        return None  # type: ignore[return-value] - the caller raises
    return MeetingTime(starts_at, duration, zone_name)  # type: ignore[arg-type]


def parse_details(raw: dict[str, Any], now: datetime | None = None) -> MeetingDetails:
    """A proposal: its time (``parse_time``), ``channel``, ``agenda`` and ``location``."""
    errors: list[tuple[str, str]] = []
    meeting_time = _parse_time(raw, now, errors)
    channel = _text(raw, "channel")
    if channel not in {c.value for c in MeetingChannel}:
        errors.append(
            ("channel", "Choose how you will meet: video call, phone call or in person.")
        )
    agenda = _text(raw, "agenda")
    if not agenda:
        errors.append(("agenda", "Write what you would like to talk about."))
    elif len(agenda) > AGENDA_MAX:
        errors.append(
            ("agenda", f"Keep the agenda under {AGENDA_MAX} characters ({len(agenda)} now).")
        )
    location = _text(raw, "location")
    if len(location) > LOCATION_MAX:
        errors.append(("location", f"Keep this under {LOCATION_MAX} characters."))
    if errors:
        raise ValidationError(errors)
    return MeetingDetails(meeting_time, channel, agenda, location or None)


def parse_log(raw: dict[str, Any]) -> MeetingLog:
    errors: list[tuple[str, str]] = []
    values = {}
    for name in ("notes", "next_steps", "goals_touched"):
        text = _text(raw, name)
        if len(text) > LOG_TEXT_MAX:
            errors.append((name, f"Keep this under {LOG_TEXT_MAX} characters ({len(text)} now)."))
        values[name] = text or None
    if not errors and not (values["notes"] or values["next_steps"]):
        errors.append(("notes", "Write what you talked about, or the next steps (or both)."))
    if errors:
        raise ValidationError(errors)
    return MeetingLog(**values)


# --- who may see and act ---------------------------------------------------------------------


def mentorship_for(user_id: int, mentorship_id: int) -> Mentorship:
    """The mentorship, if ``user_id`` is its mentee or mentor and it was accepted; else
    NotFound (coordinators included: the meetings are the pair's)."""
    mentorship = db.session.scalar(
        select(Mentorship)
        .where(Mentorship.id == mentorship_id)
        .options(selectinload(Mentorship.mentee), selectinload(Mentorship.mentor))
    )
    if (
        mentorship is None
        or user_id not in (mentorship.mentee_id, mentorship.mentor_id)
        or mentorship.status not in _READABLE
    ):
        raise NotFound(f"No mentorship {mentorship_id}.")
    return mentorship


def _active_mentorship_for(user_id: int, mentorship_id: int) -> Mentorship:
    mentorship = mentorship_for(user_id, mentorship_id)
    if mentorship.status != MentorshipStatus.ACCEPTED:
        raise MeetingError("This mentorship has ended: its meetings can no longer change.")
    return mentorship


def get(user_id: int, mentorship_id: int, meeting_id: int) -> Meeting:
    """A meeting of a mentorship the person belongs to (NotFound otherwise)."""
    mentorship_for(user_id, mentorship_id)
    meeting = db.session.scalar(
        select(Meeting)
        .where(Meeting.id == meeting_id, Meeting.mentorship_id == mentorship_id)
        .options(*_loads())
    )
    if meeting is None:
        raise NotFound(f"No meeting {meeting_id}.")
    return meeting


def _loads():
    return (
        selectinload(Meeting.mentorship).selectinload(Mentorship.mentee),
        selectinload(Meeting.mentorship).selectinload(Mentorship.mentor),
        selectinload(Meeting.proposed_by),
        selectinload(Meeting.organizer),
    )


def waiting_for(meeting: Meeting) -> int | None:
    """The id of the person who must accept the meeting's time (None: nobody)."""
    if meeting.status != MeetingStatus.PROPOSED:
        return None
    mentorship = meeting.mentorship
    if meeting.proposed_by_id == mentorship.mentee_id:
        return mentorship.mentor_id
    return mentorship.mentee_id


def has_started(meeting: Meeting, now: datetime | None = None) -> bool:
    return as_utc(meeting.starts_at) <= (now or utcnow())


# --- what the mentorship page shows ----------------------------------------------------------


def for_mentorship(mentorship_id: int) -> list[Meeting]:
    """Every meeting of a mentorship, soonest first (the caller checked who is asking)."""
    return list(
        db.session.scalars(
            select(Meeting)
            .where(Meeting.mentorship_id == mentorship_id)
            .options(*_loads())
            .order_by(Meeting.starts_at, Meeting.id)
        )
    )


def next_meeting(mentorship_id: int, now: datetime | None = None) -> Meeting | None:
    """The next meeting still ahead (proposed or accepted), or None (the caller checked who
    is asking)."""
    return db.session.scalar(
        select(Meeting)
        .where(
            Meeting.mentorship_id == mentorship_id,
            Meeting.status.in_(LIVE_MEETING_STATUSES),
            Meeting.starts_at > (now or utcnow()),
        )
        .options(*_loads())
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(1)
    )


def export_for(user_id: int) -> list[dict[str, Any]]:
    """The person's meetings for "Your data": every meeting of their mentorships, with the
    log (the pair's own), as JSON-ready values."""
    rows = db.session.scalars(
        select(Meeting)
        .join(Mentorship, Mentorship.id == Meeting.mentorship_id)
        .where(or_(Mentorship.mentee_id == user_id, Mentorship.mentor_id == user_id))
        .options(*_loads())
        .order_by(Meeting.starts_at, Meeting.id)
    )
    exported = []
    for meeting in rows:
        mentorship = meeting.mentorship
        other = mentorship.mentor if mentorship.mentee_id == user_id else mentorship.mentee
        exported.append(
            {
                "with": other.full_name,
                "starts_at": as_utc(meeting.starts_at).isoformat(),
                "duration_minutes": meeting.duration_minutes,
                "time_zone": meeting.time_zone,
                "channel": meeting.channel,
                "location": meeting.location,
                "agenda": meeting.agenda,
                "status": meeting.status,
                "proposed_by_you": meeting.proposed_by_id == user_id,
                "notes": meeting.notes,
                "next_steps": meeting.next_steps,
                "goals_touched": meeting.goals_touched,
                "logged_at": as_utc(meeting.logged_at).isoformat() if meeting.logged_at else None,
            }
        )
    return exported


# --- changes ---------------------------------------------------------------------------------


def _new_uid() -> str:
    host = urlsplit(str(current_app.config.get("BASE_URL") or "")).hostname or "mentormatch"
    return f"meeting-{uuid.uuid4()}@{host}"


def _actor(mentorship: Mentorship, user_id: int) -> User:
    return mentorship.mentee if user_id == mentorship.mentee_id else mentorship.mentor


def propose(
    mentorship_id: int, user_id: int, raw: dict[str, Any], now: datetime | None = None
) -> Meeting:
    """Either side proposes a meeting; the other accepts it or proposes another time."""
    now = now or utcnow()
    details = parse_details(raw, now)
    mentorship = _active_mentorship_for(user_id, mentorship_id)
    meeting = Meeting(
        mentorship=mentorship,
        organizer_id=user_id,
        proposed_by_id=user_id,
        starts_at=details.time.starts_at,
        duration_minutes=details.time.duration_minutes,
        time_zone=details.time.time_zone,
        channel=details.channel,
        agenda=details.agenda,
        location=details.location,
        status=MeetingStatus.PROPOSED,
        uid=_new_uid(),
        sequence=0,
        created_at=now,
        proposed_at=now,
    )
    db.session.add(meeting)
    db.session.flush()
    notices.tell_both(meeting, notices.PROPOSED, _actor(mentorship, user_id), now)
    db.session.commit()
    return meeting


def _changed(meeting_id: int, statuses, seen: int | None, **values) -> bool:
    """Apply ``values`` if the meeting is still in one of ``statuses`` and, unless ``seen``
    is None, still at the SEQUENCE the person saw."""
    conditions = [Meeting.id == meeting_id, Meeting.status.in_(statuses)]
    if seen is not None:
        conditions.append(Meeting.sequence == seen)
    result = db.session.execute(
        update(Meeting).where(*conditions).values(**values)
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    return result.rowcount == 1


def _refused_after_race(meeting: Meeting) -> MeetingError:
    db.session.rollback()
    return MeetingError(
        "This meeting changed a moment ago (the other person, or another tab): look at it "
        "again before you answer."
    )


def move(
    mentorship_id: int,
    meeting_id: int,
    user_id: int,
    raw: dict[str, Any],
    seen_sequence: int | None = None,
    now: datetime | None = None,
) -> Meeting:
    """Propose another time for the same meeting: it moves (SEQUENCE + 1) and waits for the
    other side to accept, whoever proposed the time before."""
    now = now or utcnow()
    meeting = get(user_id, mentorship_id, meeting_id)
    new_time = parse_time(raw, now)
    _active_mentorship_for(user_id, mentorship_id)
    if meeting.status not in LIVE_MEETING_STATUSES:
        raise MeetingError(f"This meeting was {meeting.status}: propose a new one instead.")
    if (
        as_utc(meeting.starts_at) == new_time.starts_at
        and meeting.duration_minutes == new_time.duration_minutes
    ):
        raise ValidationError.single("time", "That is the time the meeting already has.")
    if not _changed(
        meeting.id,
        LIVE_MEETING_STATUSES,
        meeting.sequence if seen_sequence is None else seen_sequence,
        starts_at=new_time.starts_at,
        duration_minutes=new_time.duration_minutes,
        time_zone=new_time.time_zone,
        status=MeetingStatus.PROPOSED,
        proposed_by_id=user_id,
        proposed_at=now,
        accepted_at=None,
        reminded_at=None,
        sequence=Meeting.sequence + 1,
    ):
        raise _refused_after_race(meeting)
    db.session.refresh(meeting)
    notices.tell_both(meeting, notices.MOVED, _actor(meeting.mentorship, user_id), now)
    db.session.commit()
    return meeting


def accept(
    mentorship_id: int,
    meeting_id: int,
    user_id: int,
    seen_sequence: int | None = None,
    now: datetime | None = None,
) -> Meeting:
    """The side that did not propose the time accepts it."""
    now = now or utcnow()
    meeting = get(user_id, mentorship_id, meeting_id)
    _active_mentorship_for(user_id, mentorship_id)
    if meeting.status != MeetingStatus.PROPOSED:
        raise MeetingError(f"This meeting is {meeting.status}: there is nothing to accept.")
    if waiting_for(meeting) != user_id:
        raise MeetingError(
            "You proposed this time: the other person accepts it, or proposes another."
        )
    if has_started(meeting, now):
        raise MeetingError("This time has passed: propose another time instead.")
    if not _changed(
        meeting.id,
        (MeetingStatus.PROPOSED,),
        meeting.sequence if seen_sequence is None else seen_sequence,
        status=MeetingStatus.ACCEPTED,
        accepted_at=now,
    ):
        raise _refused_after_race(meeting)
    db.session.refresh(meeting)
    notices.tell_both(meeting, notices.ACCEPTED, _actor(meeting.mentorship, user_id), now)
    db.session.commit()
    return meeting


def cancel(
    mentorship_id: int,
    meeting_id: int,
    user_id: int,
    seen_sequence: int | None = None,
    now: datetime | None = None,
) -> Meeting:
    """Either side cancels a proposed or accepted meeting; both calendars drop it (a CANCEL
    with the same UID and SEQUENCE + 1)."""
    now = now or utcnow()
    meeting = get(user_id, mentorship_id, meeting_id)
    if meeting.status not in LIVE_MEETING_STATUSES:
        raise MeetingError(f"This meeting was {meeting.status} already.")
    if not _changed(
        meeting.id,
        LIVE_MEETING_STATUSES,
        meeting.sequence if seen_sequence is None else seen_sequence,
        status=MeetingStatus.CANCELLED,
        cancelled_at=now,
        cancelled_by_id=user_id,
        sequence=Meeting.sequence + 1,
    ):
        raise _refused_after_race(meeting)
    db.session.refresh(meeting)
    notices.tell_both(meeting, notices.CANCELLED, _actor(meeting.mentorship, user_id), now)
    db.session.commit()
    return meeting


def cancel_upcoming(
    mentorship: Mentorship,
    actor: User | None,
    tell: tuple[User, ...] | None = None,
    now: datetime | None = None,
) -> int:
    """The mentorship is ending: cancel its meetings still ahead, inside the caller's
    transaction (the caller commits). Each is cancelled with SEQUENCE + 1 and ``tell`` (both
    people by default) get the CANCEL, so no calendar keeps a meeting that will not happen.
    Returns how many were cancelled."""
    now = now or utcnow()
    upcoming = db.session.scalars(
        select(Meeting)
        .where(
            Meeting.mentorship_id == mentorship.id,
            Meeting.status.in_(LIVE_MEETING_STATUSES),
            Meeting.starts_at > now,
        )
        .options(*_loads())
        .order_by(Meeting.starts_at, Meeting.id)
    )
    cancelled = 0
    for meeting in list(upcoming):
        if not _changed(
            meeting.id, LIVE_MEETING_STATUSES, meeting.sequence,
            status=MeetingStatus.CANCELLED, cancelled_at=now,
            cancelled_by_id=actor.id if actor is not None else None,
            sequence=Meeting.sequence + 1,
        ):  # fmt: skip
            continue  # cancelled or moved a moment ago by one of the two
        db.session.refresh(meeting)
        notices.tell_both(meeting, notices.ENDED, actor, now, recipients=tell)
        cancelled += 1
    return cancelled


def log(
    mentorship_id: int,
    meeting_id: int,
    user_id: int,
    raw: dict[str, Any],
    now: datetime | None = None,
) -> Meeting:
    """After an accepted meeting, either side writes (or corrects) its log: notes, next
    steps, goals touched. The meeting is then held. The log is the pair's own."""
    now = now or utcnow()
    meeting = get(user_id, mentorship_id, meeting_id)
    values = parse_log(raw)
    if meeting.status not in (MeetingStatus.ACCEPTED, MeetingStatus.HELD):
        raise MeetingError(
            f"Only a meeting you both accepted can be logged: this one is {meeting.status}."
        )
    if not has_started(meeting, now):
        raise MeetingError("Log the meeting once it has started.")
    if not _changed(
        meeting.id,
        (MeetingStatus.ACCEPTED, MeetingStatus.HELD),
        None,
        status=MeetingStatus.HELD,
        notes=values.notes,
        next_steps=values.next_steps,
        goals_touched=values.goals_touched,
        logged_at=now,
        logged_by_id=user_id,
    ):
        raise _refused_after_race(meeting)
    db.session.commit()
    db.session.refresh(meeting)
    return meeting


def invitation(user_id: int, mentorship_id: int, meeting_id: int):
    """The meeting's .ics as it stands (for 'add to calendar')."""
    meeting = get(user_id, mentorship_id, meeting_id)
    return notices.invitation_for(meeting, utcnow())
