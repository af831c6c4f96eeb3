"""An accepted mentorship (a round run, published and accepted through the services) and its
two people, for the mentorship workspace tests."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text

from mentormatch.extensions import db
from mentormatch.services import proposals
from tests.helpers import make_user
from tests.proposal_helpers import Person, person, proposal_id, publish, run_round


@dataclass(frozen=True)
class Pair:
    mentee: Person
    mentor: Person
    mentorship_id: int
    outsider: Person  # another mentee, with no part in it
    coordinator: Person


def accepted_pair(app, **mentee_fields) -> Pair:
    mentee = person(app, "mentee", "Ana Sharma", **mentee_fields)
    mentor = person(app, "mentor", "Irene Mehta")
    assert publish(app, run_round(app, "Spring")) == 1
    mentorship_id = proposal_id(app, mentee, mentor)
    with app.app_context():
        proposals.accept(mentorship_id, mentor.id)
    outsider = person(app, "mentee", "Ben Okafor", specialty="pediatrics")
    coordinator_id, coordinator_email = make_user(app, "coordinator", "carla@example.org")
    return Pair(
        mentee,
        mentor,
        mentorship_id,
        outsider,
        Person(coordinator_id, coordinator_email, "Test Coordinator"),
    )


def started(app, mentorship_id: int, days_ago: int) -> None:
    """Move the mentorship's start (acceptance) ``days_ago`` into the past."""
    with app.app_context():
        db.session.execute(
            text("UPDATE mentorships SET responded_at = :at WHERE id = :id"),
            {"at": _days_from_now(-days_ago), "id": mentorship_id},
        )
        db.session.commit()


def _days_from_now(days: int):
    from datetime import timedelta

    from mentormatch.models.times import utcnow

    return utcnow() + timedelta(days=days)
