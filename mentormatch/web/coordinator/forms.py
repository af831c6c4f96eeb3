"""Forms of the coordinator's directory, team and import pages (the round pages' forms are in
``round_forms.py``)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SearchField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Length

from mentormatch import codes
from mentormatch.countries import WORLD_REGION_LABELS, WORLD_REGIONS
from mentormatch.models import Role
from mentormatch.services.directory import MATCH_STATES

ANY = [("", "Any")]
YES_NO = [("", "Any"), ("yes", "Yes"), ("no", "No")]
KIND_CHOICES = [(Role.MENTEE.value, "Mentees"), (Role.MENTOR.value, "Mentors")]


class NewCoordinatorForm(FlaskForm):
    full_name = StringField("Full name", validators=[DataRequired(), Length(max=200)])
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Initial password", validators=[DataRequired()])


class DirectoryFilterForm(FlaskForm):
    """GET filters: they change nothing, so no CSRF token."""

    class Meta:
        csrf = False

    query = SearchField("Name or email")
    specialty = SelectField(
        "Specialty", choices=ANY + [(c, codes.label(c)) for c in codes.SPECIALTY_CODES]
    )
    region = SelectField("Region", choices=ANY)
    complete = SelectField("Ready for matching", choices=YES_NO)
    match_state = SelectField(
        "Match", choices=ANY + [(state, state.capitalize()) for state in MATCH_STATES]
    )
    paused = SelectField("Paused", choices=YES_NO)
    active = SelectField("Account active", choices=YES_NO)

    def __init__(self, role: str, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        mentee = role == Role.MENTEE
        regions = WORLD_REGIONS if mentee else codes.CENSUS_REGIONS
        self.region.label.text = "Home region" if mentee else "US region"
        labels = WORLD_REGION_LABELS if mentee else {}
        self.region.choices = ANY + [(r, labels.get(r) or codes.label(r)) for r in regions]
        if mentee:
            del self.paused


class ImportForm(FlaskForm):
    kind = RadioField("The file holds", choices=KIND_CHOICES, default=Role.MENTEE.value)
    csv_file = FileField("CSV file", validators=[FileRequired("Choose the CSV file to import.")])
    dry_run = BooleanField("Only check the file: report what would happen, save nothing")
