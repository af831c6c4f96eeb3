"""Mentor seats: the capacity guarantee, enforced by the database.

Every proposed or accepted mentorship holds one of its mentor's seats. A seat is taken with a
conditional UPDATE (``seats_taken < capacity``), which the database applies atomically under
its row lock (PostgreSQL) or write lock (SQLite), and the table's CHECK constraint
``seats_taken <= capacity`` backs it up. So no interleaving of requests — two tabs, two
coordinators publishing, a mentor lowering their capacity — can overfill a mentor.

These functions join the caller's transaction; they never commit.
"""

from __future__ import annotations

from sqlalchemy import case, update

from mentormatch.extensions import db
from mentormatch.models import MentorProfile


def take_seat(mentor_id: int) -> bool:
    """Take one seat of ``mentor_id``; False when the mentor is full (nothing changed)."""
    result = db.session.execute(
        update(MentorProfile)
        .where(
            MentorProfile.user_id == mentor_id,
            MentorProfile.seats_taken < MentorProfile.capacity,
        )
        .values(seats_taken=MentorProfile.seats_taken + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def release_seat(mentor_id: int) -> None:
    """Give back one seat (a proposal declined or expired, a mentorship ended). A paused
    mentor's capacity follows the seats down, so that the freed seat is not offered."""
    paused = MentorProfile.capacity_before_pause.is_not(None)
    db.session.execute(
        update(MentorProfile)
        .where(MentorProfile.user_id == mentor_id, MentorProfile.seats_taken > 0)
        .values(
            seats_taken=MentorProfile.seats_taken - 1,
            capacity=case((paused, MentorProfile.capacity - 1), else_=MentorProfile.capacity),
        )
        .execution_options(synchronize_session=False)
    )
