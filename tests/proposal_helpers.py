"""People with passwords and profiles, rounds published through the services, and the
capacity invariants checked in SQL: shared by the proposal web, CLI and concurrency tests."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text

from mentormatch.extensions import db
from mentormatch.models import User
from mentormatch.services.rounds import publishing, transitions
from mentormatch.services.rounds.settings import parse_settings
from tests.helpers import make_user


@dataclass(frozen=True)
class Person:
    id: int
    email: str
    name: str


MENTEE_DEFAULTS = {
    "specialty": "internal-medicine",
    "preferred_regions": ["NY"],
    "research_interests": ["case-report"],
    "home_country": "IN",
}
MENTOR_DEFAULTS = {
    "specialty": "internal-medicine",
    "state": "NY",
    "research_interests": ["case-report"],
    "capacity": 1,
}


def person(app, role: str, name: str, **fields) -> Person:
    """A mentee or mentor who can sign in, with a profile ready for matching."""
    user_id, email = make_user(app, role, email=f"{name.lower().replace(' ', '.')}@example.org")
    with app.app_context():
        user = db.session.get(User, user_id)
        user.full_name = name
        profile = user.mentee_profile if role == "mentee" else user.mentor_profile
        defaults = MENTEE_DEFAULTS if role == "mentee" else MENTOR_DEFAULTS
        for key, value in {**defaults, **fields}.items():
            setattr(profile, key, value)
        db.session.commit()
    return Person(user_id, email, name)


def run_round(app, name: str = "Spring", **settings) -> int:
    """A round run to 'proposed' (the test config runs rounds inline); returns its id."""
    with app.app_context():
        created = transitions.create_round(parse_settings({"name": name, **settings}), None)
        matching_round = transitions.start_round(created.id)
        assert matching_round.status == "proposed", matching_round.error
        return matching_round.id


def publish(app, round_id: int) -> int:
    with app.app_context():
        return publishing.publish_round(round_id)


def proposal_id(app, mentee: Person, mentor: Person) -> int:
    with app.app_context():
        return db.session.execute(
            text("SELECT id FROM mentorships WHERE mentee_id = :e AND mentor_id = :m"),
            {"e": mentee.id, "m": mentor.id},
        ).scalar_one()


def status_of(app, mentorship_id: int) -> str:
    with app.app_context():
        return db.session.execute(
            text("SELECT status FROM mentorships WHERE id = :id"), {"id": mentorship_id}
        ).scalar_one()


def seats(app, mentor: Person) -> tuple[int, int]:
    """(capacity, seats taken) of a mentor, as the database holds them."""
    with app.app_context():
        row = db.session.execute(
            text("SELECT capacity, seats_taken FROM mentor_profiles WHERE user_id = :id"),
            {"id": mentor.id},
        ).one()
        return row.capacity, row.seats_taken


def assert_capacity_invariants(app) -> None:
    """Checked in SQL: no mentor holds more open mentorships than capacity, the seat counter
    matches the open mentorships; per programme, the same of the membership's seats and seat
    counter, and the programmes' counters add up to the overall one; no mentee has two open
    mentorships in one programme."""
    with app.app_context():
        overfull = db.session.execute(
            text(
                "SELECT p.user_id, p.capacity, p.seats_taken, COUNT(m.id) AS open_count "
                "FROM mentor_profiles p LEFT JOIN mentorships m ON m.mentor_id = p.user_id "
                "AND m.status IN ('proposed', 'accepted') "
                "GROUP BY p.user_id, p.capacity, p.seats_taken "
                "HAVING COUNT(m.id) > p.capacity OR COUNT(m.id) != p.seats_taken "
                "OR p.seats_taken > p.capacity"
            )
        ).all()
        assert overfull == [], f"mentors over capacity or miscounted: {overfull}"
        overfull_here = db.session.execute(
            text(
                "SELECT pm.programme_id, pm.user_id, pm.seats, pm.seats_taken, COUNT(m.id) "
                "FROM programme_members pm "
                "JOIN mentor_profiles p ON p.user_id = pm.user_id "
                "LEFT JOIN mentorships m ON m.mentor_id = pm.user_id "
                "AND m.programme_id = pm.programme_id AND m.status IN ('proposed', 'accepted') "
                "GROUP BY pm.programme_id, pm.user_id, pm.seats, pm.seats_taken "
                "HAVING COUNT(m.id) != pm.seats_taken "
                "OR (pm.seats IS NOT NULL AND pm.seats_taken > pm.seats)"
            )
        ).all()
        assert overfull_here == [], (
            f"mentors over their seats in a programme or miscounted there: {overfull_here}"
        )
        outside = db.session.execute(
            text(
                "SELECT m.id FROM mentorships m WHERE m.status IN ('proposed', 'accepted') "
                "AND NOT EXISTS "
                "(SELECT 1 FROM programme_members pm WHERE pm.user_id = m.mentor_id "
                "AND pm.programme_id = m.programme_id)"
            )
        ).all()
        assert outside == [], f"open mentorships of a mentor outside their programme: {outside}"
        unbalanced = db.session.execute(
            text(
                "SELECT p.user_id, p.seats_taken, SUM(pm.seats_taken) FROM mentor_profiles p "
                "JOIN programme_members pm ON pm.user_id = p.user_id "
                "GROUP BY p.user_id, p.seats_taken HAVING SUM(pm.seats_taken) != p.seats_taken"
            )
        ).all()
        assert unbalanced == [], f"programme seat counters do not add up: {unbalanced}"
        doubled = db.session.execute(
            text(
                "SELECT programme_id, mentee_id, COUNT(*) FROM mentorships "
                "WHERE status IN ('proposed', 'accepted') "
                "GROUP BY programme_id, mentee_id HAVING COUNT(*) > 1"
            )
        ).all()
        assert doubled == [], f"mentees with two open mentorships in a programme: {doubled}"
