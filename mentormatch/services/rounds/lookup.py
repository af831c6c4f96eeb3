"""Reading rounds, and the people their rows name, by id. Nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from mentormatch.extensions import db
from mentormatch.models import MatchingRound, User
from mentormatch.services.errors import NotFound


def get_round(round_id: int) -> MatchingRound:
    matching_round = db.session.get(MatchingRound, round_id)
    if matching_round is None:
        raise NotFound(f"No round {round_id}.")
    return matching_round


def list_rounds(programme_ids: frozenset[int] | None = None) -> list[MatchingRound]:
    """Every round (of ``programme_ids`` when given), newest first."""
    query = select(MatchingRound).order_by(MatchingRound.id.desc())
    if programme_ids is not None:
        query = query.where(MatchingRound.programme_id.in_(programme_ids))
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class Person:
    """A mentee or mentor as the rounds pages name them."""

    id: int
    name: str
    email: str

    @classmethod
    def deleted(cls, user_id: int) -> Person:
        return cls(user_id, f"(deleted account {user_id})", "")


class PersonNames(dict[int, Person]):
    """Users by id, as named now; an id whose account is gone reads as a deleted account."""

    def __missing__(self, user_id: int) -> Person:
        return Person.deleted(user_id)


def persons_by_id(ids: set[int]) -> PersonNames:
    """The users with these ids (one query); look up any id, present or not."""
    if not ids:
        return PersonNames()
    rows = db.session.execute(
        select(User.id, User.full_name, User.email).where(User.id.in_(ids))
    ).all()
    return PersonNames({row.id: Person(row.id, row.full_name, row.email) for row in rows})
