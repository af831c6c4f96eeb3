"""The mentees a round left without a mentor, and why, in words a coordinator can act on."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from mentormatch.extensions import db
from mentormatch.models import RoundUnmatched, User

# The engine's messages name matrix indices; coordinators read these instead (the engine's
# message stays available as detail).
REASON_TEXT = {
    "no_allowed_mentor": "No mentor is allowed for this mentee: every pair is forbidden or "
    "scores below the minimum score. Lower the minimum score or remove a forbid.",
    "no_seats": "The mentors who fit this mentee have no free seats left. Ask them for more "
    "capacity, or recruit mentors in this specialty.",
    "mentors_full": "Every mentor this mentee could have is taken by mentees who have no other "
    "option. Add capacity or allow more pairs.",
    "lowers_total_score": "A mentor was free, but placing this mentee would lower the total "
    "score (objective 'score'). The 'coverage' objective would match them.",
    "only_negative_scores": "Every allowed mentor scores below zero for this mentee under the "
    "'score' objective.",
}


@dataclass(frozen=True)
class UnmatchedRow:
    mentee_id: int
    name: str
    email: str
    reason: str
    message: str

    @property
    def explanation(self) -> str:
        return REASON_TEXT.get(self.reason, self.message)


def unmatched(round_id: int, limit: int | None = None) -> list[UnmatchedRow]:
    """The round's unmatched mentees by name (the first ``limit`` of them)."""
    rows = db.session.execute(
        select(RoundUnmatched, User)
        .join(User, User.id == RoundUnmatched.mentee_id)
        .where(RoundUnmatched.round_id == round_id)
        .order_by(User.full_name, User.id)
        .limit(limit)
    ).all()
    return [
        UnmatchedRow(row.mentee_id, user.full_name, user.email, row.reason, row.message)
        for row, user in rows
    ]


def unmatched_by_reason(round_id: int) -> list[tuple[str, int]]:
    """(plain explanation, number of mentees) per reason, most common first."""
    rows = db.session.execute(
        select(RoundUnmatched.reason, func.count())
        .where(RoundUnmatched.round_id == round_id)
        .group_by(RoundUnmatched.reason)
        .order_by(func.count().desc(), RoundUnmatched.reason)
    ).all()
    return [(REASON_TEXT.get(reason, reason), count) for reason, count in rows]
