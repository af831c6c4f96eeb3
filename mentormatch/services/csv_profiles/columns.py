"""The columns of a profile file, and how a stored value is written in a cell.

Import and export share this module, so that a file written by the export reads back into
exactly the same profiles: multi-valued cells are codes joined by ';', US clinical
experience is ``type:months``, booleans are yes/no, and a mentee with no region preference
has ``anywhere`` in ``preferred_regions``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mentormatch.models import MenteeProfile, MentorProfile, Role
from mentormatch.services.profile_fields import (
    MENTEE_FIELD_NAMES,
    MENTOR_FIELD_NAMES,
    MULTI_SEPARATOR,
    MenteeFields,
    MentorFields,
    parse_mentee,
    parse_mentor,
)

KINDS = (Role.MENTEE.value, Role.MENTOR.value)
ANYWHERE = "anywhere"

# What to write in a required cell, shown when it is empty.
REQUIRED_HINTS = {
    "email": "Required: the person's email address, which is also their login.",
    "full_name": "Required: the person's full name.",
    "home_country": "Required: an ISO country code such as IN, EG or NG (or the country's name).",
    "specialty": "Required: a specialty code such as internal-medicine or pediatrics.",
    "preferred_regions": (
        "Required: US state codes or census divisions separated by ';' (for example "
        "NY;new-england), or 'anywhere' for no preference."
    ),
    "research_interests": (
        "Required: research codes separated by ';' (for example case-report;cardiology)."
    ),
    "state": "Required: the USPS code of the institution's state, such as NY.",
    "capacity": "Required: how many mentees at once, 0 to 20 (0 = paused).",
}


@dataclass(frozen=True)
class Layout:
    """The file format of one kind of person."""

    kind: str
    required: tuple[str, ...]
    field_names: tuple[str, ...]
    parse: Callable[[Mapping[str, Any]], MenteeFields | MentorFields]
    profile_model: type[MenteeProfile] | type[MentorProfile]

    @property
    def columns(self) -> tuple[str, ...]:
        """Required columns first, then every other profile field in its usual order."""
        optional = tuple(name for name in self.field_names if name not in self.required)
        return self.required + optional

    @property
    def profile_attribute(self) -> str:
        return f"{self.kind}_profile"


LAYOUTS = {
    Role.MENTEE.value: Layout(
        kind=Role.MENTEE.value,
        required=(
            "email",
            "full_name",
            "home_country",
            "specialty",
            "preferred_regions",
            "research_interests",
        ),
        field_names=MENTEE_FIELD_NAMES,
        parse=parse_mentee,
        profile_model=MenteeProfile,
    ),
    Role.MENTOR.value: Layout(
        kind=Role.MENTOR.value,
        required=("email", "full_name", "specialty", "state", "research_interests", "capacity"),
        field_names=MENTOR_FIELD_NAMES,
        parse=parse_mentor,
        profile_model=MentorProfile,
    ),
}


def layout_for(kind: str) -> Layout:
    try:
        return LAYOUTS[kind]
    except KeyError:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}") from None


def format_value(name: str, value: Any) -> str:
    """One stored profile value as the text of its cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if name == "usce":
        return MULTI_SEPARATOR.join(f"{entry['type']}:{entry['months']}" for entry in value)
    if isinstance(value, list):
        return MULTI_SEPARATOR.join(str(item) for item in value)
    return str(value)


def profile_cells(layout: Layout, values: Mapping[str, Any]) -> dict[str, str]:
    """The cells of every profile column (account columns excluded), not yet neutralised."""
    cells = {name: format_value(name, values.get(name)) for name in layout.field_names}
    if layout.kind == Role.MENTEE.value and not values.get("preferred_regions"):
        cells["preferred_regions"] = ANYWHERE if values.get("regions_anywhere") else ""
    return cells


def stored_values(layout: Layout, profile: MenteeProfile | MentorProfile | None) -> dict:
    """The profile's values by field name; the defaults of an empty profile if there is none."""
    if profile is None:
        defaults = MenteeFields() if layout.kind == Role.MENTEE.value else MentorFields()
        return defaults.as_dict()
    return {name: getattr(profile, name) for name in layout.field_names}


# A spreadsheet runs a cell starting with one of these as a formula. A leading apostrophe
# makes it text; cells that already start with apostrophes get one more, so that reading
# strips exactly one and every value survives the round trip.
_FORMULA_START = re.compile(r"^'*[=+\-@\t\r]")


def neutralise(cell: str) -> str:
    return "'" + cell if _FORMULA_START.match(cell) else cell


def unneutralise(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and _FORMULA_START.match(cell) else cell
