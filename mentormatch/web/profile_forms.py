"""Profile forms for mentees and mentors, shared by their own pages and coordinators.

The forms render the fields and check choices; the rules live in
``services.profile_fields`` so that the CSV import and the web apply the same ones. Fields
are declared in the order the page shows them, so the error summary at the top of a refused
form lists the problems in the order a person meets them.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from mentormatch import codes
from mentormatch.countries import country_names, language_list_text
from mentormatch.models import MenteeProfile, MentorProfile
from mentormatch.services.profile_fields import MENTEE_FIELD_NAMES, MENTOR_FIELD_NAMES
from mentormatch.web.forms import TimeZoneField

USCE_ROWS = 3
LANGUAGES_HINT = "Names or ISO codes separated by commas, for example: English, {other}"


def _choices(values, blank: str | None = "Choose…") -> list[tuple[str, str]]:
    options = [(value, codes.label(value)) for value in values]
    return ([("", blank)] if blank is not None else []) + options


class ChoiceField(SelectField):
    """A select whose unanswered value is '' (so a field left out of a POST is valid)."""

    def __init__(self, label: str, choices, **kwargs: Any) -> None:
        super().__init__(label, choices=choices, default="", **kwargs)


class CheckboxGroupField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _number(label: str, **kwargs: Any) -> StringField:
    """A whole number typed as text: a browser drops what a number input cannot read (so
    'abc' or '2.5' would arrive as nothing), while the service can say what was wrong."""
    return StringField(
        label,
        validators=[Optional()],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
        **kwargs,
    )


def _languages_field(other_example: str) -> StringField:
    return StringField(
        "Languages you speak",
        validators=[Optional(), Length(max=300)],
        description=LANGUAGES_HINT.format(other=other_example),
    )


class MenteeProfileForm(FlaskForm):
    # Background
    home_country = ChoiceField("Home country", choices=[])
    medical_school = StringField("Medical school", validators=[Optional(), Length(max=200)])
    graduation_year = _number("Graduation year")
    degree = ChoiceField("Degree", choices=_choices(codes.DEGREES))
    time_zone = TimeZoneField("Your time zone")  # saved on the account (User.time_zone)
    # Specialty
    specialty = ChoiceField("Specialty interest", choices=_choices(codes.SPECIALTY_CODES))
    specialty_second = ChoiceField(
        "Second choice (optional)", choices=_choices(codes.SPECIALTY_CODES, "None")
    )
    target_match_year = _number(
        "Match year you are aiming for (optional)",
        description="The year of the residency Match you plan to enter, for example 2027.",
    )
    # Where in the US
    regions_anywhere = BooleanField("Anywhere in the US (no preference)")
    preferred_regions = CheckboxGroupField(
        "Preferred US regions", choices=_choices(codes.REGION_PREFERENCE_CODES, None)
    )
    # Research
    research_interests = CheckboxGroupField(
        "Research interests", choices=_choices(codes.RESEARCH_CODES, None)
    )
    research_tags = StringField(
        "Other research topics (free text)", validators=[Optional(), Length(max=600)]
    )
    research_experience = ChoiceField(
        "Research experience", choices=_choices(codes.RESEARCH_EXPERIENCE)
    )
    publications = _number("Publications")
    first_author_publications = _number("First-author publications")
    # Goals and support
    goals = CheckboxGroupField("Goals", choices=_choices(codes.GOALS, None))
    support_sought = CheckboxGroupField(
        "Support you are looking for", choices=_choices(codes.SUPPORT_CODES, None)
    )
    hours_per_month = _number("Hours per month you can give to mentorship")
    prefers_img_mentor = BooleanField("I would prefer a mentor who is an IMG too")
    languages = _languages_field("Hindi")
    about = TextAreaField("About you and your goals", validators=[Optional(), Length(max=2000)])
    # Exams and immigration
    usmle_step1 = ChoiceField("USMLE Step 1", choices=_choices(codes.USMLE_STEP1, "Not said"))
    usmle_step2ck = ChoiceField(
        "USMLE Step 2 CK",
        choices=[("", "Not said"), ("not-taken", "Not taken"), ("score", "Passed with a score"),
                 ("failed", "Failed")],
    )  # fmt: skip
    usmle_step2ck_score = _number("Step 2 CK score")
    usmle_step3 = ChoiceField("USMLE Step 3", choices=_choices(codes.USMLE_STEP3, "Not said"))
    oet = ChoiceField("OET", choices=_choices(codes.OET, "Not said"))
    ecfmg_status = ChoiceField("ECFMG certification", choices=_choices(codes.ECFMG_STATUSES))
    immigration_status = ChoiceField(
        "Immigration status now", choices=_choices(codes.IMMIGRATION_STATUSES)
    )
    visa_needed = ChoiceField("Visa needed for training", choices=_choices(codes.VISA_NEEDED))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.home_country.choices = [("", "Choose…"), *country_names().items()]

    def validate(self, extra_validators=None) -> bool:
        """The rows of US clinical experience: a type with its months, or neither."""
        valid = super().validate(extra_validators)
        low, high = codes.USCE_MONTHS_RANGE
        for row in range(1, USCE_ROWS + 1):
            kind, months = self[f"usce_type_{row}"], self[f"usce_months_{row}"]
            text = (months.data or "").strip()
            if kind.data and not text:
                months.errors.append(f"Give the months of this experience ({low} to {high}).")
            elif text and not (text.isdecimal() and low <= int(text) <= high):
                months.errors.append(f"Months must be a whole number from {low} to {high}.")
            elif text and not kind.data:
                kind.errors.append("Choose the kind of experience, or clear its months.")
            else:
                continue
            valid = False
        return valid


for _row in range(1, USCE_ROWS + 1):
    setattr(
        MenteeProfileForm,
        f"usce_type_{_row}",
        ChoiceField(f"US clinical experience {_row}", choices=_choices(codes.USCE_TYPES, "None")),
    )
    setattr(MenteeProfileForm, f"usce_months_{_row}", _number(f"Months ({_row})"))


class MentorProfileForm(FlaskForm):
    # You
    position = ChoiceField("Your role", choices=_choices(codes.MENTOR_ROLES))
    specialty = ChoiceField("Specialty", choices=_choices(codes.SPECIALTY_CODES))
    subspecialty = ChoiceField(
        "Subspecialty (optional)", choices=_choices(codes.SPECIALTY_CODES, "None")
    )
    is_img = BooleanField("I am an international medical graduate myself")
    languages = _languages_field("Spanish")
    about = TextAreaField("About you", validators=[Optional(), Length(max=2000)])
    # Where you work
    institution = StringField("Institution", validators=[Optional(), Length(max=200)])
    city = StringField("City", validators=[Optional(), Length(max=100)])
    state = ChoiceField("State", choices=_choices(codes.STATES))
    time_zone = TimeZoneField("Your time zone")  # saved on the account (User.time_zone)
    programme_type = ChoiceField("Programme type", choices=_choices(codes.PROGRAMME_TYPES))
    visa_sponsorship = ChoiceField(
        "Does your institution sponsor visas?", choices=_choices(codes.VISA_SPONSORSHIP)
    )
    # Research and support
    research_interests = CheckboxGroupField(
        "Research interests", choices=_choices(codes.RESEARCH_CODES, None)
    )
    research_tags = StringField(
        "Other research topics (free text)", validators=[Optional(), Length(max=600)]
    )
    support_offered = CheckboxGroupField(
        "Support you offer", choices=_choices(codes.SUPPORT_CODES, None)
    )
    # Capacity
    capacity = _number(
        "How many mentees can you take at once?",
        description="A whole number from 0 to 20; 0 pauses matching.",
    )


def _tags_from_form(text: str | None) -> list[str]:
    return [part for part in (text or "").replace(",", ";").split(";") if part.strip()]


def mentee_raw_values(form: MenteeProfileForm) -> dict[str, Any]:
    """The form's data as the loose mapping that profile_fields.parse_mentee expects."""
    raw = {name: field.data for name, field in form._fields.items() if name != "csrf_token"}
    raw["research_tags"] = _tags_from_form(form.research_tags.data)
    raw["usce"] = []
    for row in range(1, USCE_ROWS + 1):
        kind, months = raw.pop(f"usce_type_{row}", ""), raw.pop(f"usce_months_{row}", "")
        if kind:
            raw["usce"].append(f"{kind}:{months or ''}")
    return raw


def mentor_raw_values(form: MentorProfileForm) -> dict[str, Any]:
    raw = {name: field.data for name, field in form._fields.items() if name != "csrf_token"}
    raw["research_tags"] = _tags_from_form(form.research_tags.data)
    return raw


def _as_text(value: Any) -> Any:
    return "" if value is None else value


def mentee_form_data(profile: MenteeProfile) -> dict[str, Any]:
    data = {name: _as_text(getattr(profile, name)) for name in MENTEE_FIELD_NAMES}
    data["research_tags"] = "; ".join(profile.research_tags or [])
    data["languages"] = language_list_text(profile.languages)
    data["usce"] = None
    data["time_zone"] = profile.user.time_zone or ""
    for row, entry in enumerate((profile.usce or [])[:USCE_ROWS], start=1):
        data[f"usce_type_{row}"] = entry["type"]
        data[f"usce_months_{row}"] = str(entry["months"])
    return data


def mentor_form_data(profile: MentorProfile) -> dict[str, Any]:
    data = {name: _as_text(getattr(profile, name)) for name in MENTOR_FIELD_NAMES}
    data["research_tags"] = "; ".join(profile.research_tags or [])
    data["languages"] = language_list_text(profile.languages)
    data["capacity"] = str(profile.capacity)
    data["time_zone"] = profile.user.time_zone or ""
    return data
