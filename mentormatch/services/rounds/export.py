"""A round's pairs as CSV, one row per pair, by mentee email.

Every part of the score has its column, the optional extras (support, language, img_mentor,
visa) included whatever their weight in the round (a value is what the pair would add were
the part weighted); their cells are empty for rounds run before the extras existed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.orm import aliased

from mentormatch.extensions import db
from mentormatch.models import RoundPair, User
from mentormatch.services.csv_profiles.columns import neutralise
from mentormatch.services.rounds.lookup import get_round
from mentormatch.services.rounds.settings import WEIGHT_NAMES

PART_COLUMNS = tuple(f"{name}_score" for name in WEIGHT_NAMES)  # RoundPair's columns
EXPORT_COLUMNS = ("mentee_email", "mentor_email", "score", *PART_COLUMNS, "locked")


def iter_export_csv(round_id: int) -> Iterator[str]:
    """The export as CSV text, line by line; cells a spreadsheet would run are made text.

    Raises NotFound at once (not when the first line is read) for a round that does not exist.
    """
    get_round(round_id)
    return _csv_lines(_pair_rows(round_id))


def _pair_rows(round_id: int) -> Iterator[dict[str, object]]:
    mentee, mentor = aliased(User), aliased(User)
    rows = db.session.execute(
        select(RoundPair, mentee.email, mentor.email)
        .join(mentee, mentee.id == RoundPair.mentee_id)
        .join(mentor, mentor.id == RoundPair.mentor_id)
        .where(RoundPair.round_id == round_id)
        .order_by(mentee.email)
    )
    for pair, mentee_email, mentor_email in rows:
        yield {
            "mentee_email": mentee_email,
            "mentor_email": mentor_email,
            "score": f"{pair.score:.6f}",
            **{column: _number(getattr(pair, column)) for column in PART_COLUMNS},
            "locked": "yes" if pair.locked else "no",
        }


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.6f}"


def _csv_lines(rows: Iterable[dict[str, object]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(cells) -> str:
        writer.writerow([neutralise(str(cell)) for cell in cells])
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield line(EXPORT_COLUMNS)
    for row in rows:
        yield line(row[column] for column in EXPORT_COLUMNS)
