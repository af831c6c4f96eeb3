"""Meetings of a mentorship: scheduling (propose, move, accept, cancel, log, and what the
mentorship page shows), their iCalendar invitations (``calendar``), the mails (``notices``)
and the day-before reminders (``reminders``)."""

from mentormatch.services.meetings.reminders import ReminderReport, remind_due
from mentormatch.services.meetings.scheduling import (
    CHANNEL_LABELS,
    MeetingDetails,
    MeetingError,
    MeetingLog,
    MeetingTime,
    accept,
    cancel,
    for_mentorship,
    get,
    has_started,
    invitation,
    local_to_utc,
    log,
    mentorship_for,
    move,
    next_meeting,
    parse_details,
    parse_log,
    parse_time,
    propose,
    waiting_for,
)

__all__ = [
    "CHANNEL_LABELS",
    "MeetingDetails",
    "MeetingError",
    "MeetingLog",
    "MeetingTime",
    "ReminderReport",
    "accept",
    "cancel",
    "for_mentorship",
    "get",
    "has_started",
    "invitation",
    "local_to_utc",
    "log",
    "mentorship_for",
    "move",
    "next_meeting",
    "parse_details",
    "parse_log",
    "parse_time",
    "propose",
    "remind_due",
    "waiting_for",
]
