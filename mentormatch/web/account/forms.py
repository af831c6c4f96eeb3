"""Forms of the 'Your data' page."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, Length

from mentormatch.web.forms import TimeZoneField


class DeleteAccountForm(FlaskForm):
    # The password, not the email address: anyone at a signed-in browser can read that.
    confirmation = PasswordField(
        "Your password",
        validators=[DataRequired("Type your password to confirm the deletion."), Length(max=128)],
    )


class TimeZoneForm(FlaskForm):
    time_zone = TimeZoneField("Your time zone")
