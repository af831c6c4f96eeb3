"""The shared codes of the domain: specialties, US geography, research, support, statuses.

One module of plain data, used by forms, CSV import/export, the engine's features and the
demo generator alike. Codes are lowercase, hyphenated and stable: store codes, show labels.
Nothing here imports Flask or the database.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    code: str
    label: str
    parent: str | None = None


def _label(code: str) -> str:
    return code.replace("-", " ").capitalize()


def _codes(*codes: str, parent: str | None = None) -> tuple[Code, ...]:
    return tuple(Code(c, _label(c), parent) for c in codes)


_BASE_SPECIALTIES = _codes(
    "anesthesiology",
    "dermatology",
    "emergency-medicine",
    "family-medicine",
    "internal-medicine",
    "neurology",
    "neurological-surgery",
    "obstetrics-gynecology",
    "ophthalmology",
    "orthopaedic-surgery",
    "otolaryngology",
    "pathology",
    "pediatrics",
    "physical-medicine-rehabilitation",
    "plastic-surgery",
    "psychiatry",
    "diagnostic-radiology",
    "radiation-oncology",
    "general-surgery",
    "urology",
    "vascular-surgery",
    "thoracic-surgery",
    "preventive-medicine",
)
_SUBSPECIALTIES = (
    _codes(
        "cardiology",
        "gastroenterology",
        "hematology-oncology",
        "infectious-disease",
        "endocrinology",
        "nephrology",
        "pulmonary-critical-care",
        "rheumatology",
        "geriatric-medicine",
        parent="internal-medicine",
    )
    + _codes("consultation-liaison-psychiatry", "child-adolescent-psychiatry", parent="psychiatry")
    + _codes("critical-care-anesthesiology", parent="anesthesiology")
    + _codes("neonatology", parent="pediatrics")
)
SPECIALTIES: tuple[Code, ...] = _BASE_SPECIALTIES + _SUBSPECIALTIES
SPECIALTY_CODES: tuple[str, ...] = tuple(s.code for s in SPECIALTIES)
SPECIALTY_PARENT: dict[str, str | None] = {s.code: s.parent for s in SPECIALTIES}
PRIMARY_CARE: frozenset[str] = frozenset(
    {"family-medicine", "internal-medicine", "pediatrics", "psychiatry"}
)

# Census regions -> divisions -> states (USPS codes).
CENSUS: dict[str, dict[str, tuple[str, ...]]] = {
    "northeast": {
        "new-england": ("CT", "ME", "MA", "NH", "RI", "VT"),
        "middle-atlantic": ("NJ", "NY", "PA"),
    },
    "midwest": {
        "east-north-central": ("IL", "IN", "MI", "OH", "WI"),
        "west-north-central": ("IA", "KS", "MN", "MO", "NE", "ND", "SD"),
    },
    "south": {
        "south-atlantic": ("DE", "DC", "FL", "GA", "MD", "NC", "SC", "VA", "WV"),
        "east-south-central": ("AL", "KY", "MS", "TN"),
        "west-south-central": ("AR", "LA", "OK", "TX"),
    },
    "west": {
        "mountain": ("AZ", "CO", "ID", "MT", "NV", "NM", "UT", "WY"),
        "pacific": ("AK", "CA", "HI", "OR", "WA"),
    },
    "territories": {"territories": ("PR",)},
}
CENSUS_REGIONS: tuple[str, ...] = tuple(CENSUS)
DIVISION_REGION: dict[str, str] = {
    division: region for region, divisions in CENSUS.items() for division in divisions
}
CENSUS_DIVISIONS: tuple[str, ...] = tuple(DIVISION_REGION)
STATE_DIVISION: dict[str, str] = {
    state: division
    for divisions in CENSUS.values()
    for division, states in divisions.items()
    for state in states
}
STATES: tuple[str, ...] = tuple(STATE_DIVISION)
STATE_NAMES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan",
    "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana",
    "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey",
    "NM": "New Mexico", "NY": "New York", "NC": "North Carolina", "ND": "North Dakota",
    "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
    "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee",
    "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming", "PR": "Puerto Rico",
}  # fmt: skip

RESEARCH_STUDY_TYPES: tuple[str, ...] = (
    "systematic-review",
    "meta-analysis",
    "case-report",
    "case-series",
    "clinical-trial",
    "cohort-study",
    "qualitative-survey",
    "quality-improvement",
    "basic-lab",
    "epidemiology-public-health",
    "medical-education",
)
RESEARCH_TOPICS: tuple[str, ...] = SPECIALTY_CODES + (
    "global-health",
    "health-equity",
    "img-workforce",
    "outcomes-research",
    "imaging",
    "oncology",
    "neuroscience",
    "cardiovascular",
    "infectious-disease-research",
)
RESEARCH_CODES: tuple[str, ...] = RESEARCH_STUDY_TYPES + RESEARCH_TOPICS


@dataclass(frozen=True)
class CodeGroup:
    """A heading under which a long list of codes is shown (the research interests on a
    profile form), so that a phone page is a few headings rather than 56 checkboxes."""

    key: str
    title: str
    codes: tuple[str, ...]


RESEARCH_GROUPS: tuple[CodeGroup, ...] = (
    CodeGroup("study-types", "Study types", RESEARCH_STUDY_TYPES),
    CodeGroup("topics", "Topics", tuple(c for c in RESEARCH_TOPICS if c not in SPECIALTY_CODES)),
    CodeGroup("specialties", "Specialties as research topics", SPECIALTY_CODES),
)

SUPPORT_CODES: tuple[str, ...] = (
    "research-guidance",
    "publication-writing",
    "application-review",
    "personal-statement",
    "letters-of-recommendation",
    "interview-prep",
    "specialty-choice",
    "programme-selection",
    "networking",
    "usce-access",
    "visa-guidance",
    "licensure-guidance",
    "exam-preparation",
    "cultural-orientation",
    "alternative-careers",
)

GOALS: tuple[str, ...] = (
    "residency-match",
    "research-position",
    "pre-residency-fellowship",
    "clinical-fellowship",
    "licensure",
    "alternative-career",
)
DEGREES: tuple[str, ...] = ("mbbs", "md", "mbchb", "do-equivalent", "other")
MENTOR_ROLES: tuple[str, ...] = (
    "attending",
    "programme-director",
    "resident-fellow",
    "research-faculty",
    "other",
)
PROGRAMME_TYPES: tuple[str, ...] = ("academic", "community", "research-institute")
VISA_SPONSORSHIP: tuple[str, ...] = ("j1", "h1b", "both", "none", "unknown")
IMMIGRATION_STATUSES: tuple[str, ...] = (
    "us-citizen",
    "permanent-resident",
    "j1",
    "j2",
    "h1b",
    "h4",
    "b1b2",
    "f1",
    "outside-us",
    "other",
)
VISA_NEEDED: tuple[str, ...] = ("none", "j1", "h1b", "undecided")
ECFMG_STATUSES: tuple[str, ...] = ("not-started", "in-progress", "certified")
USCE_TYPES: tuple[str, ...] = (
    "observership",
    "externship",
    "hands-on-elective",
    "research-elective",
    "research-position",
    "volunteering",
)
RESEARCH_EXPERIENCE: tuple[str, ...] = (
    "none",
    "individual",
    "institutional-unfunded",
    "institutional-funded",
)

ROLES: tuple[str, ...] = ("mentee", "mentor", "coordinator")

# Labels that the generic rule (hyphens to spaces, first letter capital) gets wrong.
_LABEL_OVERRIDES: dict[str, str] = {
    "obstetrics-gynecology": "Obstetrics and gynecology",
    "physical-medicine-rehabilitation": "Physical medicine and rehabilitation",
    "hematology-oncology": "Hematology and oncology",
    "pulmonary-critical-care": "Pulmonary and critical care",
    "child-adolescent-psychiatry": "Child and adolescent psychiatry",
    "consultation-liaison-psychiatry": "Consultation-liaison psychiatry",
    "epidemiology-public-health": "Epidemiology and public health",
    "img-workforce": "IMG workforce",
    "usce-access": "US clinical experience (USCE) access",
    "mbbs": "MBBS",
    "md": "MD",
    "mbchb": "MBChB",
    "do-equivalent": "DO equivalent",
    "usmle-step1": "USMLE Step 1",
    "usmle-step2ck": "USMLE Step 2 CK",
    "usmle-step3": "USMLE Step 3",
    "oet": "OET",
    "j1": "J-1",
    "j2": "J-2",
    "h1b": "H-1B",
    "h4": "H-4",
    "b1b2": "B-1/B-2",
    "f1": "F-1",
    "us-citizen": "US citizen",
    "outside-us": "Outside the US",
    "pre-residency-fellowship": "Pre-residency fellowship",
    "failed-then-passed": "Passed after a failed attempt",
}


def label(code: str) -> str:
    """The label shown to people for a stored code."""
    if code in DIVISION_REGION and code != "territories":
        return code.replace("-", " ").title()
    if code in _LABEL_OVERRIDES:
        return _LABEL_OVERRIDES[code]
    if code in STATE_NAMES:
        return STATE_NAMES[code]
    return _label(code)


USMLE_STEP1: tuple[str, ...] = ("not-taken", "passed", "failed-then-passed", "failed")
USMLE_STEP2CK: tuple[str, ...] = ("not-taken", "score", "failed")  # "score": a score 180-300
USMLE_STEP2CK_SCORE_RANGE = (180, 300)
USMLE_STEP3: tuple[str, ...] = ("not-taken", "passed")
OET: tuple[str, ...] = ("not-taken", "passed")
# A region preference may name a state (USPS code) or a census division.
REGION_PREFERENCE_CODES: tuple[str, ...] = STATES + CENSUS_DIVISIONS
MENTOR_CAPACITY_RANGE = (0, 20)
HOURS_PER_MONTH_RANGE = (1, 40)
USCE_MONTHS_RANGE = (1, 120)
GRADUATION_YEAR_MIN = 1960
# The residency Match a mentee aims for (MenteeProfile.target_match_year; programmes' eligibility).
MATCH_YEAR_RANGE = (2000, 2100)


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 mentor', '3 mentors', '0 mentors'; ``plural_form`` for words that do not take an s
    ('1 person', '2 people'). Counts of a thousand or more get separators: '12,000 mentees'."""
    word = singular if count == 1 else (plural_form or singular + "s")
    number = f"{count:,}" if isinstance(count, int) and not isinstance(count, bool) else count
    return f"{number} {word}"


def usce_text(entries: list[dict] | None) -> str:
    """'Observership (3 months), Externship (1 month)'."""
    return ", ".join(
        f"{label(entry['type'])} ({plural(entry['months'], 'month')})" for entry in entries or []
    )
