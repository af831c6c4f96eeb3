"""Forms of the mentorship page. Choices are checked by the services (their messages say
what is wrong), so the fields here accept any value and only render and carry CSRF."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)

from mentormatch import codes
from mentormatch.models import GoalStatus
from mentormatch.services.mentorships import agreement, closeout, plan, plan_templates
from mentormatch.web.profile_forms import CheckboxGroupField


class AgreementForm(FlaskForm):
    cadence = RadioField(
        "How often you meet",
        choices=[(c.value, text) for c, text in agreement.CADENCE_LABELS.items()],
        validate_choice=False,
    )
    channel = RadioField(
        "How you meet",
        choices=[(c.value, text) for c, text in agreement.CHANNEL_LABELS.items()],
        validate_choice=False,
    )
    focus = CheckboxGroupField(
        "What the mentee most wants help with",
        choices=[(code, codes.label(code)) for code in codes.SUPPORT_CODES],
        validate_choice=False,
    )
    expectations = TextAreaField("Anything else you agree on (optional)")
    confidentiality = BooleanField("We keep what we discuss confidential")


class CreatePlanForm(FlaskForm):
    goal = SelectField(
        "The plan is for",
        choices=list(plan_templates.GOALS.items()),
        validate_choice=False,
    )
    match_year = StringField("Target Match year", render_kw={"inputmode": "numeric"})


class GoalForm(FlaskForm):
    """A goal, as the mentee edits it; each goal's form has its prefix (``g<id>``)."""

    title = StringField("Goal")
    due_on = StringField("Target date", render_kw={"type": "date"})
    status = SelectField(
        "Status",
        choices=[(s.value, text) for s, text in plan.STATUS_LABELS.items()],
        default=GoalStatus.NOT_STARTED.value,
        validate_choice=False,
    )
    note = TextAreaField("Your note (optional)")


class CommentForm(FlaskForm):
    comment = TextAreaField("Your comment")


class MessageForm(FlaskForm):
    body = TextAreaField("Message")


class ReportForm(FlaskForm):
    description = TextAreaField("What is the problem?")
    messages = CheckboxGroupField(
        "Messages to include (optional)", choices=[], validate_choice=False, coerce=str
    )


class EndForm(FlaskForm):
    reason = RadioField(
        "Why it ends",
        choices=[(r.value, text) for r, text in closeout.REASON_LABELS.items()],
        validate_choice=False,
    )
    rating = RadioField(
        "Your rating", choices=[(str(n), str(n)) for n in closeout.RATINGS], validate_choice=False
    )


class RateForm(FlaskForm):
    rating = RadioField(
        "Your rating", choices=[(str(n), str(n)) for n in closeout.RATINGS], validate_choice=False
    )


class CheckInForm(FlaskForm):
    score = RadioField(
        "Your answer", choices=[(str(n), str(n)) for n in (1, 2, 3, 4, 5)], validate_choice=False
    )
    comment = TextAreaField("Comment (optional)")
