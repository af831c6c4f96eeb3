"""A round's pairs as CSV, one row per pair, by mentee email; once the round is published,
each with its mentor's answer (and the reason of a decline: the export is for coordinators).

Every part of the score has its column, the optional extras (support, language, img_mentor,
visa) included whatever their weight in the round (a value is what the pair would add were
the part weighted); their cells are empty for rounds run before the extras existed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from mentormatch.extensions import db
from mentormatch.models import Mentorship, MentorshipStatus, RoundPair, User
from mentormatch.models.times import as_utc
from mentormatch.services.csv_profiles.columns import neutralise
from mentormatch.services.rounds.lookup import get_round
from mentormatch.services.rounds.pairs import ANSWER_LABELS, answer_join
from mentormatch.services.rounds.settings import WEIGHT_NAMES

PART_COLUMNS = tuple(f"{name}_score" for name in WEIGHT_NAMES)  # RoundPair's columns
ANSWER_COLUMNS = ("answer", "deadline", "answered_at", "decline_reason")
EXPORT_COLUMNS = ("mentee_email", "mentor_email", "score", *PART_COLUMNS, "locked",
                  *ANSWER_COLUMNS)  # fmt: skip


def iter_export_csv(round_id: int, state: MentorshipStatus | None = None) -> Iterator[str]:
    """The export as CSV text, line by line (only the pairs whose answer is ``state``, if
    given); cells a spreadsheet would run are made text.

    Raises NotFound at once (not when the first line is read) for a round that does not exist.
    """
    get_round(round_id)
    return _csv_lines(_pair_rows(round_id, state))


def _moment(value: datetime | None) -> str:
    return as_utc(value).strftime("%Y-%m-%d %H:%M UTC") if value else ""


def _answer_cells(proposal: Mentorship | None) -> dict[str, str]:
    if proposal is None:  # not published (yet)
        return dict.fromkeys(ANSWER_COLUMNS, "")
    status = MentorshipStatus(proposal.status)
    return {
        "answer": ANSWER_LABELS[status],
        "deadline": _moment(proposal.expires_at) if status == MentorshipStatus.PROPOSED else "",
        "answered_at": _moment(proposal.responded_at),
        "decline_reason": proposal.response_reason or "",
    }


def _pair_rows(round_id: int, state: MentorshipStatus | None) -> Iterator[dict[str, object]]:
    mentee, mentor = aliased(User), aliased(User)
    statement = (
        select(RoundPair, mentee.email, mentor.email, Mentorship)
        .join(mentee, mentee.id == RoundPair.mentee_id)
        .join(mentor, mentor.id == RoundPair.mentor_id)
        .outerjoin(Mentorship, answer_join())
        .where(RoundPair.round_id == round_id)
        .order_by(mentee.email)
    )
    if state is not None:
        statement = statement.where(Mentorship.status == state)
    for pair, mentee_email, mentor_email, proposal in db.session.execute(statement):
        yield {
            "mentee_email": mentee_email,
            "mentor_email": mentor_email,
            "score": f"{pair.score:.6f}",
            **{column: _number(getattr(pair, column)) for column in PART_COLUMNS},
            "locked": "yes" if pair.locked else "no",
            **_answer_cells(proposal),
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
