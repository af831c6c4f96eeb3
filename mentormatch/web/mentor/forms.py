"""Forms of the mentor pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

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
