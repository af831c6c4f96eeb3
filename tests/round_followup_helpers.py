"""A published round whose mentors answered in every way, for the follow-up tests.

Four mentees, each proposed to the one mentor of their specialty and state:

- Ana Sharma (internal medicine, NY) -> Irene Mehta: accepted;
- Ben Okafor (pediatrics, TX) -> Paul Reyes: declined, with a reason;
- Cho Lim (psychiatry, CA) -> Sam Lee: expired without an answer;
- Dev Patel (neurology, IL) -> Nia Brown: pending.

Rosa Diaz (pediatrics, FL) has a free seat all along: the best mentor Ben can have once Paul
said no.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from mentormatch.extensions import db
from mentormatch.models import Mentorship
from mentormatch.services import proposals
from tests.proposal_helpers import Person, person, proposal_id, publish, run_round

DECLINE_REASON = "No time this term, sorry: I start nights in May"


@dataclass
class Programme:
    people: dict[str, Person]
    round_id: int
    proposals: dict[str, int]  # mentee key -> mentorship id

    def __getitem__(self, key: str) -> Person:
        return self.people[key]


def build_programme(app) -> Programme:
    people = {
        "ana": person(app, "mentee", "Ana Sharma"),
        "ben": person(app, "mentee", "Ben Okafor", specialty="pediatrics",
                      preferred_regions=["TX"], home_country="NG"),
        "cho": person(app, "mentee", "Cho Lim", specialty="psychiatry",
                      preferred_regions=["CA"], home_country="PH"),
        "dev": person(app, "mentee", "Dev Patel", specialty="neurology",
                      preferred_regions=["IL"]),
        "irene": person(app, "mentor", "Irene Mehta"),
        "paul": person(app, "mentor", "Paul Reyes", specialty="pediatrics", state="TX"),
        "sam": person(app, "mentor", "Sam Lee", specialty="psychiatry", state="CA"),
        "nia": person(app, "mentor", "Nia Brown", specialty="neurology", state="IL"),
        "rosa": person(app, "mentor", "Rosa Diaz", specialty="pediatrics", state="FL"),
    }  # fmt: skip
    round_id = run_round(app, "Spring")
    assert publish(app, round_id) == 4
    ids = {
        mentee: proposal_id(app, people[mentee], people[mentor])
        for mentee, mentor in (("ana", "irene"), ("ben", "paul"), ("cho", "sam"), ("dev", "nia"))
    }
    with app.app_context():
        proposals.accept(ids["ana"], people["irene"].id)
        proposals.decline(ids["ben"], people["paul"].id, DECLINE_REASON)
        move_deadline(ids["cho"], -timedelta(minutes=1))
        assert proposals.expire_due().done == 1
    return Programme(people, round_id, ids)


def move_deadline(mentorship_id: int, from_now: timedelta) -> None:
    """(In an app context.) Set a proposal's deadline relative to now."""
    db.session.execute(
        update(Mentorship)
        .where(Mentorship.id == mentorship_id)
        .values(expires_at=datetime.now(UTC) + from_now)
    )
    db.session.commit()


def deadline_of(app, mentorship_id: int) -> datetime:
    with app.app_context():
        value = db.session.scalar(
            select(Mentorship.expires_at).where(Mentorship.id == mentorship_id)
        )
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value
