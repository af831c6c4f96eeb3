"""Countries (ISO 3166-1 alpha-2) and languages (ISO 639-1), with the world region of each
country, used for mentee home countries and the fairness view by home region."""

from __future__ import annotations

from functools import cache

import pycountry

# World Bank regions; a code missing here (uninhabited territories) counts as "other".
_REGION_MEMBERS = {
    "south-asia": "AF BD BT IN LK MV NP PK",
    "middle-east-north-africa": (
        "AE BH DJ DZ EG EH IL IQ IR JO KW LB LY MA MT OM PS QA SA SY TN YE"
    ),
    "sub-saharan-africa": (
        "AO BF BI BJ BW CD CF CG CI CM CV ER ET GA GH GM GN GQ GW KE KM LR LS MG ML MR MU MW MZ "
        "NA NE NG RE RW SC SD SH SL SN SO SS ST SZ TD TG TZ UG YT ZA ZM ZW"
    ),
    "east-asia-pacific": (
        "AS AU BN CC CK CN CX FJ FM GU HK ID JP KH KI KP KR LA MH MM MN MO MP MY NC NF NR NU "
        "NZ PF PG PH PN PW SB SG TH TK TL TO TV TW VN VU WF WS"
    ),
    "latin-america-caribbean": (
        "AG AI AR AW BB BL BO BQ BR BS BZ CL CO CR CU CW DM DO EC FK GD GF GP GS GT GY HN HT "
        "JM KN KY LC MF MQ MS MX NI PA PE PR PY SR SV SX TC TT UY VC VE VG VI"
    ),
    "europe-central-asia": (
        "AD AL AM AT AX AZ BA BE BG BY CH CY CZ DE DK EE ES FI FO FR GB GE GG GI GL GR HR HU "
        "IE IM IS IT JE KG KZ LI LT LU LV MC MD ME MK NL NO PL PT RO RS RU SE SI SJ SK SM TJ "
        "TM TR UA UZ VA XK"
    ),
    "north-america": "BM CA PM US",
}
WORLD_REGIONS: tuple[str, ...] = (*_REGION_MEMBERS, "other")
WORLD_REGION_LABELS: dict[str, str] = {
    "south-asia": "South Asia",
    "middle-east-north-africa": "Middle East and North Africa",
    "sub-saharan-africa": "Sub-Saharan Africa",
    "east-asia-pacific": "East Asia and Pacific",
    "latin-america-caribbean": "Latin America and Caribbean",
    "europe-central-asia": "Europe and Central Asia",
    "north-america": "North America",
    "other": "Other or not given",
}
COUNTRY_REGION: dict[str, str] = {
    code: region for region, members in _REGION_MEMBERS.items() for code in members.split()
}


@cache
def country_names() -> dict[str, str]:
    """alpha-2 code -> common name, for every ISO 3166-1 country."""
    names = {c.alpha_2: getattr(c, "common_name", None) or c.name for c in pycountry.countries}
    names["XK"] = "Kosovo"  # user-assigned code in wide use
    return dict(sorted(names.items(), key=lambda item: item[1]))


# The name people use where ISO's differs ("Modern Greek (1453-)", "Panjabi").
_LANGUAGE_NAME_OVERRIDES = {
    "el": "Greek",
    "pa": "Punjabi",
    "ps": "Pashto",
    "or": "Odia",
    "to": "Tongan",
    "ia": "Interlingua",
    "ht": "Haitian Creole",
}
# Other names people write for a language: lower-case name -> ISO 639-1 code.
_LANGUAGE_ALIASES = {
    "farsi": "fa",
    "panjabi": "pa",
    "pushto": "ps",
    "oriya": "or",
    "filipino": "tl",
    "bangla": "bn",
    "mandarin": "zh",
    "cantonese": "zh",
    "castilian": "es",
    "flemish": "nl",
    "haitian": "ht",
    "kirghiz": "ky",
    "moldovan": "ro",
    "sinhalese": "si",
    "brazilian portuguese": "pt",
}


def _plain_name(name: str) -> str:
    """'Nepali (macrolanguage)' -> 'Nepali'."""
    return name.split(" (", 1)[0]


@cache
def language_names() -> dict[str, str]:
    """ISO 639-1 two-letter code -> English name, ordered by name."""
    names = {
        lang.alpha_2: _LANGUAGE_NAME_OVERRIDES.get(lang.alpha_2) or _plain_name(lang.name)
        for lang in pycountry.languages
        if getattr(lang, "alpha_2", None)
    }
    return dict(sorted(names.items(), key=lambda item: item[1]))


@cache
def language_lookup() -> dict[str, str]:
    """Everything a person may write for a language, lower-cased -> its ISO 639-1 code: the
    code itself, its name (ours and ISO's), a common other name, or a three-letter code."""
    table: dict[str, str] = {}
    languages = [lang for lang in pycountry.languages if getattr(lang, "alpha_2", None)]
    for lang in languages:
        table[lang.alpha_2.lower()] = lang.alpha_2
    for code, name in language_names().items():
        table.setdefault(name.lower(), code)
    for lang in languages:
        for name in (lang.name, _plain_name(lang.name)):
            table.setdefault(name.lower(), lang.alpha_2)
    for alias, code in _LANGUAGE_ALIASES.items():
        table.setdefault(alias, code)
    for lang in languages:
        for three in (lang.alpha_3, getattr(lang, "bibliographic", None)):
            if three:
                table.setdefault(three.lower(), lang.alpha_2)
    return table


def language_list_text(codes: list[str] | None) -> str:
    """['en', 'es'] -> 'English, Spanish' (a code we do not know is shown as it is)."""
    names = language_names()
    return ", ".join(names.get(code, code) for code in codes or [])


def world_region(country_code: str | None) -> str:
    return COUNTRY_REGION.get((country_code or "").upper(), "other")
