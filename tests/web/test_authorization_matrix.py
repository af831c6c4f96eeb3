"""The authorization matrix: every route that takes an id, asked by every other person.

A small programme (two mentees, two mentors, two coordinators; a published round whose
proposals are one accepted, one pending; a second round ready to publish) is built for each
case. Every route with an ``<int:...>`` in its rule is listed below with who may use it, and
is found in ``app.url_map`` so that a new route cannot be forgotten. Each person who may not
use it (and an anonymous visitor) asks, with a valid CSRF token and a valid form: the answer
is 403 or 404 (anonymous: sent to sign in), no one's name or email is in it, and nothing in
the database changed. Then a person who may use it does, and gets 200 or 302 (and, for a POST,
a change): so a refusal is never the accident of a broken request.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from mentormatch.app import create_app
from mentormatch.extensions import db
from mentormatch.services import meetings, proposals
from tests.helpers import TEST_PASSWORD, csrf_token_from, make_user
from tests.meeting_helpers import a_day_ahead
from tests.proposal_helpers import Person, person, proposal_id, publish, run_round

PEOPLE = ("mentee1", "mentee2", "mentor1", "mentor2", "coordinator1", "coordinator2")
COORDINATORS = frozenset({"coordinator1", "coordinator2"})
ANONYMOUS = "anonymous"


@dataclass
class World:
    people: dict[str, Person]
    accepted: int  # mentee1 <-> mentor1, an active mentorship
    proposal: int  # mentee2 -> mentor2, waiting for the mentor's answer
    published_round: int
    proposed_round: int  # run, not yet published
    clients: dict[str, object] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    meeting: int | None = None  # in the accepted mentorship, made by a Case's prepare

    def id(self, name: str) -> int:
        return self.people[name].id


def build_world(app) -> World:
    people = {
        "mentee1": person(app, "mentee", "Ana Sharma", immigration_status="j1",
                          visa_needed="j1", usmle_step1="failed-then-passed"),
        "mentee2": person(app, "mentee", "Ben Okafor", specialty="pediatrics",
                          preferred_regions=["TX"], home_country="NG", visa_needed="h1b"),
        "mentor1": person(app, "mentor", "Irene Mehta", institution="Mount Sinai"),
        "mentor2": person(app, "mentor", "Paul Reyes", specialty="pediatrics", state="TX"),
    }  # fmt: skip
    for name, full_name in (("coordinator1", "Carla Diaz"), ("coordinator2", "Omar Haddad")):
        user_id, email = make_user(app, "coordinator", email=f"{name}@example.org")
        people[name] = Person(user_id, email, full_name)
        with app.app_context():
            db.session.execute(
                text("UPDATE users SET full_name = :n WHERE id = :id"),
                {"n": full_name, "id": user_id},
            )
            db.session.commit()
    published_round = run_round(app, "Spring")
    assert publish(app, published_round) == 2
    accepted = proposal_id(app, people["mentee1"], people["mentor1"])
    with app.app_context():
        proposals.accept(accepted, people["mentor1"].id)
    # newcomers for the top-up round (they sign in only as names in it)
    people["mentee3"] = person(app, "mentee", "Cho Lim", specialty="psychiatry",
                               preferred_regions=["CA"], home_country="PH")  # fmt: skip
    people["mentor3"] = person(app, "mentor", "Sam Lee", specialty="psychiatry", state="CA")
    world = World(
        people=people,
        accepted=accepted,
        proposal=proposal_id(app, people["mentee2"], people["mentor2"]),
        published_round=published_round,
        proposed_round=run_round(app, "Top-up"),
    )
    for name in (*PEOPLE, ANONYMOUS):
        client = app.test_client()
        if name == ANONYMOUS:
            page = client.get("/auth/login")
        else:
            token = csrf_token_from(client.get("/auth/login").get_data(as_text=True))
            signed_in = client.post(
                "/auth/login",
                data={"email": people[name].email, "password": TEST_PASSWORD,
                      "csrf_token": token},
            )  # fmt: skip
            assert signed_in.status_code == 302, signed_in.get_data(as_text=True)
            page = client.get("/auth/password")
        world.clients[name] = client
        world.tokens[name] = csrf_token_from(page.get_data(as_text=True))
    return world


@dataclass(frozen=True)
class Case:
    """One route and method, who may use it, and how to ask."""

    endpoint: str
    method: str
    values: Callable[[World], dict]
    allowed: frozenset[str]
    form: Callable[[World], dict] = lambda world: {}
    label: str = ""
    # what the world needs first for the route to have something to do
    prepare: Callable[[object, World], None] = lambda app, world: None

    @property
    def id(self) -> str:
        return f"{self.method} {self.endpoint}{' ' + self.label if self.label else ''}"


def _round_settings(world: World) -> dict:
    return {
        "name": "Top-up again", "weight_specialty": "0.5", "weight_region": "0.2",
        "weight_research": "0.3", "objective": "coverage", "min_score": "",
    }  # fmt: skip


def _published(world: World) -> dict:
    return {"round_id": world.published_round}


def _proposed(world: World) -> dict:
    return {"round_id": world.proposed_round}


CONFIRMED = {"confirm": "yes"}  # the second POST, from the confirmation page


def _mentor2_declines(app, world: World) -> None:
    """mentee2 waits for a new mentor: what a top-up round is for."""
    with app.app_context():
        proposals.decline(world.proposal, world.id("mentor2"), "No time")


def _meeting_time(days: int = 30, time: str = "10:00") -> dict:
    return {"date": a_day_ahead(days).isoformat(), "time": time, "time_zone": "Europe/Paris",
            "duration_minutes": "60"}  # fmt: skip


def _proposal_form(world: World) -> dict:
    return {**_meeting_time(), "channel": "video", "agenda": "Letters of recommendation"}


def _meeting_by(who: str, accepted: bool = False, past: bool = False):
    """A meeting in the accepted mentorship proposed by ``who`` (accepted by the other
    side; moved into the past, as after it took place)."""

    def prepare(app, world: World) -> None:
        with app.app_context():
            meeting = meetings.propose(world.accepted, world.id(who), _proposal_form(world))
            world.meeting = meeting.id
            if accepted:
                other = "mentor1" if who == "mentee1" else "mentee1"
                meetings.accept(world.accepted, meeting.id, world.id(other))
            if past:
                db.session.execute(
                    text("UPDATE meetings SET starts_at = :t WHERE id = :id"),
                    {"t": datetime.now(UTC) - timedelta(hours=2), "id": meeting.id},
                )
                db.session.commit()

    return prepare


def _meeting(world: World) -> dict:
    return {"mentorship_id": world.accepted, "meeting_id": world.meeting}


def _mentorship(world: World) -> dict:
    return {"mentorship_id": world.accepted}


PAIR = frozenset({"mentee1", "mentor1"})  # the people of the accepted mentorship


CASES = [
    Case("profiles.show", "GET", lambda w: {"user_id": w.id("mentee1")},
         frozenset({"mentee1", "mentor1"}) | COORDINATORS, label="of a matched mentee"),
    Case("profiles.show", "GET", lambda w: {"user_id": w.id("mentee2")},
         frozenset({"mentee2", "mentor2"}) | COORDINATORS, label="of a proposed mentee"),
    Case("profiles.show", "GET", lambda w: {"user_id": w.id("mentor2")},
         frozenset({"mentee2", "mentor2"}) | COORDINATORS, label="of a mentor"),
    Case("mentor.accept", "POST", lambda w: {"mentorship_id": w.proposal},
         frozenset({"mentor2"})),
    Case("mentor.decline", "POST", lambda w: {"mentorship_id": w.proposal},
         frozenset({"mentor2"}), form=lambda w: {f"p{w.proposal}-reason": "No time this term"}),
    Case("mentor.end", "POST", lambda w: {"mentorship_id": w.accepted},
         frozenset({"mentor1"})),
    Case("mentee.end", "POST", lambda w: {"mentorship_id": w.accepted},
         frozenset({"mentee1"})),
    Case("coordinator.set_account_active", "POST", lambda w: {"user_id": w.id("mentee2")},
         COORDINATORS, form=lambda w: {"active": "no", **CONFIRMED}),
    Case("coordinator.round_review", "GET", _published, COORDINATORS),
    Case("coordinator.round_progress", "GET", _published, COORDINATORS),
    Case("coordinator.export_round", "GET", _published, COORDINATORS),
    Case("coordinator.round_settings", "GET", _proposed, COORDINATORS),
    Case("coordinator.round_settings", "POST", _proposed, COORDINATORS, form=_round_settings),
    Case("coordinator.start_round", "POST", _proposed, COORDINATORS),
    Case("coordinator.publish_round", "POST", _proposed, COORDINATORS,
         form=lambda w: CONFIRMED),
    Case("coordinator.close_round", "POST", _published, COORDINATORS,
         form=lambda w: CONFIRMED),
    Case("coordinator.extend_deadlines", "POST", _published, COORDINATORS,
         form=lambda w: {"days": "3"}),
    Case("coordinator.extend_deadlines", "POST", _published, COORDINATORS,
         form=lambda w: {"days": "3", "mentorship_id": w.proposal}, label="of one proposal"),
    Case("coordinator.remind_mentors", "POST", _published, COORDINATORS),
    Case("coordinator.rematch", "POST", _published, COORDINATORS, prepare=_mentor2_declines),
    # meetings: the two people of the accepted mentorship only (coordinators get 404 too);
    # mentee1, first of the pair in order, is the one whose POST must change something
    Case("meetings.index", "GET", _mentorship, PAIR),
    Case("meetings.index", "POST", _mentorship, PAIR, form=_proposal_form),
    Case("meetings.show", "GET", _meeting, PAIR, prepare=_meeting_by("mentee1")),
    Case("meetings.invitation", "GET", _meeting, PAIR, prepare=_meeting_by("mentee1")),
    Case("meetings.accept", "POST", _meeting, PAIR, form=lambda w: {"sequence": "0"},
         prepare=_meeting_by("mentor1")),
    Case("meetings.move", "POST", _meeting, PAIR,
         form=lambda w: {**_meeting_time(31, "11:30"), "sequence": "0"},
         prepare=_meeting_by("mentor1")),
    Case("meetings.cancel", "GET", _meeting, PAIR, prepare=_meeting_by("mentee1")),
    Case("meetings.cancel", "POST", _meeting, PAIR, form=lambda w: {"sequence": "0"},
         prepare=_meeting_by("mentee1")),
    Case("meetings.log", "POST", _meeting, PAIR, form=lambda w: {"notes": "Went well"},
         prepare=_meeting_by("mentor1", accepted=True, past=True)),
]  # fmt: skip


def id_routes(app) -> set[tuple[str, str]]:
    """(endpoint, method) of every rule with an integer id in it."""
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if re.search(r"<int:", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_route_that_takes_an_id_is_in_the_matrix(app):
    assert id_routes(app) == {(case.endpoint, case.method) for case in CASES}, (
        "A route that takes an id is missing from (or gone from) the matrix: add a Case "
        "saying who may use it."
    )


SNAPSHOT_QUERIES = (
    "SELECT id, status, responded_at, ended_at, response_reason FROM mentorships ORDER BY id",
    "SELECT id, email, full_name, active, session_token FROM users ORDER BY id",
    "SELECT user_id, capacity, seats_taken FROM mentor_profiles ORDER BY user_id",
    "SELECT id, name, status, started_at, finished_at, published_at, closed_at "
    "FROM matching_rounds ORDER BY id",
    "SELECT mentee_id, mentor_id, kind, source FROM pair_rules ORDER BY mentee_id, mentor_id",
    "SELECT COUNT(*) FROM outbox_messages",
    "SELECT COUNT(*) FROM round_pairs",
    "SELECT COUNT(*) FROM audit_entries",
    "SELECT id, status, sequence, starts_at, proposed_by_id, notes FROM meetings ORDER BY id",
)


def snapshot(app) -> list:
    with app.app_context():
        return [db.session.execute(text(query)).all() for query in SNAPSHOT_QUERIES]


def ask(app, world: World, case: Case, who: str):
    url = app.url_map.bind("localhost").build(case.endpoint, case.values(world))
    client = world.clients[who]
    if case.method == "GET":
        return client.get(url)
    token = world.tokens[who]
    form = {"csrf_token": token, **case.form(world)}
    # prefixed forms (one decline form per proposal) carry the token under their prefix too
    form.update({f"{key.split('-')[0]}-csrf_token": token for key in form if "-" in key})
    return client.post(url, data=form)


def secrets_of(world: World, viewer: str) -> list[str]:
    """Names and emails of everyone but the viewer: none may show in a refusal."""
    return [
        value
        for name, someone in world.people.items()
        if name != viewer
        for value in (someone.email, someone.name)
    ]


@pytest.fixture
def csrf_app(app_config):
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_only_those_allowed_can_use_the_route(csrf_app, case):
    app = csrf_app
    world = build_world(app)
    case.prepare(app, world)
    before = snapshot(app)
    refused = [name for name in (*PEOPLE, ANONYMOUS) if name not in case.allowed]
    assert refused, "every route is refused to someone"
    for who in refused:
        response = ask(app, world, case, who)
        if who == ANONYMOUS:
            assert response.status_code == 302, (who, response.status_code)
            assert response.headers["Location"].startswith("/auth/login"), who
        else:
            assert response.status_code in (403, 404), (who, response.status_code)
        body = response.get_data(as_text=True)
        response.close()
        for secret in secrets_of(world, who):
            assert secret not in body, f"{who} saw {secret!r}"
        assert snapshot(app) == before, f"{case.method} by {who} changed the database"

    for who in sorted(case.allowed):
        response = ask(app, world, case, who)
        assert response.status_code in (200, 302), (who, response.status_code)
        response.close()
        if response.status_code == 302:
            assert not response.headers["Location"].startswith("/auth/login"), who
        if case.method == "POST":
            assert snapshot(app) != before, f"the allowed {who} changed nothing: a bad request?"
            break  # the first allowed POST changed the world; the next would be refused
        assert response.status_code == 200


def test_a_mentor_cannot_answer_or_end_another_mentors_mentorships(csrf_app):
    """Spelled out: mentor1 tries every answer on mentor2's proposal and mentor2 on mentor1's
    active mentorship; each is 'not found' and nothing moves."""
    app = csrf_app
    world = build_world(app)
    before = snapshot(app)
    attempts = [
        ("mentor1", f"/mentor/proposals/{world.proposal}/accept"),
        ("mentor1", f"/mentor/proposals/{world.proposal}/decline"),
        ("mentor2", f"/mentor/mentorships/{world.accepted}/end"),
        ("mentor2", f"/mentor/proposals/{world.accepted}/accept"),
    ]
    for who, url in attempts:
        token = world.tokens[who]
        response = world.clients[who].post(
            url, data={"csrf_token": token, f"p{world.proposal}-csrf_token": token}
        )
        assert response.status_code == 404, (who, url)
    assert snapshot(app) == before


def test_a_mentee_cannot_read_another_mentee_or_their_sensitive_details(csrf_app):
    app = csrf_app
    world = build_world(app)
    for who, other in (("mentee1", "mentee2"), ("mentee2", "mentee1")):
        response = world.clients[who].get(f"/people/{world.id(other)}")
        assert response.status_code == 404
        body = response.get_data(as_text=True)
        assert world.people[other].name not in body and "J-1" not in body
        assert "H-1B" not in body
    # the owner does see them, so the check above could fail
    own = world.clients["mentee1"].get(f"/people/{world.id('mentee1')}").get_data(as_text=True)
    assert "Ana Sharma" in own and "J-1" in own


def test_a_deactivated_account_signed_in_elsewhere_can_do_nothing_more(csrf_app):
    """Deactivation takes effect on sessions already open (Flask-Login treats an inactive
    user as not signed in)."""
    app = csrf_app
    world = build_world(app)
    coordinator = world.clients["coordinator1"]
    deactivated = coordinator.post(
        f"/coordinator/users/{world.id('mentor2')}/active",
        data={"active": "no", "csrf_token": world.tokens["coordinator1"], **CONFIRMED},
    )
    assert deactivated.status_code == 302
    before = snapshot(app)
    mentor = world.clients["mentor2"]  # the session opened before the deactivation
    home = mentor.get("/mentor/")
    assert home.status_code in (302, 403)
    response = mentor.post(
        f"/mentor/proposals/{world.proposal}/accept",
        data={"csrf_token": world.tokens["mentor2"]},
    )
    assert response.status_code in (302, 403, 404)
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/auth/login")
    assert snapshot(app) == before
