"""Forms of the 'Your data' page."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, Length


class DeleteAccountForm(FlaskForm):
    # A password field so the typed password is not shown; the email address works too.
    confirmation = PasswordField(
        "Your password or email address",
        validators=[DataRequired("Type your password or your email address."), Length(max=254)],
    )
