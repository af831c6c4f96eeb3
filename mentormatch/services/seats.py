"""Mentor seats: the capacity guarantee, enforced by the database.

Every proposed or accepted mentorship holds one of its mentor's seats twice over: one of the
overall capacity (the profile's ``seats_taken < capacity``) and one of the seats the mentor
offers in that mentorship's programme (the membership's ``seats_taken < seats``; seats None
means "up to the overall capacity"). Each is taken with a conditional UPDATE, which the
database applies atomically under its row lock (PostgreSQL) or write lock (SQLite), and each
table's CHECK constraint backs it up. So no interleaving of requests — two tabs, two
coordinators publishing in two programmes at once, a mentor lowering their capacity — can
overfill a mentor, in one programme or overall.

Lock order: the membership row (one per programme) first, then the profile row (shared by the
programmes); publishing takes seats in mentor order, so concurrent publishes cannot deadlock.

These functions join the caller's transaction; they never commit.
"""

from __future__ import annotations

from sqlalchemy import case, func, update

from mentormatch.extensions import db
from mentormatch.models import MentorProfile, ProgrammeMember


def _take_programme_seat(mentor_id: int, programme_id: int) -> bool:
    result = db.session.execute(
        update(ProgrammeMember)
        .where(
            ProgrammeMember.user_id == mentor_id,
            ProgrammeMember.programme_id == programme_id,
            ProgrammeMember.seats.is_(None)
            | (ProgrammeMember.seats_taken < ProgrammeMember.seats),
        )
        .values(seats_taken=ProgrammeMember.seats_taken + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _give_back_programme_seat(mentor_id: int, programme_id: int) -> None:
    db.session.execute(
        update(ProgrammeMember)
        .where(
            ProgrammeMember.user_id == mentor_id,
            ProgrammeMember.programme_id == programme_id,
            ProgrammeMember.seats_taken > 0,
        )
        .values(seats_taken=ProgrammeMember.seats_taken - 1)
        .execution_options(synchronize_session=False)
    )


def take_seat(mentor_id: int, programme_id: int) -> bool:
    """Take one seat of ``mentor_id`` in ``programme_id`` (and one of the overall capacity);
    False when the mentor is full in either (nothing changed)."""
    if not _take_programme_seat(mentor_id, programme_id):
        return False
    result = db.session.execute(
        update(MentorProfile)
        .where(
            MentorProfile.user_id == mentor_id,
            MentorProfile.seats_taken < MentorProfile.capacity,
        )
        .values(seats_taken=MentorProfile.seats_taken + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 1:
        return True
    _give_back_programme_seat(mentor_id, programme_id)
    return False


def release_seat(mentor_id: int, programme_id: int) -> None:
    """Give back one seat (a proposal declined or expired, a mentorship ended). A paused
    mentor's capacity follows the seats down, so that the freed seat is not offered."""
    _give_back_programme_seat(mentor_id, programme_id)
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


def free_seats_expression():
    """SQL: a member mentor's free seats in the membership's programme (the smaller of what is
    left there and what is left overall); needs ProgrammeMember joined with MentorProfile."""
    in_programme = (
        func.coalesce(ProgrammeMember.seats, MentorProfile.capacity) - ProgrammeMember.seats_taken
    )
    overall = MentorProfile.capacity - MentorProfile.seats_taken
    return case((in_programme < overall, in_programme), else_=overall)
