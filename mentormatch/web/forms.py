"""Form helpers shared by every blueprint."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms import ValidationError as FieldError

from mentormatch.services import time_zones
from mentormatch.services.errors import ValidationError

TIME_ZONE_HINT = "Dates and times on MentorMatch, and in its emails, are shown in this zone."


class EmptyForm(FlaskForm):
    """A form with no fields: a button that POSTs still carries the CSRF token."""


class TimeZoneField(SelectField):
    """An IANA time zone from a list of every zone with its offset today. With ``check``
    the field refuses an unknown one itself; without, the service's rules say what is wrong.
    """

    def __init__(
        self,
        label: str = "Time zone",
        blank: str | None = "Not set: show times in UTC",
        check: bool = True,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("default", "")
        kwargs.setdefault("description", TIME_ZONE_HINT)
        kwargs.setdefault("render_kw", {"autocomplete": "off", "data-time-zone": ""})
        super().__init__(label, choices=time_zones.choices(blank), validate_choice=False, **kwargs)
        self.check = check

    def pre_validate(self, form: Any) -> None:
        if self.check:
            message = time_zones.problem(self.data, required=False)
            if message:
                raise FieldError(message)


def apply_errors(form: FlaskForm, error: ValidationError) -> None:
    """Show a service's (field, message) pairs on the form; unknown fields go to the top."""
    for field_name, message in error.errors:
        field = getattr(form, field_name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)
