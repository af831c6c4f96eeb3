"""Forms of the meeting pages. The fields only carry text: the meeting rules (a time in the
future that exists in its zone, 15 to 240 minutes, a known zone...) are the service's, and its
messages land on these fields."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, TextAreaField

from mentormatch.services.meetings import CHANNEL_LABELS
from mentormatch.services.meetings.scheduling import AGENDA_MAX, LOCATION_MAX, LOG_TEXT_MAX
from mentormatch.web.forms import TimeZoneField

DURATION_HINT = "In minutes, from 15 to 240."
ZONE_HINT = "The zone of the date and time above; each of you sees the time in their own zone."


class _MeetingTimeForm(FlaskForm):
    date = StringField("Day", render_kw={"type": "date", "autocomplete": "off"})
    time = StringField("Starts at", render_kw={"type": "time", "autocomplete": "off"})
    time_zone = TimeZoneField("Time zone", blank="Choose…", check=False, description=ZONE_HINT)
    duration_minutes = StringField(
        "Length in minutes",
        default="60",
        description=DURATION_HINT,
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )

    def raw(self) -> dict[str, Any]:
        return {name: field.data for name, field in self._fields.items()}


class ProposeForm(_MeetingTimeForm):
    channel = RadioField(
        "How",
        choices=[(channel.value, text) for channel, text in CHANNEL_LABELS.items()],
        default="video",
        validate_choice=False,
    )
    location = StringField(
        "Link, phone number or place (optional)",
        description=f"Up to {LOCATION_MAX} characters; it goes into the calendar invitation.",
    )
    agenda = TextAreaField(
        "Agenda", description=f"What would you like to talk about? Up to {AGENDA_MAX} characters."
    )


class MoveForm(_MeetingTimeForm):
    """Propose another time for a meeting (``sequence``: the version the person saw)."""

    sequence = HiddenField()


class AnswerForm(FlaskForm):
    """Accept or cancel, for the version of the meeting the person saw."""

    sequence = HiddenField()


class LogForm(FlaskForm):
    notes = TextAreaField(
        "Notes", description="What you talked about. Only the two of you can read this."
    )
    next_steps = TextAreaField("Next steps", description="Who does what before you next meet.")
    goals_touched = TextAreaField(
        "Goals touched (optional)",
        description=f"The goals of your plan this meeting worked on, in your words (each field "
        f"up to {LOG_TEXT_MAX} characters).",
    )

    def raw(self) -> dict[str, Any]:
        return {name: field.data for name, field in self._fields.items()}


def seen_sequence(form: FlaskForm) -> int | None:
    text = (form.sequence.data or "").strip()
    return int(text) if text.isdecimal() and len(text) < 9 else None
