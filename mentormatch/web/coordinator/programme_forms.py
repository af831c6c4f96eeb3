"""Forms of the programme pages: the programme's settings, its members and their seats.

The values are validated by the service (``catalogue.parse``, ``membership``), which names
each problem by field; a form carries what was typed and shows the messages beside it.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from mentormatch import codes
from mentormatch.models import MembershipStatus, Role
from mentormatch.models.programmes import SLUG_MAX
from mentormatch.services.programmes.catalogue import (
    CADENCE_LABELS,
    DESCRIPTION_MAX,
    KIND_LABELS,
    NAME_MAX,
    SIGNUP_LABELS,
)
from mentormatch.services.rounds.settings import (
    DEFAULT_WEIGHTS,
    EXTRA_WEIGHT_NAMES,
    WEIGHT_LABELS,
    WEIGHT_NAMES,
    weight_field,
)
from mentormatch.web.coordinator.round_forms import OBJECTIVE_CHOICES


class CheckboxesField(SelectMultipleField):
    """Checkboxes; unknown values reach the service, which says what is wrong with them."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, validate_choice=False, **kwargs)


def _text(label: str, hint: str = "", **render_kw) -> StringField:
    return StringField(
        label, validators=[Optional()], description=hint, render_kw=render_kw or None
    )


class ProgrammeForm(FlaskForm):
    name = StringField("Name", validators=[Length(max=NAME_MAX)])
    slug = StringField(
        "Web name",
        validators=[Length(max=SLUG_MAX + 20)],
        description="Lower-case letters, digits and dashes: the programme's page is "
        "/programmes/<web name>. Changing it later changes that address, and links already "
        "sent stop working.",
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"},
    )
    description = TextAreaField(
        "Description for applicants",
        validators=[Length(max=DESCRIPTION_MAX + 100)],
        description="Who it is for and what mentees get; shown on the programme's page.",
        render_kw={"rows": 5},
    )
    # choices are checked by the service with the other fields (validate_choice=False), so
    # that one refusal names every problem
    kind = SelectField(
        "Kind",
        choices=[(kind.value, label) for kind, label in KIND_LABELS.items()],
        validate_choice=False,
    )
    starts_on = _text("Starts on", "YYYY-MM-DD; optional.", type="date")
    ends_on = _text("Ends on", "YYYY-MM-DD; optional. Sign-up closes after it.", type="date")
    signup_mode = RadioField(
        "Sign-up",
        choices=[(mode.value, label) for mode, label in SIGNUP_LABELS.items()],
        validate_choice=False,
    )
    eligible_specialties = CheckboxesField(
        "Mentees aiming for (leave all unticked for any specialty)",
        choices=[(code, codes.label(code)) for code in codes.SPECIALTY_CODES],
    )
    eligible_match_years = _text(
        "Mentees applying to the Match in",
        "Years separated by commas, e.g. 2027, 2028; empty for any year.",
        inputmode="numeric",
        autocomplete="off",
    )
    mentorship_months = _text(
        "Mentorship length (months)", "1 to 60.", inputmode="numeric", autocomplete="off"
    )
    meeting_cadence = SelectField(
        "Expected meetings",
        choices=[(cadence.value, label) for cadence, label in CADENCE_LABELS.items()],
        validate_choice=False,
    )
    answer_days = _text(
        "Days a mentor has to answer a proposal",
        "1 to 60.",
        inputmode="numeric",
        autocomplete="off",
    )
    # one field per weight, weight_<name>, added below
    objective = RadioField("Objective", choices=OBJECTIVE_CHOICES, validate_choice=False)
    min_score = _text("Minimum score (optional, 0 to 1)", inputmode="decimal")

    def weight_fields(self) -> list:
        return [self[weight_field(n)] for n in WEIGHT_NAMES if n not in EXTRA_WEIGHT_NAMES]

    def extra_weight_fields(self) -> list:
        return [self[weight_field(name)] for name in EXTRA_WEIGHT_NAMES]

    def raw(self) -> dict:
        """The values as typed, for ``catalogue.parse``."""
        return {
            name: field.data if field.data is not None else ""
            for name, field in self._fields.items()
            if name != "csrf_token"
        }

    def fill_from(self, programme) -> None:
        self.name.data = programme.name
        self.slug.data = programme.slug
        self.description.data = programme.description
        self.kind.data = programme.kind
        self.starts_on.data = programme.starts_on.isoformat() if programme.starts_on else ""
        self.ends_on.data = programme.ends_on.isoformat() if programme.ends_on else ""
        self.signup_mode.data = programme.signup_mode
        rules = programme.eligibility or {}
        self.eligible_specialties.data = list(rules.get("specialties") or [])
        self.eligible_match_years.data = ", ".join(
            str(year) for year in rules.get("match_years") or []
        )
        self.mentorship_months.data = str(programme.mentorship_months)
        self.meeting_cadence.data = programme.meeting_cadence
        self.answer_days.data = str(programme.answer_days)
        defaults = programme.round_defaults or {}
        for name, value in (defaults.get("weights") or {}).items():
            if weight_field(name) in self:
                self[weight_field(name)].data = f"{value:g}"
        self.objective.data = defaults.get("objective") or OBJECTIVE_CHOICES[0][0]
        min_score = defaults.get("min_score")
        self.min_score.data = "" if min_score is None else f"{min_score:g}"


for _name in WEIGHT_NAMES:
    setattr(
        ProgrammeForm,
        weight_field(_name),
        StringField(
            f"{WEIGHT_LABELS[_name]} weight",
            default=f"{DEFAULT_WEIGHTS[_name]:g}",
            validators=[Optional()],
            render_kw={"inputmode": "decimal"},
        ),
    )


ROLE_FILTER = [("", "Everyone"), (Role.MENTEE.value, "Mentees"), (Role.MENTOR.value, "Mentors")]
STATUS_LABELS = {
    MembershipStatus.PENDING: "Waiting for approval",
    MembershipStatus.ACTIVE: "Member",
    MembershipStatus.DECLINED: "Application declined",
    MembershipStatus.LEFT: "Left or removed",
}


class MemberFilterForm(FlaskForm):
    """GET filters of the members list: they change nothing, so no CSRF token."""

    class Meta:
        csrf = False

    role = SelectField("Role", choices=ROLE_FILTER)
    status = SelectField(
        "Status",
        choices=[("", "Members now")]
        + [(status.value, label) for status, label in STATUS_LABELS.items()],
    )


class AddMemberForm(FlaskForm):
    email = EmailField("Email of their account", validators=[Length(max=254)])


class DeclineForm(FlaskForm):
    reason = TextAreaField(
        "Reason (optional, sent to the applicant)",
        validators=[Optional(), Length(max=1000)],
        render_kw={"rows": 2},
    )


class SeatsForm(FlaskForm):
    seats = StringField(
        "Seats in this programme",
        validators=[Optional(), Length(max=10)],
        render_kw={"inputmode": "numeric", "autocomplete": "off", "size": 4},
    )
