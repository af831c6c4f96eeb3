"""Forms of the programme pages: sign up into a programme, or (signed in) join or apply.

Both ask a mentee only the questions the programme's eligibility needs
(``membership.needs_for_signup``): the fields it does not need are taken off the form.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_wtf import FlaskForm
from wtforms import HiddenField

from mentormatch import codes
from mentormatch.models import Programme
from mentormatch.services.programmes import membership
from mentormatch.services.programmes.catalogue import Eligibility
from mentormatch.web.auth.forms import RegisterForm
from mentormatch.web.profile_forms import ChoiceField

QUESTIONS = ("specialty", "target_match_year")
YEARS_AHEAD = 6


def _year_choices(programme: Programme) -> list[tuple[str, str]]:
    """The next few Match years, and every year the programme takes."""
    this_year = dt.date.today().year
    years = set(range(this_year, this_year + YEARS_AHEAD)) | set(
        Eligibility.of(programme).match_years
    )
    return [("", "Choose…")] + [(str(year), str(year)) for year in sorted(years)]


class _Questions:
    """The eligibility questions (specialty interest, target Match year) of a programme."""

    specialty = ChoiceField(
        "Your specialty interest",
        choices=[("", "Choose…")] + [(code, codes.label(code)) for code in codes.SPECIALTY_CODES],
    )
    target_match_year = ChoiceField("The Match year you are aiming for", choices=[])

    def ask_for(self, programme: Programme) -> None:
        needs = membership.needs_for_signup(programme)
        for name in QUESTIONS:
            if name not in needs:
                del self[name]
        if "target_match_year" in needs:
            self.target_match_year.choices = _year_choices(programme)

    @property
    def questions(self) -> list:
        return [self[name] for name in QUESTIONS if name in self]

    def answers(self) -> dict[str, Any]:
        return {field.name: field.data for field in self.questions}


class SignupForm(_Questions, RegisterForm):
    """A new account, straight into one programme."""

    @classmethod
    def for_programme(cls, programme: Programme, **kwargs: Any) -> SignupForm:
        form = cls(**kwargs)
        form.ask_for(programme)
        return form


class JoinForm(_Questions, FlaskForm):
    """A signed-in mentee or mentor joins (or applies to) a programme; the invitation key
    of the link they came by rides along."""

    invitation_key = HiddenField()

    @classmethod
    def for_programme(
        cls, programme: Programme, key: str | None = None, **kwargs: Any
    ) -> JoinForm:
        form = cls(**kwargs)
        form.ask_for(programme)
        if key and not form.invitation_key.data:
            form.invitation_key.data = key
        return form
