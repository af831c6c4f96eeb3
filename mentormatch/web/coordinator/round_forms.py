"""Forms of the round and pair-rule pages. Validation of the values themselves is the service's
(`parse_settings`, `set_pair_rule`), so a form only carries them and shows its errors."""

from __future__ import annotations

import base64
import binascii

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import EmailField, HiddenField, IntegerField, RadioField, SelectField, StringField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from mentormatch.models import PairRuleKind
from mentormatch.services.rounds.settings import (
    DEFAULT_OBJECTIVE,
    DEFAULT_WEIGHTS,
    EXTRA_WEIGHT_NAMES,
    NAME_MAX,
    WEIGHT_LABELS,
    WEIGHT_NAMES,
    weight_field,
)
from mentormatch.web.converters import DATABASE_ID_MAX

# An id the database could not even look up is a broken form (400), not a server error.
AN_ID = NumberRange(min=0, max=DATABASE_ID_MAX)

OBJECTIVE_CHOICES = [
    ("coverage", "Coverage: match as many mentees as possible, then the best scores"),
    ("score", "Score: the highest total score, even if fewer mentees are matched"),
]
WEIGHT_HINTS = {
    "specialty": "Same specialty 1, same family 0.7, both primary care 0.3.",
    "region": "Mentor in a preferred state 1, same division 0.7, same region 0.4.",
    "research": "Overlap of research interests.",
    "support": "Share of the support a mentee seeks (visa guidance, letters, interview "
    "prep...) that the mentor offers.",
    "language": "1 when they share a language other than English.",
    "img_mentor": "1 when a mentee who prefers an IMG mentor gets one.",
    "visa": "For mentees who need a J-1 or H-1B: 1 when the mentor's institution sponsors "
    "it, 0.5 when unknown.",
}
# The longest pair filter the review page keeps (and carries back after an action).
QUERY_MAX = 200
RULE_CHOICES = [
    (PairRuleKind.LOCK.value, "Lock: always pair them"),
    (PairRuleKind.FORBID.value, "Forbid: never pair them"),
]


def _decimal(label: str, default: float | None = None, hint: str = "") -> StringField:
    value = "" if default is None else f"{default:g}"
    return StringField(label, default=value, description=hint, render_kw={"inputmode": "decimal"})


class RoundSettingsForm(FlaskForm):
    name = StringField("Round name", validators=[Length(max=NAME_MAX)])
    # one field per weight, weight_<name> (see `weight_fields`)
    objective = RadioField("Objective", choices=OBJECTIVE_CHOICES, default=DEFAULT_OBJECTIVE)
    min_score = _decimal("Minimum score (optional, 0 to 1)")
    preference_weight = _decimal(
        "Mentees' choices weight (0 to 10)", 0.5,
        "How much a mentee's ranking (and a mentor's 'prefer') counts beside the profile's "
        "parts, whose weights add up to 1: a first choice adds the whole weight x 0.5, a mutual "
        "one more. 0 ignores choices (an 'avoid' still keeps the pair apart).",
    )  # fmt: skip

    def weight_fields(self) -> list:
        """The base parts of the score (specialty, region, research)."""
        return [self[weight_field(n)] for n in WEIGHT_NAMES if n not in EXTRA_WEIGHT_NAMES]

    def extra_weight_fields(self) -> list:
        """The optional extras (0 = off)."""
        return [self[weight_field(name)] for name in EXTRA_WEIGHT_NAMES]

    def raw(self) -> dict[str, str]:
        """The values as typed, for the service to validate."""
        return {
            name: field.data or "" for name, field in self._fields.items() if name != "csrf_token"
        }

    def fill_from(self, settings: dict) -> None:
        if "name" in settings:
            self.name.data = settings["name"]
        for weight, value in (settings.get("weights") or {}).items():
            if weight_field(weight) in self:
                self[weight_field(weight)].data = f"{value:g}"
        self.objective.data = settings.get("objective") or DEFAULT_OBJECTIVE
        min_score = settings.get("min_score")
        self.min_score.data = "" if min_score is None else f"{min_score:g}"
        self.preference_weight.data = f"{settings.get('preference_weight', 0.5):g}"


for _name in WEIGHT_NAMES:
    setattr(
        RoundSettingsForm,
        weight_field(_name),
        _decimal(f"{WEIGHT_LABELS[_name]} weight", DEFAULT_WEIGHTS[_name], WEIGHT_HINTS[_name]),
    )


class NewRoundForm(RoundSettingsForm):
    """A new round also says which programme it is for (the coordinator's live ones)."""

    # left out of a POST: the coordinator's only live programme
    programme_id = SelectField("Programme", validate_choice=False)

    def __init__(self, programmes, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.programme_id.choices = [(str(p.id), p.name) for p in programmes]

    def validate_programme_id(self, field) -> None:
        choices = [value for value, _ in field.choices]
        if not field.data and len(choices) == 1:
            field.data = choices[0]
        elif field.data not in choices:
            raise ValidationError(
                "Choose one of your programmes."
                if choices
                else "You coordinate no live programme: an organisation coordinator can add "
                "you to one."
            )


class PairRuleForm(FlaskForm):
    """A lock or forbid button on a row of the review page (the rule belongs to the round's
    programme)."""

    mentee_id = IntegerField(validators=[InputRequired(), AN_ID])
    mentor_id = IntegerField(validators=[InputRequired(), AN_ID])
    kind = HiddenField(validators=[DataRequired()])
    round_id = IntegerField(validators=[Optional(), AN_ID])
    programme_id = IntegerField(validators=[Optional(), AN_ID])


class FollowUpForm(FlaskForm):
    """Extend or remind on a published round: one proposal (a row's buttons) or all pending
    (the follow-up panel's). ``mentee_id`` is the row to come back to."""

    mentorship_id = IntegerField(validators=[Optional(), AN_ID])
    mentee_id = IntegerField(validators=[Optional(), AN_ID])
    days = StringField("Days to add", validators=[Optional(), Length(max=10)])


class RuleByEmailForm(FlaskForm):
    mentee_email = EmailField("Mentee's email", validators=[DataRequired(), Length(max=254)])
    mentor_email = EmailField("Mentor's email", validators=[DataRequired(), Length(max=254)])
    kind = RadioField("Rule", choices=RULE_CHOICES, default=PairRuleKind.LOCK.value)
    note = StringField("Note (optional)", validators=[Length(max=500)])
    programme_id = SelectField("Programme")

    def __init__(self, programmes, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.programme_id.choices = [(str(p.id), p.name) for p in programmes]
        if len(programmes) <= 1:
            del self.programme_id  # nothing to choose: the rule goes to the only one


class RemoveRuleForm(FlaskForm):
    mentee_id = IntegerField(validators=[InputRequired(), AN_ID])
    mentor_id = IntegerField(validators=[InputRequired(), AN_ID])
    round_id = IntegerField(validators=[Optional(), AN_ID])
    programme_id = IntegerField(validators=[Optional(), AN_ID])


class RankListsForm(FlaskForm):
    """A round's rank lists from a CSV file: the first POST carries the file and is checked
    only; the confirming POST carries the checked file back (``checked_file``, base64) with
    ``confirm=yes``, and imports it. The service checks the file again either way."""

    csv_file = FileField("CSV file of rank lists")
    checked_file = HiddenField()
    filename = HiddenField()

    def validate_csv_file(self, field) -> None:
        if not self.checked_file.data and not field.data:
            raise ValidationError("Choose the CSV file to check.")

    def contents(self, limit: int) -> bytes | None:
        """The file's bytes (at most ``limit + 1``: one byte over is enough to refuse), or
        None when the carried file is not base64 (a tampered form)."""
        if self.checked_file.data:
            try:
                return base64.b64decode(self.checked_file.data, validate=True)
            except (binascii.Error, ValueError):
                return None
        return self.csv_file.data.stream.read(limit + 1)

    def name(self) -> str:
        chosen = self.csv_file.data.filename if self.csv_file.data else self.filename.data
        return (chosen or "the file")[-120:]
