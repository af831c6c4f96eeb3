"""Forms of the round and pair-rule pages. Validation of the values themselves is the service's
(`parse_settings`, `set_pair_rule`), so a form only carries them and shows its errors."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, IntegerField, RadioField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from mentormatch.models import PairRuleKind
from mentormatch.services.rounds.settings import DEFAULT_WEIGHTS, NAME_MAX

OBJECTIVE_CHOICES = [
    ("coverage", "Coverage: match as many mentees as possible, then the best scores"),
    ("score", "Score: the highest total score, even if fewer mentees are matched"),
]
RULE_CHOICES = [
    (PairRuleKind.LOCK.value, "Lock: always pair them"),
    (PairRuleKind.FORBID.value, "Forbid: never pair them"),
]


def _decimal(label: str, default: float | None = None) -> StringField:
    value = "" if default is None else f"{default:g}"
    return StringField(label, default=value, render_kw={"inputmode": "decimal"})


class RoundSettingsForm(FlaskForm):
    name = StringField("Round name", validators=[Length(max=NAME_MAX)])
    weight_specialty = _decimal("Specialty weight", DEFAULT_WEIGHTS["specialty"])
    weight_region = _decimal("Region weight", DEFAULT_WEIGHTS["region"])
    weight_research = _decimal("Research weight", DEFAULT_WEIGHTS["research"])
    objective = RadioField("Objective", choices=OBJECTIVE_CHOICES, default="coverage")
    min_score = _decimal("Minimum score (optional, 0 to 1)")

    def raw(self) -> dict[str, str]:
        """The values as typed, for the service to validate."""
        return {
            name: field.data or "" for name, field in self._fields.items() if name != "csrf_token"
        }

    def fill_from(self, settings: dict) -> None:
        self.name.data = settings["name"]
        for weight, value in settings["weights"].items():
            getattr(self, f"weight_{weight}").data = f"{value:g}"
        self.objective.data = settings["objective"]
        min_score = settings.get("min_score")
        self.min_score.data = "" if min_score is None else f"{min_score:g}"


class PairRuleForm(FlaskForm):
    """A lock or forbid button on a row of the review page."""

    mentee_id = IntegerField(validators=[InputRequired()])
    mentor_id = IntegerField(validators=[InputRequired()])
    kind = HiddenField(validators=[DataRequired()])
    round_id = IntegerField()


class RuleByEmailForm(FlaskForm):
    mentee_email = EmailField("Mentee's email", validators=[DataRequired(), Length(max=254)])
    mentor_email = EmailField("Mentor's email", validators=[DataRequired(), Length(max=254)])
    kind = RadioField("Rule", choices=RULE_CHOICES, default=PairRuleKind.LOCK.value)
    note = StringField("Note (optional)", validators=[Length(max=500)])


class RemoveRuleForm(FlaskForm):
    mentee_id = IntegerField(validators=[InputRequired()])
    mentor_id = IntegerField(validators=[InputRequired()])
