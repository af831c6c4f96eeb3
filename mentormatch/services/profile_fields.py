"""Parsing and validating profile fields, shared by the web forms and the CSV import.

Input is loose (a form's lists or a spreadsheet's ``a; b`` cells, codes in any case, or an
unambiguous label); output is clean codes. Every problem is reported as (field, message) with
the value and what was expected, all at once, so a person can fix a row in one go.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from functools import cache
from typing import Any

from mentormatch import codes
from mentormatch.countries import country_names, language_lookup
from mentormatch.services.errors import ValidationError

MULTI_SEPARATOR = ";"  # what the export writes between codes
# What a person may write between codes: no code or label holds either character.
_CODE_SEPARATORS = re.compile(r"[;,]")
TEXT_MAX = 200
ABOUT_MAX = 2000
TAG_MAX = 40
TAGS_MAX_COUNT = 20


def _split(value: Any, separators: re.Pattern[str] | None = None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        items: Iterable[Any] = (
            separators.split(value) if separators else value.split(MULTI_SEPARATOR)
        )
    else:
        items = value
    return [str(item).strip() for item in items if str(item).strip()]


def split_codes(text: str | None) -> list[str]:
    """'NY; CA', 'NY, CA' -> ['NY', 'CA']: the items of a cell or field that lists codes."""
    return _split(text, _CODE_SEPARATORS)


# lower-cased code or label -> code, one table per code list. An import looks up every cell
# of every row, so a table is found by the identity of the (module-level) code list and
# labels it is built from, not by hashing their contents each time; the cache keeps them
# alive, so an identity is never reused for other objects.
_LOOKUP_CACHE: dict[tuple[int, int], tuple[object, object, dict[str, str]]] = {}


def _lookup_table(allowed: Sequence[str], labels: Mapping[str, str] | None = None) -> dict:
    key = (id(allowed), id(labels))
    cached = _LOOKUP_CACHE.get(key)
    if cached is None:
        cached = _LOOKUP_CACHE[key] = (allowed, labels, _build_lookup_table(allowed, labels))
    return cached[2]


def _build_lookup_table(allowed: Sequence[str], labels: Mapping[str, str] | None) -> dict:
    """lower-cased code or label -> code; labels shared by two codes are left out."""
    table: dict[str, str | None] = {}
    for code in allowed:
        table[code.lower()] = code
    for code in allowed:
        text = (labels.get(code) if labels else None) or codes.label(code)
        key = text.lower()
        if key in table and table[key] != code:
            if table[key] is not None and table[key].lower() != key:
                table[key] = None  # ambiguous label
        else:
            table.setdefault(key, code)
    return {key: code for key, code in table.items() if code is not None}


class FieldParser:
    """Collects problems while converting raw values; ``raise_if_any`` at the end."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = raw
        self.problems: list[tuple[str, str]] = []

    def _text(self, name: str) -> str:
        value = self.raw.get(name)
        return "" if value is None else str(value).strip()

    def fail(self, name: str, message: str) -> None:
        self.problems.append((name, message))

    def raise_if_any(self) -> None:
        if self.problems:
            raise ValidationError(self.problems)

    def code(
        self,
        name: str,
        allowed: Sequence[str],
        *,
        required: bool = False,
        labels: Mapping[str, str] | None = None,
        what: str = "",
    ) -> str | None:
        text = self._text(name)
        if not text:
            if required:
                self.fail(name, f"Required: choose {what or 'one of ' + _examples(allowed)}.")
            return None
        found = _lookup_table(allowed, labels).get(text.lower())
        if found is None:
            self.fail(
                name, f"'{text}' is not a known {what or 'value'}; expected {_examples(allowed)}."
            )
        return found

    def codes(
        self,
        name: str,
        allowed: Sequence[str],
        *,
        labels: Mapping[str, str] | None = None,
        what: str = "",
    ) -> list[str]:
        table = _lookup_table(allowed, labels)
        result: list[str] = []
        unknown: list[str] = []
        for item in _split(self.raw.get(name), _CODE_SEPARATORS):
            code = table.get(item.lower())
            if code is None:
                unknown.append(item)
            elif code not in result:
                result.append(code)
        if unknown:
            shown = ", ".join(f"'{item}'" for item in unknown[:5])
            self.fail(
                name,
                f"{shown} not known {what or 'values'}; expected codes such as "
                f"{_examples(allowed)} separated by '{MULTI_SEPARATOR}'.",
            )
        return result

    def languages(self, name: str) -> list[str]:
        """Language names or ISO codes, in any case, separated by commas or semicolons:
        'English, Spanish', 'en; es', 'english'."""
        table = language_lookup()
        result: list[str] = []
        unknown: list[str] = []
        for item in _split(self.raw.get(name), _CODE_SEPARATORS):
            code = table.get(" ".join(item.split()).lower())
            if code is None:
                unknown.append(item)
            elif code not in result:
                result.append(code)
        if unknown:
            shown = " and ".join(f"'{item}'" for item in unknown[:5])
            verb = "is not a language" if len(unknown) == 1 else "are not languages"
            self.fail(
                name,
                f"{shown} {verb} we know. Write language names or ISO codes separated by "
                "commas, for example: English, Spanish (or en, es).",
            )
        return result

    def text(self, name: str, *, required: bool = False, max_length: int = TEXT_MAX) -> str | None:
        text = " ".join(self._text(name).split()) if name != "about" else self._text(name)
        if not text:
            if required:
                self.fail(name, "Required.")
            return None
        if len(text) > max_length:
            self.fail(name, f"Use at most {max_length} characters (this has {len(text)}).")
            return None
        return text

    def integer(
        self,
        name: str,
        low: int,
        high: int,
        *,
        required: bool = False,
        default: int | None = None,
        meaning: str = "",
    ) -> int | None:
        """A whole number from ``low`` to ``high``; ``meaning`` ('0 pauses matching') is
        added to every message about it."""
        text = self._text(name)
        note = f" ({meaning})" if meaning else ""
        if not text:
            if required:
                self.fail(name, f"Required: a whole number from {low} to {high}{note}.")
            return default
        number = _whole_number(text)
        if number is None:
            self.fail(name, f"'{text}' is not a whole number; expected {low} to {high}{note}.")
            return default
        if not low <= number <= high:
            self.fail(name, f"Must be {low} to {high}{note}; got {number}.")
            return default
        return number

    def boolean(self, name: str) -> bool:
        value = self.raw.get(name)
        if isinstance(value, bool):
            return value
        text = self._text(name).lower()
        if text in {"", "no", "n", "false", "0", "off", "no-preference", "no preference"}:
            return False
        if text in {"yes", "y", "true", "1", "on"}:
            return True
        self.fail(name, f"'{self._text(name)}' is not yes or no.")
        return False

    def tags(self, name: str) -> list[str]:
        result: list[str] = []
        for item in _split(self.raw.get(name)):
            tag = " ".join(item.split()).lower()
            if len(tag) > TAG_MAX:
                self.fail(name, f"Tag '{item[:20]}…' is longer than {TAG_MAX} characters.")
            elif tag not in result:
                result.append(tag)
        if len(result) > TAGS_MAX_COUNT:
            self.fail(name, f"Use at most {TAGS_MAX_COUNT} tags (got {len(result)}).")
        return result[:TAGS_MAX_COUNT]


def _whole_number(text: str) -> int | None:
    """'12' or '12.0' -> 12; anything else -> None."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() and abs(number) < 1e9 else None


def _examples(allowed: Sequence[str], count: int = 4) -> str:
    shown = ", ".join(allowed[:count])
    return shown + (" and others" if len(allowed) > count else "")


@cache
def _country_codes() -> tuple[str, ...]:
    return tuple(country_names())


@dataclass(frozen=True)
class MenteeFields:
    home_country: str | None = None
    medical_school: str | None = None
    graduation_year: int | None = None
    degree: str | None = None
    specialty: str | None = None
    specialty_second: str | None = None
    target_match_year: int | None = None
    preferred_regions: list[str] = field(default_factory=list)
    regions_anywhere: bool = False
    research_interests: list[str] = field(default_factory=list)
    research_tags: list[str] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)
    support_sought: list[str] = field(default_factory=list)
    usmle_step1: str | None = None
    usmle_step2ck: str | None = None
    usmle_step2ck_score: int | None = None
    usmle_step3: str | None = None
    oet: str | None = None
    ecfmg_status: str | None = None
    immigration_status: str | None = None
    visa_needed: str | None = None
    usce: list[dict] = field(default_factory=list)
    research_experience: str | None = None
    publications: int = 0
    first_author_publications: int = 0
    languages: list[str] = field(default_factory=list)
    prefers_img_mentor: bool = False
    hours_per_month: int | None = None
    about: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class MentorFields:
    position: str | None = None
    specialty: str | None = None
    subspecialty: str | None = None
    institution: str | None = None
    city: str | None = None
    state: str | None = None
    programme_type: str | None = None
    research_interests: list[str] = field(default_factory=list)
    research_tags: list[str] = field(default_factory=list)
    support_offered: list[str] = field(default_factory=list)
    is_img: bool = False
    visa_sponsorship: str | None = None
    languages: list[str] = field(default_factory=list)
    capacity: int = 2
    about: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


MENTEE_FIELD_NAMES = tuple(f.name for f in fields(MenteeFields))
MENTOR_FIELD_NAMES = tuple(f.name for f in fields(MentorFields))


def _parse_usce(parser: FieldParser) -> list[dict]:
    """'observership:3; externship:2' (or a form's list of such pairs)."""
    entries: list[dict] = []
    for item in _split(parser.raw.get("usce")):
        kind, _, months = item.partition(":")
        kind = kind.strip().lower()
        if kind not in codes.USCE_TYPES:
            parser.fail(
                "usce", f"'{item}': the type must be one of {', '.join(codes.USCE_TYPES)}."
            )
            continue
        try:
            count = int(months.strip())
        except ValueError:
            parser.fail("usce", f"'{item}': write type:months, for example observership:3.")
            continue
        low, high = codes.USCE_MONTHS_RANGE
        if not low <= count <= high:
            parser.fail("usce", f"'{item}': months must be {low} to {high}.")
            continue
        entries.append({"type": kind, "months": count})
    return entries


def _parse_step2ck(parser: FieldParser) -> tuple[str | None, int | None]:
    """Step 2 CK is 'not-taken', 'failed', or a score 180-300, given either in the
    ``usmle_step2ck`` cell itself or as 'score' plus ``usmle_step2ck_score``."""
    text = parser._text("usmle_step2ck").lower()
    if not text:
        return None, None
    if _whole_number(text) is not None:
        status, score_field, score_text = "score", "usmle_step2ck", text
    else:
        status, score_field = text, "usmle_step2ck_score"
        score_text = parser._text("usmle_step2ck_score")
    low, high = codes.USMLE_STEP2CK_SCORE_RANGE
    if status not in codes.USMLE_STEP2CK:
        parser.fail(
            "usmle_step2ck",
            f"'{text}' is not valid; expected not-taken, failed or a score from {low} to {high}.",
        )
        return None, None
    if status != "score":
        return status, None
    score = _whole_number(score_text)
    if score is None or not low <= score <= high:
        parser.fail(
            score_field,
            f"Give the Step 2 CK score as a number from {low} to {high}"
            f"{f' (got {score_text!r})' if score_text else ''}.",
        )
        return None, None
    return status, score


def parse_mentee(raw: Mapping[str, Any]) -> MenteeFields:
    """Validate a mentee profile; raise ValidationError listing every problem."""
    p = FieldParser(raw)
    this_year = dt.date.today().year
    specialty = p.code("specialty", codes.SPECIALTY_CODES, what="specialty")
    second = p.code("specialty_second", codes.SPECIALTY_CODES, what="specialty")
    if specialty and second == specialty:
        p.fail("specialty_second", "The second choice must differ from the first.")
    step2ck, step2ck_score = _parse_step2ck(p)
    publications = p.integer("publications", 0, 500, default=0) or 0
    first_author = p.integer("first_author_publications", 0, 500, default=0) or 0
    if first_author > publications:
        p.fail(
            "first_author_publications",
            f"First-author publications ({first_author}) cannot exceed publications "
            f"({publications}).",
        )
    regions = p.codes(
        "preferred_regions", codes.REGION_PREFERENCE_CODES, what="US states or census divisions"
    )
    result = MenteeFields(
        home_country=p.code(
            "home_country",
            _country_codes(),
            labels=country_names(),
            what="country (ISO code such as IN, EG, NG)",
        ),
        medical_school=p.text("medical_school"),
        graduation_year=p.integer("graduation_year", codes.GRADUATION_YEAR_MIN, this_year),
        degree=p.code("degree", codes.DEGREES, what="degree"),
        specialty=specialty,
        specialty_second=second,
        target_match_year=p.integer("target_match_year", *codes.MATCH_YEAR_RANGE),
        preferred_regions=regions,
        regions_anywhere=p.boolean("regions_anywhere") and not regions,
        research_interests=p.codes(
            "research_interests", codes.RESEARCH_CODES, what="research codes"
        ),
        research_tags=p.tags("research_tags"),
        goals=p.codes("goals", codes.GOALS, what="goals"),
        support_sought=p.codes("support_sought", codes.SUPPORT_CODES, what="support codes"),
        usmle_step1=p.code("usmle_step1", codes.USMLE_STEP1, what="Step 1 result"),
        usmle_step2ck=step2ck,
        usmle_step2ck_score=step2ck_score,
        usmle_step3=p.code("usmle_step3", codes.USMLE_STEP3, what="Step 3 result"),
        oet=p.code("oet", codes.OET, what="OET result"),
        ecfmg_status=p.code("ecfmg_status", codes.ECFMG_STATUSES, what="ECFMG status"),
        immigration_status=p.code(
            "immigration_status", codes.IMMIGRATION_STATUSES, what="immigration status"
        ),
        visa_needed=p.code("visa_needed", codes.VISA_NEEDED, what="visa need"),
        usce=_parse_usce(p),
        research_experience=p.code(
            "research_experience", codes.RESEARCH_EXPERIENCE, what="research experience level"
        ),
        publications=publications,
        first_author_publications=first_author,
        languages=p.languages("languages"),
        prefers_img_mentor=p.boolean("prefers_img_mentor"),
        hours_per_month=p.integer("hours_per_month", *codes.HOURS_PER_MONTH_RANGE),
        about=p.text("about", max_length=ABOUT_MAX),
    )
    p.raise_if_any()
    return result


def parse_mentor(raw: Mapping[str, Any]) -> MentorFields:
    """Validate a mentor profile; raise ValidationError listing every problem."""
    p = FieldParser(raw)
    specialty = p.code("specialty", codes.SPECIALTY_CODES, what="specialty")
    subspecialty = p.code("subspecialty", codes.SPECIALTY_CODES, what="specialty")
    low, high = codes.MENTOR_CAPACITY_RANGE
    result = MentorFields(
        position=p.code("position", codes.MENTOR_ROLES, what="role"),
        specialty=specialty,
        subspecialty=subspecialty,
        institution=p.text("institution"),
        city=p.text("city", max_length=100),
        state=p.code("state", codes.STATES, what="US state (USPS code such as NY)"),
        programme_type=p.code("programme_type", codes.PROGRAMME_TYPES, what="programme type"),
        research_interests=p.codes(
            "research_interests", codes.RESEARCH_CODES, what="research codes"
        ),
        research_tags=p.tags("research_tags"),
        support_offered=p.codes("support_offered", codes.SUPPORT_CODES, what="support codes"),
        is_img=p.boolean("is_img"),
        visa_sponsorship=p.code(
            "visa_sponsorship", codes.VISA_SPONSORSHIP, what="visa sponsorship"
        ),
        languages=p.languages("languages"),
        # Required: a cleared field must not silently become some default.
        capacity=p.integer(
            "capacity", low, high, required=True, default=2, meaning="0 pauses matching"
        ),
        about=p.text("about", max_length=ABOUT_MAX),
    )
    p.raise_if_any()
    return result
