"""The outcome form, shared by the mentee's outcomes page and a coordinator's page of one
mentee. The fields accept any text: services.outcomes.records checks them and says what is
wrong; each field's hint says which kinds of outcome use it."""

from __future__ import annotations

from flask import request, url_for
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField

from mentormatch import codes
from mentormatch.models import Outcome
from mentormatch.models.outcomes import OUTCOME_EXAMS
from mentormatch.services.errors import ValidationError
from mentormatch.services.outcomes import records
from mentormatch.web.coordinator.confirm import Confirmation
from mentormatch.web.forms import apply_errors


def _select(label: str, choices, blank: str = "Choose…") -> SelectField:
    return SelectField(label, choices=[("", blank), *choices], validate_choice=False, default="")


class OutcomeForm(FlaskForm):
    kind = _select(
        "What you achieved", [(k.value, text) for k, text in records.KIND_LABELS.items()]
    )
    achieved_on = StringField("Date", render_kw={"type": "date", "autocomplete": "off"})
    exam = _select("Exam", [(e, records.EXAM_LABELS[e]) for e in OUTCOME_EXAMS])
    match_result = _select(
        "Match result", [(r.value, text) for r, text in records.RESULT_LABELS.items()]
    )
    match_year = StringField("Match year", render_kw={"inputmode": "numeric", "maxlength": 4})
    specialty = _select("Specialty", [(s, codes.label(s)) for s in codes.SPECIALTY_CODES])
    number = StringField("How many", render_kw={"inputmode": "numeric", "maxlength": 3})
    description = StringField("Title or description (optional)", render_kw={"maxlength": 300})
    doi = StringField("DOI (optional)", render_kw={"placeholder": "10.1000/xyz123"})
    pmid = StringField("PMID (optional)", render_kw={"inputmode": "numeric", "maxlength": 8})

    def values(self) -> dict[str, str]:
        return {name: field.data or "" for name, field in self._fields.items()}


class EditForm(OutcomeForm):
    """The outcome form to edit one: pre-filled, with the version of the outcome it shows."""

    seen = HiddenField()

    @classmethod
    def of(cls, outcome: Outcome) -> EditForm:
        return cls(data={**records.form_values(outcome), "seen": records.version(outcome)})

    def apply(self, error: ValidationError, outcome: Outcome) -> None:
        """The service's problems on their fields; when the outcome changed since the page
        was made, the form now carries its current version, so saving again is the person's
        choice, made knowing it."""
        apply_errors(self, error)
        if any(field == "seen" for field, _ in error.errors):
            self.seen.data = records.version(outcome)
            self.seen.raw_data = [self.seen.data]


class CoordinatorEditForm(EditForm):
    """The outcome form as a coordinator edits one: with the box that verifies it again."""

    verified = BooleanField("Verified: I have seen proof of this outcome as it reads now")

    def apply(self, error: ValidationError, outcome: Outcome) -> None:
        """As EditForm's; after a change made meanwhile, the box is left empty again: what
        they had proof of may not be what it now reads."""
        super().apply(error, outcome)
        if any(field == "seen" for field, _ in error.errors):
            self.verified.data = False
            self.verified.raw_data = []


def edited_message(edited: records.Edited, by_coordinator: bool) -> tuple[str, str]:
    """The flash after an edit, in words, and its category."""
    if not edited.changed and edited.verification == records.Verification.UNCHANGED:
        return "Nothing changed: the outcome is as it was.", "info"
    what = records.KIND_LABELS[edited.outcome.kind]
    if not edited.changed:
        return f"{what} verified.", "success"
    text = f"Saved: {what}. Changed: {edited.changed_words}."
    if edited.verification == records.Verification.CLEARED:
        later = (
            ": verify it again once you have seen proof of it as it reads now."
            if by_coordinator
            else " until a coordinator of your programme checks it again."
        )
        return f"{text} It is no longer verified{later}", "warning"
    if edited.verification == records.Verification.RENEWED:
        return f"{text} You verified it again.", "success"
    if edited.verification == records.Verification.ADDED:
        return f"{text} You verified it.", "success"
    return text, "success"


class SharingForm(FlaskForm):
    shared = BooleanField("Share my outcomes with my mentor")


def removal(outcome: Outcome, back_url: str, back_text: str) -> Confirmation:
    """The confirmation before an outcome goes: it cannot be taken back."""
    what = f"{records.KIND_LABELS[outcome.kind]} of {outcome.achieved_on.strftime('%d %b %Y')}"
    lines = [f"{what}: {records.summary(outcome)}." if records.summary(outcome) else f"{what}."]
    lines.append(
        "Removing it cannot be undone: to have it back, record it again"
        + (", and a coordinator verifies it again." if outcome.verified else ".")
    )
    return Confirmation(
        title="Remove this outcome?",
        lines=lines,
        action=url_for(request.endpoint, outcome_id=outcome.id),
        button="Remove it",
        back_url=back_url,
        back_text=back_text,
        danger=True,
    )
