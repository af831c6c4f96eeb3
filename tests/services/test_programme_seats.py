"""A mentor in two programmes: the seats offered in each hold on their own, and together they
never exceed the one overall capacity (rounds, publishing and services.seats)."""

from __future__ import annotations

import pytest

from mentormatch.extensions import db
from mentormatch.models import User
from mentormatch.services import seats
from mentormatch.services.programmes import catalogue, membership
from mentormatch.services.rounds import publishing
from mentormatch.services.rounds.lookup import get_round
from tests.proposal_helpers import (
    assert_capacity_invariants,
    person,
    publish,
    run_round,
)
from tests.proposal_helpers import seats as overall_seats


def programme_seats(app, mentor_id: int, programme_id: int) -> tuple[int | None, int]:
    with app.app_context():
        row = membership.member(programme_id, mentor_id)
        return row.seats, row.seats_taken


def pairs_of(app, round_id: int) -> set[tuple[int, int]]:
    with app.app_context():
        matching_round = get_round(round_id)
        return {(pair.mentee_id, pair.mentor_id) for pair in matching_round.pairs}


@pytest.fixture
def two_programmes(app):
    """'general' (A) and 'research' (B): a mentor of capacity 3 in both, with 1 seat in A;
    four mentees in each programme only."""
    mentor = person(app, "mentor", "Irene Mehta", capacity=3)
    in_a = [person(app, "mentee", f"Mentee A{n}") for n in range(4)]
    in_b = [person(app, "mentee", f"Mentee B{n}") for n in range(4)]
    with app.app_context():
        general = catalogue.by_slug("general").id
        research = catalogue.create(
            {"slug": "research", "name": "Research", "signup_mode": "invitation"}, None
        ).id
        for user_id in [mentor.id] + [m.id for m in in_b]:
            user = db.session.get(User, user_id)
            membership.join(catalogue.get(research), user, membership.Via.COORDINATOR)
        db.session.commit()
        for mentee in in_b:
            membership.remove(general, mentee.id, None)
        membership.set_seats(general, mentor.id, 1, None)
    return {"mentor": mentor, "a": in_a, "b": in_b, "A": general, "B": research}


def test_seats_in_one_programme_hold_while_the_overall_capacity_allows_more(app, two_programmes):
    mentor, A, B = two_programmes["mentor"], two_programmes["A"], two_programmes["B"]
    first_a = run_round(app, "A first", programme_id=A)
    second_a = run_round(app, "A second", programme_id=A,
                         mentee_ids=[m.id for m in two_programmes["a"][2:]])  # fmt: skip
    # the round offers the mentor's one seat in A, although 3 are free overall
    assert [mentor_id for _, mentor_id in pairs_of(app, first_a)] == [mentor.id]
    assert [mentor_id for _, mentor_id in pairs_of(app, second_a)] == [mentor.id]

    assert publish(app, first_a) == 1
    assert programme_seats(app, mentor.id, A) == (1, 1)
    assert overall_seats(app, mentor) == (3, 1)
    # A is full for this mentor; the overall capacity still has 2
    with app.app_context():
        assert not seats.take_seat(mentor.id, A)
        db.session.rollback()
    with pytest.raises(publishing.PublishConflictError) as refused:
        publish(app, second_a)
    assert "the mentor is full" in str(refused.value).lower()
    assert programme_seats(app, mentor.id, A) == (1, 1)
    assert overall_seats(app, mentor) == (3, 1)

    # B takes what is left of the overall capacity: 2 of its 4 mentees, not 3
    in_b = run_round(app, "B", programme_id=B)
    assert [m for _, m in pairs_of(app, in_b)].count(mentor.id) == 2
    assert publish(app, in_b) == 2
    assert programme_seats(app, mentor.id, B) == (None, 2)
    assert overall_seats(app, mentor) == (3, 3)
    with app.app_context():  # full overall now, in B too although B sets no limit
        assert not seats.take_seat(mentor.id, B)
        db.session.rollback()
    assert_capacity_invariants(app)


def test_releasing_a_seat_frees_it_in_its_programme_and_overall(app, two_programmes):
    mentor, A, B = two_programmes["mentor"], two_programmes["A"], two_programmes["B"]
    with app.app_context():
        assert seats.take_seat(mentor.id, A)
        assert seats.take_seat(mentor.id, B)
        assert not seats.take_seat(mentor.id, A)  # A's one seat is taken
        assert seats.take_seat(mentor.id, B)
        assert not seats.take_seat(mentor.id, B)  # the overall capacity of 3 is taken
        seats.release_seat(mentor.id, A)
        assert seats.take_seat(mentor.id, A)
        db.session.commit()
    assert programme_seats(app, mentor.id, A) == (1, 1)
    assert programme_seats(app, mentor.id, B) == (None, 2)
    assert overall_seats(app, mentor) == (3, 3)
