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
from wtforms.validators import DataRequired, Length, ValidationError

from mentormatch import codes
from mentormatch.countries import WORLD_REGION_LABELS, WORLD_REGIONS
from mentormatch.models import Role
from mentormatch.services.directory import MATCH_STATES
from mentormatch.web.coordinator.programme_forms import CheckboxesField

ANY = [("", "Any")]
YES_NO = [("", "Any"), ("yes", "Yes"), ("no", "No")]
KIND_CHOICES = [(Role.MENTEE.value, "Mentees"), (Role.MENTOR.value, "Mentors")]


ORGANISATION, PROGRAMMES = "organisation", "programmes"


class NewCoordinatorForm(FlaskForm):
    full_name = StringField("Full name", validators=[DataRequired(), Length(max=200)])
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Initial password", validators=[DataRequired()])
    scope = RadioField(
        "They coordinate",
        choices=[
            (ORGANISATION, "The whole organisation: every programme, and creating programmes"),
            (PROGRAMMES, "Only the programmes ticked below"),
        ],
        default=ORGANISATION,  # as before programmes existed; the radio shows the choice
    )
    programme_ids = CheckboxesField("Programmes")

    def __init__(self, programmes, organisation: bool, *args, **kwargs) -> None:
        """``programmes``: those the signed-in coordinator may hand on; ``organisation``:
        whether they may make an organisation coordinator."""
        super().__init__(*args, **kwargs)
        self.programme_ids.choices = [(str(p.id), p.name) for p in programmes]
        if not organisation:
            del self.scope

    def chosen(self) -> tuple[bool, list[int]]:
        """(organisation-wide, programme ids) as asked; a programme coordinator can only hand
        on their programmes (the choices), and a tampered value is a form error."""
        whole = self.scope is not None and self.scope.data == ORGANISATION
        return whole, [] if whole else [int(value) for value in self.programme_ids.data or []]

    def validate_programme_ids(self, field) -> None:
        allowed = {value for value, _ in field.choices}
        if any(value not in allowed for value in field.data or []):
            raise ValidationError("Choose among the programmes listed.")
        whole = self.scope is not None and self.scope.data == ORGANISATION
        if not whole and not field.data:
            raise ValidationError(
                "Tick the programmes they coordinate"
                + (", or make them an organisation coordinator." if self.scope else ".")
            )


class AssignProgrammeForm(FlaskForm):
    # a programme that is not the signed-in coordinator's answers 404 (the view checks)
    programme_id = SelectField("Programme", validate_choice=False)

    def __init__(self, programmes, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.programme_id.choices = [(str(p.id), p.name) for p in programmes]


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
    programme = SelectField("Programme", choices=ANY, validate_choice=False)

    def __init__(self, role: str, programmes=(), *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if len(programmes) > 1:
            self.programme.choices = ANY + [(str(p.id), p.name) for p in programmes]
        else:
            del self.programme
        mentee = role == Role.MENTEE
        regions = WORLD_REGIONS if mentee else codes.CENSUS_REGIONS
        self.region.label.text = "Home region" if mentee else "US region"
        labels = WORLD_REGION_LABELS if mentee else {}
        self.region.choices = ANY + [(r, labels.get(r) or codes.label(r)) for r in regions]
        if mentee:
            del self.paused


class ImportForm(FlaskForm):
    # left out of a POST: the coordinator's only live programme
    programme_id = SelectField("Programme they join", validate_choice=False)
    kind = RadioField("The file holds", choices=KIND_CHOICES, default=Role.MENTEE.value)
    csv_file = FileField("CSV file", validators=[FileRequired("Choose the CSV file to import.")])
    dry_run = BooleanField("Only check the file: report what would happen, save nothing")

    def __init__(self, programmes, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.programme_id.choices = [(str(p.id), p.name) for p in programmes]

    def validate_programme_id(self, field) -> None:
        if field.data and field.data not in {value for value, _ in field.choices}:
            raise ValidationError("Choose one of your programmes.")
        if not field.data and len(field.choices) != 1:
            raise ValidationError(
                "Choose the programme they join."
                if field.choices
                else "You coordinate no "
                "live programme: an organisation coordinator can add you to one."
            )

    def programme(self) -> int:
        return int(self.programme_id.data or self.programme_id.choices[0][0])
