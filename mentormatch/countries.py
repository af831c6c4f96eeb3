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


@cache
def language_names() -> dict[str, str]:
    """ISO 639-1 two-letter code -> English name."""
    names = {
        lang.alpha_2: lang.name for lang in pycountry.languages if getattr(lang, "alpha_2", None)
    }
    return dict(sorted(names.items(), key=lambda item: item[1]))


def world_region(country_code: str | None) -> str:
    return COUNTRY_REGION.get((country_code or "").upper(), "other")
