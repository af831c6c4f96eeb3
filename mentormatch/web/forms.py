"""Form helpers shared by every blueprint."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import SelectField
from wtforms import ValidationError as FieldError

from mentormatch.services import time_zones
from mentormatch.services.errors import ValidationError

TIME_ZONE_HINT = "Dates and times on MentorMatch, and in its emails, are shown in this zone."


class EmptyForm(FlaskForm):
    """A form with no fields: a button that POSTs still carries the CSRF token."""


OPTION = Markup('<option value="{}">{}</option>')
SELECTED_OPTION = Markup('<option selected value="{}">{}</option>')


def _long_select(field: SelectField, **kwargs: Any) -> Markup:
    """A select of some 600 options, written directly: WTForms' own widget builds each option's
    attributes one by one, which took most of a profile page's time (the time-zone list).
    Attributes as WTForms writes them (``class_`` is class, ``data_x`` is data-x); every value
    is escaped by ``Markup.format``."""
    kwargs.setdefault("id", field.id)
    if "required" not in kwargs and "required" in getattr(field, "flags", []):
        kwargs["required"] = True
    attributes = Markup("").join(
        Markup(" {}").format(name) if value is True else Markup(' {}="{}"').format(name, value)
        for name, value in sorted(
            (key.rstrip("_").replace("_", "-"), value) for key, value in kwargs.items()
        )
        if value is not False and value is not None
    )
    chosen = "" if field.data is None else str(field.data)
    options = Markup("").join(
        (SELECTED_OPTION if value == chosen else OPTION).format(value, label)
        for value, label in field.choices
    )
    return Markup('<select name="{}"{}>{}</select>').format(field.name, attributes, options)


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
        kwargs.setdefault("widget", _long_select)
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
