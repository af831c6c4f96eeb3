"""Forms of the mentor pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional, Regexp

from mentormatch.services.proposals import REASON_MAX


class DeclineForm(FlaskForm):
    """Decline a proposal; the reason is optional and only seen by the coordinators.

    Each pending proposal has its own form, told apart by a prefix (``p<id>-reason``), so the
    page has no duplicate ids and a refused form shows its error under the right mentee.
    """

    reason = TextAreaField(
        "Reason (optional)",
        validators=[Optional(), Length(max=REASON_MAX)],
        description="For example: no time this term, or a different specialty would suit better.",
    )

    @classmethod
    def for_proposal(cls, mentorship_id: int, **kwargs) -> DeclineForm:
        return cls(prefix=f"p{mentorship_id}", **kwargs)


class SeatsForm(FlaskForm):
    """How many mentees a mentor takes in one programme; blank offers up to the overall
    capacity. One form per programme, told apart by a prefix (``s<programme id>-seats``)."""

    seats = StringField(
        "Seats in this programme",
        validators=[Optional(), Regexp(r"^\s*\d{1,3}\s*$", message="Write a whole number, or "
                                       "leave it blank for up to your overall capacity.")],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )  # fmt: skip

    @classmethod
    def for_programme(cls, programme_id: int, **kwargs) -> SeatsForm:
        return cls(prefix=f"s{programme_id}", **kwargs)

    @property
    def value(self) -> int | None:
        text = (self.seats.data or "").strip()
        return int(text) if text else None
