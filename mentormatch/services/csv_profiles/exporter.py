"""Exporting mentees or mentors to CSV, in the columns the import reads.

Exporting and importing the result changes nothing. Cells a spreadsheet would run as a
formula get a leading apostrophe, which the import strips again. The file starts with a
UTF-8 byte order mark so that Excel shows names in any script correctly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import TextIO

from sqlalchemy import select

from mentormatch.extensions import db
from mentormatch.models import Role, User
from mentormatch.services.csv_profiles.columns import (
    Layout,
    layout_for,
    neutralise,
    profile_cells,
    stored_values,
)
from mentormatch.services.programmes import access

BYTE_ORDER_MARK = "\ufeff"
_BATCH = 1000


def iter_export(kind: str, programme_ids: frozenset[int] | None = None) -> Iterator[str]:
    """The file in pieces of text (header first, people ordered by email), for streaming; the
    members (active or applying) of ``programme_ids`` only, when given."""
    layout = layout_for(kind)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(layout.columns)
    yield BYTE_ORDER_MARK + _take(buffer)
    for count, row in enumerate(_rows(layout, programme_ids), start=1):
        writer.writerow(row)
        if count % _BATCH == 0:
            yield _take(buffer)
    yield _take(buffer)


# One made-up person per kind, in the cells a coordinator would write: the template's example
# row (a test imports it, so it stays valid as the columns change).
EXAMPLES = {
    Role.MENTEE.value: {
        "email": "amina.bello@example.org",
        "full_name": "Dr Amina Bello",
        "home_country": "NG",
        "specialty": "internal-medicine",
        "preferred_regions": "NY;new-england",
        "research_interests": "case-report;cardiovascular;health-equity",
        "medical_school": "University of Lagos",
        "graduation_year": "2020",
        "degree": "mbbs",
        "specialty_second": "cardiology",
        "target_match_year": "2027",
        "regions_anywhere": "no",
        "research_tags": "heart failure",
        "goals": "residency-match;research-position",
        "support_sought": "research-guidance;letters-of-recommendation",
        "usmle_step1": "passed",
        "usmle_step2ck": "score",
        "usmle_step2ck_score": "245",
        "usmle_step3": "not-taken",
        "oet": "passed",
        "ecfmg_status": "certified",
        "immigration_status": "outside-us",
        "visa_needed": "j1",
        "usce": "observership:3",
        "research_experience": "institutional-unfunded",
        "publications": "2",
        "first_author_publications": "1",
        "languages": "en;yo",
        "prefers_img_mentor": "yes",
        "hours_per_month": "8",
        "about": "Aiming for internal medicine residency in the Northeast.",
    },
    Role.MENTOR.value: {
        "email": "ravi.menon@example.org",
        "full_name": "Dr Ravi Menon",
        "specialty": "cardiology",
        "state": "NY",
        "research_interests": "cardiovascular;clinical-trial",
        "capacity": "3",
        "position": "attending",
        "subspecialty": "",
        "institution": "Mercy Hospital",
        "city": "Buffalo",
        "programme_type": "community",
        "research_tags": "heart failure",
        "support_offered": "research-guidance;letters-of-recommendation;visa-guidance",
        "is_img": "yes",
        "visa_sponsorship": "j1",
        "languages": "en;ml",
        "about": "Programme director; happy to review applications.",
    },
}


def template_text(kind: str) -> str:
    """A file to start from: the header of every column and one example row, UTF-8 with a
    byte order mark like the export."""
    layout = layout_for(kind)
    example = EXAMPLES[layout.kind]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(layout.columns)
    writer.writerow([neutralise(example.get(name, "")) for name in layout.columns])
    return BYTE_ORDER_MARK + buffer.getvalue()


def write_export(kind: str, out: TextIO, programme_id: int | None = None) -> int:
    """Write the file to ``out`` (opened with newline=''): everyone of ``kind``, or only the
    members of programme ``programme_id``; return how many people it holds."""
    layout = layout_for(kind)
    writer = csv.writer(out, lineterminator="\r\n")
    out.write(BYTE_ORDER_MARK)
    writer.writerow(layout.columns)
    count = 0
    ids = frozenset({programme_id}) if programme_id is not None else None
    for count, row in enumerate(_rows(layout, ids), start=1):  # noqa: B007 - count is the result
        writer.writerow(row)
    return count


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _rows(layout: Layout, programme_ids: frozenset[int] | None = None) -> Iterator[list[str]]:
    profile = layout.profile_model
    query = (
        select(User, profile)
        .outerjoin(profile, profile.user_id == User.id)
        .where(User.role == layout.kind)
        .order_by(User.email)
        .execution_options(yield_per=_BATCH)
    )
    members = access.member_clause(User.id, programme_ids)
    if members is not None:
        query = query.where(members)
    for user, found in db.session.execute(query):
        cells = profile_cells(layout, stored_values(layout, found))
        cells["email"] = user.email
        cells["full_name"] = user.full_name
        yield [neutralise(cells[name]) for name in layout.columns]
