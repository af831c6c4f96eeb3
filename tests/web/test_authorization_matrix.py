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

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from mentormatch.app import create_app
from mentormatch.extensions import db
from mentormatch.models import CheckIn, User
from mentormatch.services import meetings, proposals
from mentormatch.services.mentorships import closeout, messages, plan
from mentormatch.services.outcomes import records as outcome_records
from tests.helpers import TEST_PASSWORD, csrf_token_from, general_programme_id, make_user
from tests.meeting_helpers import a_day_ahead
from tests.programme_helpers import (
    add_member,
    general_id,
    membership_of,
    new_programme,
    programme_coordinator,
    with_programme_mails,
)
from tests.proposal_helpers import Person, person, proposal_id, publish, run_round

PEOPLE = (
    "mentee1", "mentee2", "mentor1", "mentor2", "coordinator1", "coordinator2",
    "coordinator_a", "coordinator_b", "mentee_b",
)  # fmt: skip
# organisation coordinators: every programme
ORGANISATION = frozenset({"coordinator1", "coordinator2"})
# Everything above lives in programme A ("general"); programme B has its own coordinator and
# people. A coordinator of one programme gets nothing of the other: 404 on each of its ids.
COORDINATORS = ORGANISATION | {"coordinator_a"}  # of programme A's records
COORDINATORS_B = ORGANISATION | {"coordinator_b"}  # of programme B's records
ANONYMOUS = "anonymous"


@dataclass
class World:
    people: dict[str, Person]
    accepted: int  # mentee1 <-> mentor1, an active mentorship
    proposal: int  # mentee2 -> mentor2, waiting for the mentor's answer
    published_round: int
    proposed_round: int  # run, not yet published
    programme_a: int = 0
    programme_b: int = 0
    application_b: int = 0  # a pending application to programme B
    clients: dict[str, object] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    general_programme: int = 0  # everyone above is a member of it
    extra: dict[str, int] = field(default_factory=dict)  # ids a case's prepare made
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
    with app.app_context():
        world.general_programme = general_programme_id()
    _programme_b(app, world)
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


def _programme_b(app, world: World) -> None:
    """Programme B, its coordinator and its people (mentor2 is in both programmes); and a
    coordinator of programme A only."""
    world.programme_a = general_id(app)
    world.programme_b = new_programme(app, "research-b", "Research B", signup_mode="approval")
    for name, full_name, programme_id in (
        ("coordinator_a", "Alma Ruiz", world.programme_a),
        ("coordinator_b", "Bela Kovacs", world.programme_b),
    ):
        user_id = programme_coordinator(app, f"{name}@example.org", programme_id)
        world.people[name] = Person(user_id, f"{name}@example.org", full_name)
        with app.app_context():
            db.session.get(User, user_id).full_name = full_name
            db.session.commit()
    # with two programmes open, sign-up joins neither: B's people are added to B
    world.people["mentee_b"] = person(app, "mentee", "Zoe Barnes")
    world.people["applicant_b"] = person(app, "mentee", "Yuri Petrov")
    add_member(app, world.programme_b, world.id("mentee_b"))
    add_member(app, world.programme_b, world.id("mentor2"))
    add_member(app, world.programme_b, world.id("applicant_b"), status="pending")
    world.application_b = membership_of(app, world.programme_b, world.id("applicant_b")).id


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


def _b(world: World) -> dict:
    return {"programme_id": world.programme_b}


def _b_member(name: str) -> Callable[[World], dict]:
    return lambda world: {"programme_id": world.programme_b, "user_id": world.id(name)}


def _b_application(world: World) -> dict:
    return {"programme_id": world.programme_b, "member_id": world.application_b}


def _b_settings(world: World) -> dict:
    return {
        "name": "Research B, renamed", "slug": "research-b", "kind": "research",
        "signup_mode": "approval", "mentorship_months": "6", "meeting_cadence": "monthly",
        "answer_days": "14", "weight_specialty": "0.5", "weight_region": "0.2",
        "weight_research": "0.3", "objective": "coverage",
    }  # fmt: skip


PAIR = frozenset({"mentee1", "mentor1"})  # the two people of the accepted mentorship


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


def _goal(world: World) -> dict:
    return {"mentorship_id": world.accepted, "goal_id": world.extra["goal"]}


def _plan_created(app, world: World) -> None:
    with app.app_context():
        plan.create(world.accepted, world.id("mentee1"), "licensure", None)
        world.extra["goal"] = plan.goals(world.accepted)[0].id


def _mentor_wrote(app, world: World) -> None:
    with app.app_context():
        messages.send(world.accepted, world.id("mentor1"), "Welcome aboard")


def _mentor_ended(app, world: World) -> None:
    with app.app_context():
        closeout.end(world.accepted, world.id("mentor1"), "no-time", 3)


def _programme(app, world: World) -> None:
    with app.app_context():
        world.extra["programme"] = db.session.execute(
            text("SELECT id FROM programmes WHERE slug = 'general'")).scalar_one()  # fmt: skip


def _fit_check_asked(app, world: World) -> None:
    """mentee1's fit check of the accepted mentorship, waiting for her answer."""
    with app.app_context():
        check_in = CheckIn(mentorship_id=world.accepted, user_id=world.id("mentee1"), kind="fit")
        db.session.add(check_in)
        db.session.commit()
        world.extra["check_in"] = check_in.id


def _check_in(world: World) -> dict:
    return {"mentorship_id": world.accepted, "check_in_id": world.extra["check_in"]}


def _repair_mentee2(world: World) -> dict:
    return {"programme_id": world.programme_a, "mentee_id": world.id("mentee2")}


def _outcome_recorded(app, world: World) -> None:
    """mentee1 recorded her Match result."""
    with app.app_context():
        mentee = db.session.get(User, world.id("mentee1"))
        raw = {"kind": "match-result", "achieved_on": "2026-03-20", "match_result": "matched",
               "match_year": "2026", "specialty": "internal-medicine"}  # fmt: skip
        values = outcome_records.parse(raw, datetime.now(UTC).date())
        world.extra["outcome"] = outcome_records.record(mentee.id, mentee, values).id


def _outcome(world: World) -> dict:
    return {"outcome_id": world.extra["outcome"]}


def _outcome_changed(world: World) -> dict:
    """mentee1's Match result of _outcome_recorded, edited: through SOAP."""
    return {"kind": "match-result", "achieved_on": "2026-03-20", "match_result": "soap",
            "match_year": "2026", "specialty": "internal-medicine"}  # fmt: skip


AGREEMENT = {"cadence": "monthly", "channel": "video", "confidentiality": "y"}

PAIR = frozenset({"mentee1", "mentor1"})  # the people of the accepted mentorship


def _choices_round(app, world: World) -> None:
    """A draft round of programme A collecting choices: mentee1 ranked mentor2, and mentee2
    ranked mentor1 (rows as the services leave them)."""
    from mentormatch.models import MenteeRanking
    from mentormatch.services.preferences import windows
    from mentormatch.services.rounds import transitions
    from mentormatch.services.rounds.settings import parse_settings

    with app.app_context():
        created = transitions.create_round(
            parse_settings({"name": "Choices", "programme_id": world.programme_a}), None
        )
        now = datetime.now(UTC)
        windows.set_window(created.id, None, now - timedelta(hours=1), now + timedelta(days=2))
        first = MenteeRanking(round_id=created.id, mentee_id=world.id("mentee1"),
                              mentor_id=world.id("mentor2"), rank=1)  # fmt: skip
        db.session.add_all(
            [
                first,
                MenteeRanking(
                    round_id=created.id,
                    rank=1,
                    mentee_id=world.id("mentee2"),
                    mentor_id=world.id("mentor1"),
                ),
            ]
        )
        db.session.commit()
        world.extra["choices_round"] = created.id
        world.extra["ranking"] = first.id


def _choices(world: World) -> dict:
    return {"round_id": world.extra["choices_round"]}


def _rank_lists_confirmed(world: World) -> dict:
    """The confirming POST of a checked rank-list file: mentee1 now ranks mentor1 first."""
    data = f"mentee_email,mentor_email,rank\n{world.people['mentee1'].email},"
    data += f"{world.people['mentor1'].email},1\n"
    return {"checked_file": base64.b64encode(data.encode()).decode(), **CONFIRMED}


def _window_form(world: World) -> dict:
    return {"opens_at": "2030-01-01T09:00", "closes_at": "2030-01-08T09:00"}


CASES = [
    Case("profiles.show", "GET", lambda w: {"user_id": w.id("mentee1")},
         frozenset({"mentee1", "mentor1"}) | COORDINATORS, label="of a matched mentee"),
    Case("profiles.show", "GET", lambda w: {"user_id": w.id("mentee2")},
         frozenset({"mentee2", "mentor2"}) | COORDINATORS, label="of a proposed mentee"),
    Case("profiles.show", "GET", lambda w: {"user_id": w.id("mentor2")},
         frozenset({"mentee2", "mentor2"}) | COORDINATORS | COORDINATORS_B,
         label="of a mentor in both programmes"),
    Case("mentor.accept", "POST", lambda w: {"mentorship_id": w.proposal},
         frozenset({"mentor2"})),
    Case("mentor.decline", "POST", lambda w: {"mentorship_id": w.proposal},
         frozenset({"mentor2"}), form=lambda w: {f"p{w.proposal}-reason": "No time this term"}),
    Case("mentor.end", "POST", lambda w: {"mentorship_id": w.accepted},
         frozenset({"mentor1"})),
    Case("mentee.end", "POST", lambda w: {"mentorship_id": w.accepted},
         frozenset({"mentee1"})),
    # a mentor's own seats in a programme they belong to (both mentors are in 'general')
    Case("mentor.set_seats", "POST", lambda w: {"programme_id": w.general_programme},
         frozenset({"mentor1", "mentor2"}),
         form=lambda w: {f"s{w.general_programme}-seats": "1"}),
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
    # programme B: its pages, people and applications are its coordinators' only
    Case("profiles.show", "GET", lambda w: {"user_id": w.id("mentee_b")},
         COORDINATORS_B | {"mentee_b"}, label="of a mentee of programme B only"),
    Case("coordinator.edit_programme", "GET", _b, COORDINATORS_B),
    Case("coordinator.edit_programme", "POST", _b, COORDINATORS_B, form=_b_settings),
    Case("coordinator.new_invitation", "POST", _b, COORDINATORS_B),
    Case("coordinator.archive_programme", "POST", _b, ORGANISATION, form=lambda w: CONFIRMED),
    Case("coordinator.programme_members", "GET", _b, COORDINATORS_B),
    Case("coordinator.add_member", "POST", _b, COORDINATORS_B,
         form=lambda w: {"email": w.people["mentee1"].email}),
    Case("coordinator.approve_application", "POST", _b_application, COORDINATORS_B),
    Case("coordinator.decline_application", "POST", _b_application, COORDINATORS_B,
         form=lambda w: {f"m{w.application_b}-reason": "Full this year"}),
    Case("coordinator.remove_member", "POST", _b_member("mentee_b"), COORDINATORS_B),
    Case("coordinator.set_seats", "POST", _b_member("mentor2"), COORDINATORS_B,
         form=lambda w: {"seats": "1"}),
    Case("coordinator.assign_programme", "POST", lambda w: {"user_id": w.id("coordinator_a")},
         COORDINATORS_B, form=lambda w: {f"c{w.id('coordinator_a')}-programme_id": w.programme_b}),
    Case("mentorships.show", "GET", _mentorship, PAIR),
    Case("mentorships.confirm_agreement", "POST", _mentorship, PAIR, form=lambda w: AGREEMENT),
    Case("mentorships.create_plan", "POST", _mentorship, PAIR,
         form=lambda w: {"goal": "residency-match", "match_year": ""}),
    Case("mentorships.add_goal", "POST", _mentorship, PAIR, prepare=_plan_created,
         form=lambda w: {"new-title": "Observership in Boston", "new-status": "not-started"}),
    Case("mentorships.update_goal", "POST", _goal, PAIR, prepare=_plan_created,
         form=lambda w: {f"g{w.extra['goal']}-title": "Step 1", f"g{w.extra['goal']}-status":
                         "done"}),
    Case("mentorships.remove_goal", "POST", _goal, PAIR, prepare=_plan_created),
    Case("mentorships.send_message", "POST", _mentorship, PAIR, form=lambda w: {"body": "Hi"}),
    Case("mentorships.mark_read", "POST", _mentorship, PAIR, prepare=_mentor_wrote),
    Case("mentorships.report_problem", "POST", _mentorship, PAIR,
         form=lambda w: {"description": "No answer for weeks"}),
    Case("mentorships.end", "POST", _mentorship, PAIR,
         form=lambda w: {"reason": "no-response", "rating": "2"}),
    Case("mentorships.rate", "POST", _mentorship, PAIR, prepare=_mentor_ended,
         form=lambda w: {"rating": "4"}),
    Case("mentorships.extend", "POST", _mentorship, PAIR),
    Case("coordinator.plan_templates_page", "GET",
         lambda w: {"programme_id": w.extra["programme"]}, COORDINATORS, prepare=_programme),
    Case("coordinator.plan_templates_page", "POST",
         lambda w: {"programme_id": w.extra["programme"]}, COORDINATORS, prepare=_programme,
         form=lambda w: {"licensure": "Y Mar 1 | State licence application"}),
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
    # stated preferences: a round's choices are its programme's mentees' (each their own
    # list); a ranking's mark is the ranked mentor's; the window and settings coordinators'
    Case("choices.browse", "GET", _choices, frozenset({"mentee1", "mentee2"}),
         prepare=_choices_round),
    Case("choices.browse", "POST", _choices, frozenset({"mentee1", "mentee2"}),
         prepare=_choices_round, form=lambda w: {f"rank_{w.id('mentor3')}": "1"}),
    Case("choices.decline", "POST", lambda w: {"mentorship_id": w.proposal},
         frozenset({"mentee2"}),
         form=lambda w: {"reason": "I moved to another state", "confirm": "yes"}),
    Case("choices.mark", "POST", lambda w: {"ranking_id": w.extra["ranking"]},
         frozenset({"mentor2"}), prepare=_choices_round, form=lambda w: {"kind": "prefer"}),
    Case("coordinator.round_preferences", "GET", _choices, COORDINATORS,
         prepare=_choices_round),
    Case("coordinator.export_preferences", "GET", _choices, COORDINATORS,
         prepare=_choices_round),
    Case("coordinator.set_preference_window", "POST", _choices, COORDINATORS,
         prepare=_choices_round, form=_window_form),
    Case("coordinator.set_preference_settings", "POST", _choices, COORDINATORS,
         prepare=_choices_round, form=lambda w: {"max_ranks": "5", "mode": "stable"}),
    Case("coordinator.import_preferences", "POST", _choices, COORDINATORS,
         prepare=_choices_round, form=_rank_lists_confirmed),
    # pair health: the work queue's actions on programme A's pairs are its coordinators';
    # a check-in is its own author's only (not the other side of the pair, not coordinators)
    Case("coordinator.nudge_pair", "POST", _mentorship, COORDINATORS),
    Case("coordinator.pair_notes", "GET", _mentorship, COORDINATORS),
    Case("coordinator.pair_notes", "POST", _mentorship, COORDINATORS,
         form=lambda w: {"body": "Called both; all fine"}),
    Case("coordinator.end_pair", "POST", _mentorship, COORDINATORS,
         form=lambda w: {"reason": "no-time", **CONFIRMED}),
    Case("coordinator.repair_options", "GET", _repair_mentee2, COORDINATORS,
         prepare=_mentor2_declines),
    Case("coordinator.repair_options", "POST", _repair_mentee2, COORDINATORS,
         prepare=_mentor2_declines,
         form=lambda w: {"mentor_id": w.id("mentor3"), **CONFIRMED}),
    Case("coordinator.programme_top_up", "POST", lambda w: {"programme_id": w.programme_a},
         COORDINATORS, prepare=_mentor2_declines, form=lambda w: CONFIRMED),
    Case("mentorships.check_in", "GET", _check_in, frozenset({"mentee1"}),
         prepare=_fit_check_asked),
    Case("mentorships.check_in", "POST", _check_in, frozenset({"mentee1"}),
         prepare=_fit_check_asked, form=lambda w: {"score": "4", "comment": "Good start"}),
    # outcomes: the mentee's own; coordinators of her programmes record, edit and verify them
    Case("mentee.remove_outcome", "POST", _outcome, frozenset({"mentee1"}),
         prepare=_outcome_recorded, form=lambda w: CONFIRMED),
    Case("mentee.edit_outcome", "GET", _outcome, frozenset({"mentee1"}),
         prepare=_outcome_recorded),
    Case("mentee.edit_outcome", "POST", _outcome, frozenset({"mentee1"}),
         prepare=_outcome_recorded, form=_outcome_changed),
    Case("coordinator.edit_outcome", "GET", _outcome, COORDINATORS, prepare=_outcome_recorded),
    Case("coordinator.edit_outcome", "POST", _outcome, COORDINATORS,
         prepare=_outcome_recorded, form=_outcome_changed),
    Case("coordinator.mentee_outcomes", "GET", lambda w: {"user_id": w.id("mentee1")},
         COORDINATORS, prepare=_outcome_recorded),
    Case("coordinator.mentee_outcomes", "POST", lambda w: {"user_id": w.id("mentee1")},
         COORDINATORS, form=lambda w: {"kind": "ecfmg-certified", "achieved_on": "2025-06-01"}),
    Case("coordinator.mentee_outcomes", "GET", lambda w: {"user_id": w.id("mentee_b")},
         COORDINATORS_B, label="of a mentee of programme B only"),
    Case("coordinator.verify_outcome", "POST", _outcome, COORDINATORS,
         prepare=_outcome_recorded),
    Case("coordinator.remove_outcome", "POST", _outcome, COORDINATORS,
         prepare=_outcome_recorded, form=lambda w: CONFIRMED),
    # the dashboard of programme B, and its CSV: B's coordinators only
    Case("coordinator.programme_dashboard", "GET", _b, COORDINATORS_B),
    Case("coordinator.programme_dashboard_csv", "GET", _b, COORDINATORS_B),
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
    "SELECT id, slug, name, invitation_key, archived_at FROM programmes ORDER BY id",
    "SELECT id, programme_id, user_id, status, seats FROM programme_members ORDER BY id",
    "SELECT programme_id, user_id FROM programme_coordinators ORDER BY programme_id, user_id",
    "SELECT id, end_reason, mentee_rating, mentor_rating, mentee_extends, mentor_extends, "
    "ends_on FROM mentorships ORDER BY id",
    "SELECT mentorship_id, cadence, mentee_confirmed_at, mentor_confirmed_at FROM agreements "
    "ORDER BY id",
    "SELECT id, title, status, due_on, mentor_comment FROM plan_goals ORDER BY id",
    "SELECT id, body, read_at FROM messages ORDER BY id",
    "SELECT id, plan_templates FROM programmes ORDER BY id",
    "SELECT id, status, sequence, starts_at, proposed_by_id, notes FROM meetings ORDER BY id",
    "SELECT round_id, mentee_id, mentor_id, rank FROM mentee_rankings ORDER BY id",
    "SELECT round_id, mentor_id, mentee_id, kind, reason FROM mentor_marks ORDER BY id",
    "SELECT round_id, opens_at, closes_at FROM preference_windows ORDER BY id",
    "SELECT id, preference_max_ranks, preference_rankers_named, preference_unranked_pairs, "
    "preference_mode FROM programmes ORDER BY id",
    "SELECT id, nudged_at FROM mentorships ORDER BY id",
    "SELECT id, answered_at, score, comment FROM check_ins ORDER BY id",
    "SELECT id, body FROM pair_notes ORDER BY id",
    "SELECT id, mentee_id, kind, verified_at, verified_by_id FROM outcomes ORDER BY id",
    "SELECT id, achieved_on, exam, specialty, number, match_result, match_year, doi, pmid, "
    "description FROM outcomes ORDER BY id",
    "SELECT user_id, outcomes_shared FROM mentee_profiles ORDER BY user_id",
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
    with_programme_mails(app)
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
