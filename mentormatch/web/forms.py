"""Form helpers shared by every blueprint."""

from __future__ import annotations

from flask_wtf import FlaskForm

from mentormatch.services.errors import ValidationError


class EmptyForm(FlaskForm):
    """A form with no fields: a button that POSTs still carries the CSRF token."""


def apply_errors(form: FlaskForm, error: ValidationError) -> None:
    """Show a service's (field, message) pairs on the form; unknown fields go to the top."""
    for field_name, message in error.errors:
        field = getattr(form, field_name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)
