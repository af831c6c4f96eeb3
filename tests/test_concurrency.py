"""The capacity guarantee under real concurrency: a threaded WSGI server on 127.0.0.1 over a
SQLite file (WAL, 30 s busy timeout), real HTTP sessions (urllib + cookie jars, CSRF switched
on and tokens read from the pages), and requests fired together from threads released by a
barrier. The invariants are checked in SQL after each scenario.

Coordinators publish through POST /coordinator/rounds/<id>/publish, each signed in with their
own session. Were that route missing, the tests would call
`services.rounds.publishing.publish_round` from the parallel threads instead, each with its own
application context and database session on the same database file: still real concurrency."""

from __future__ import annotations

import html
import re
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass
from http.cookiejar import CookieJar
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, build_opener

import pytest
from sqlalchemy import text
from werkzeug.serving import make_server

from mentormatch.app import create_app
from mentormatch.extensions import db
from mentormatch.models import User
from mentormatch.services.programmes import catalogue, membership
from mentormatch.services.rounds import publishing
from tests.helpers import TEST_PASSWORD, csrf_token_from, make_user
from tests.proposal_helpers import (
    assert_capacity_invariants,
    person,
    proposal_id,
    publish,
    run_round,
    seats,
    status_of,
)

TABS = 8
REQUEST_TIMEOUT = 30  # seconds, per HTTP request
SCENARIO_TIMEOUT = 60  # seconds, for every thread of a scenario to finish
PUBLISH_RULE = "/coordinator/rounds/<int:round_id>/publish"


# --- a running server and browsers ----------------------------------------------------------


@dataclass(frozen=True)
class Response:
    status: int
    location: str | None
    body: str


class _KeepRedirects(HTTPRedirectHandler):
    """Hand back the 302 itself, so a test sees which request succeeded."""

    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's browser: a cookie jar shared by all of their tabs (threads)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self._opener = build_opener(HTTPCookieProcessor(CookieJar()), _KeepRedirects)

    def request(self, path: str, data: dict | None = None) -> Response:
        body = None if data is None else urlencode(data, doseq=True).encode()
        try:
            with self._opener.open(self.base_url + path, body, REQUEST_TIMEOUT) as reply:
                return Response(reply.status, reply.headers.get("Location"), reply.read().decode())
        except HTTPError as reply:
            with reply:
                return Response(reply.code, reply.headers.get("Location"), reply.read().decode())

    def csrf_token(self, path: str) -> str:
        page = self.request(path)
        assert page.status == 200, (path, page.status)
        return csrf_token_from(page.body)

    def post_form(self, path: str, data: dict, token: str) -> Response:
        return self.request(path, {**data, "csrf_token": token})

    def login(self, email: str) -> Browser:
        token = self.csrf_token("/auth/login")
        reply = self.post_form("/auth/login", {"email": email, "password": TEST_PASSWORD}, token)
        assert reply.status == 302, reply.body
        return self


@dataclass
class LiveServer:
    app: object
    url: str

    def browser(self, email: str) -> Browser:
        return Browser(self.url).login(email)


def _server_database_url(url: str) -> str:
    """SQLite: WAL (readers never wait for the writer) and a 30 s busy timeout (how long a
    writer waits for another's lock). create_app replaces SQLALCHEMY_ENGINE_OPTIONS for
    SQLite, so the timeout goes in the URL, which pysqlite reads. PostgreSQL: as it is."""
    if not url.startswith("sqlite:///"):
        return url
    path = url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
    return f"sqlite:///{path}?timeout=30"


@pytest.fixture
def live(app_config):
    app = create_app(
        {
            **app_config,
            "DATABASE_URL": _server_database_url(app_config["DATABASE_URL"]),
            "WTF_CSRF_ENABLED": True,
        }
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


def all_at_once(actions: list[Callable[[], object]]) -> list[object]:
    """Run each action in its own thread, released together; results in the same order.
    Exceptions are returned, not raised, so one failure does not hide the others."""
    barrier = threading.Barrier(len(actions), timeout=SCENARIO_TIMEOUT)

    def released(action):
        barrier.wait()
        try:
            return action()
        except Exception as exc:  # noqa: BLE001 - reported by the test's assertions
            return exc

    with ThreadPoolExecutor(max_workers=len(actions)) as pool:
        futures = [pool.submit(released, action) for action in actions]
        done, not_done = wait(futures, timeout=SCENARIO_TIMEOUT)
        assert not not_done, f"{len(not_done)} request(s) did not finish in {SCENARIO_TIMEOUT}s"
        return [future.result() for future in futures]


@dataclass(frozen=True)
class Published:
    """What the coordinator was told after clicking Publish."""

    ok: bool
    message: str


def publisher(live: LiveServer) -> Callable[[int], Callable[[], Published]]:
    """Prepare a coordinator (signed in, token in hand) to publish a round when released:
    through POST /coordinator/rounds/<id>/publish when that route exists, else the service."""
    has_route = any(rule.rule == PUBLISH_RULE for rule in live.app.url_map.iter_rules())

    def prepare(round_id: int) -> Callable[[], Published]:
        if not has_route:
            return lambda: _publish_by_service(live.app, round_id)
        coordinator = live.browser(make_user(live.app, "coordinator")[1])
        token = coordinator.csrf_token("/coordinator/")
        path = PUBLISH_RULE.replace("<int:round_id>", str(round_id))
        return lambda: _publish_by_http(coordinator, path, token)

    return prepare


def _publish_by_service(app, round_id: int) -> Published:
    with app.app_context():
        try:
            sent = publishing.publish_round(round_id)
        except publishing.PublishConflictError as exc:
            return Published(False, str(exc))
    return Published(True, f"Published: {sent} proposals")


def _publish_by_http(coordinator: Browser, path: str, token: str) -> Published:
    reply = coordinator.post_form(path, {"confirm": "yes"}, token)  # as confirmed on its page
    assert reply.status == 302, (reply.status, reply.body[:500])
    page = coordinator.request(reply.location)  # the round's page, with the outcome flashed
    assert page.status == 200, page.status
    flashed = re.findall(r'<p class="flash flash-\w+">(.*?)</p>', page.body, re.S)
    # a round that can no longer be published lists its pairs, and why, in a table
    why = re.findall(r'<table class="stale-pairs">(.*?)</table>', page.body, re.S)
    text = " ".join([*flashed, *(re.sub(r"<[^>]+>", " ", table) for table in why)])
    outcome = html.unescape(" ".join(text.split()))
    return Published(outcome.startswith("Published:"), outcome)


def no_server_errors(results: list[object]) -> None:
    for result in results:
        if isinstance(result, Response):
            assert result.status < 500, result.body
        assert not isinstance(result, Exception), repr(result)


def round_status(app, round_id: int) -> str:
    with app.app_context():
        return db.session.execute(
            text("SELECT status FROM matching_rounds WHERE id = :id"), {"id": round_id}
        ).scalar_one()


def open_mentorships(app) -> set[tuple[int, int, int]]:
    """(mentee, mentor, round) of every proposed or accepted mentorship."""
    with app.app_context():
        rows = db.session.execute(
            text(
                "SELECT mentee_id, mentor_id, round_id FROM mentorships "
                "WHERE status IN ('proposed', 'accepted')"
            )
        )
        return {tuple(row) for row in rows}


def round_pairs(app, round_id: int) -> set[tuple[int, int, int]]:
    with app.app_context():
        rows = db.session.execute(
            text("SELECT mentee_id, mentor_id, round_id FROM round_pairs WHERE round_id = :id"),
            {"id": round_id},
        )
        return {tuple(row) for row in rows}


# --- (a) one mentor, many tabs ----------------------------------------------------------------

REFUSED = re.compile(r"already (accepted|declined)|answered a moment ago")


def test_a_proposal_answered_from_many_tabs_at_once_takes_exactly_one_answer(live):
    app = live.app
    mentor = person(app, "mentor", "Irene Mehta", capacity=3)
    mentees = [person(app, "mentee", f"Mentee {n}") for n in range(3)]
    publish(app, run_round(app))
    browser = live.browser(mentor.email)

    for mentee in mentees:
        proposal = proposal_id(app, mentee, mentor)
        tokens = [browser.csrf_token("/mentor/") for _ in range(TABS)]
        # half the tabs accept, half decline: whichever lands first is the only answer
        actions = ["accept" if tab % 2 == 0 else "decline" for tab in range(TABS)]
        results = all_at_once([
            lambda path=f"/mentor/proposals/{proposal}/{action}", token=token: (
                browser.post_form(path, {}, token)
            )
            for action, token in zip(actions, tokens, strict=True)
        ])  # fmt: skip
        no_server_errors(results)
        winners = [(a, r) for a, r in zip(actions, results, strict=True) if r.status == 302]
        assert len(winners) == 1, [r.status for r in results]
        refused = [r for r in results if r.status != 302]
        assert all(r.status == 409 and REFUSED.search(r.body) for r in refused), [
            (r.status, r.body[:300]) for r in refused
        ]
        assert all("This can no longer be answered" in r.body for r in refused)
        won_with = winners[0][0]
        assert status_of(app, proposal) == ("accepted" if won_with == "accept" else "declined")
        assert_capacity_invariants(app)

    statuses = [status_of(app, proposal_id(app, m, mentor)) for m in mentees]
    assert seats(app, mentor) == (3, statuses.count("accepted"))


# --- (b) two coordinators publish overlapping rounds ------------------------------------------


def test_two_overlapping_rounds_published_at_once_one_wins_whole(live):
    app = live.app
    mentors = [
        person(app, "mentor", f"Mentor {n}", capacity=2, state=state)
        for n, state in enumerate(("NY", "NY", "NJ", "MA"))
    ]
    for n in range(10):
        person(app, "mentee", f"Mentee {n}", preferred_regions=[("NY", "NJ", "MA")[n % 3]])
    # the same mentees and the same 8 seats, with different weights: different pairs
    first = run_round(app, "Coordinator A")
    second = run_round(app, "Coordinator B", weight_specialty="0", weight_region="1",
                       weight_research="0")  # fmt: skip
    assert round_pairs(app, first) and round_pairs(app, second)
    publish_as = publisher(live)

    results = all_at_once([publish_as(first), publish_as(second)])
    no_server_errors(results)

    statuses = {round_id: round_status(app, round_id) for round_id in (first, second)}
    assert sorted(statuses.values()) == ["proposed", "published"], statuses
    winner = first if statuses[first] == "published" else second
    told = dict(zip((first, second), results, strict=True))
    assert told[winner].ok and f"Published: {len(round_pairs(app, winner))} proposals" in (
        told[winner].message
    )
    loser = second if winner == first else first
    assert not told[loser].ok and "Nothing was published" in told[loser].message
    # the winner's proposals, all of them; nothing at all of the loser's
    assert open_mentorships(app) == round_pairs(app, winner)
    assert_capacity_invariants(app)
    for mentor in mentors:
        capacity, taken = seats(app, mentor)
        assert taken <= capacity


# --- (c) a mentor lowers capacity while proposals are published and accepted -----------------


@pytest.mark.parametrize("attempt", range(3))  # which request lands first varies between runs
def test_lowering_capacity_during_publish_and_accept_never_overfills(live, attempt):
    app = live.app
    mentor = person(app, "mentor", "Irene Mehta", capacity=3, research_interests=["case-report"])
    early, *late = [person(app, "mentee", f"Mentee {n}") for n in range(3)]
    publish(app, run_round(app, "Early", mentee_ids=[early.id]))  # one seat taken
    top_up = run_round(app, "Top-up", mentee_ids=[m.id for m in late])  # wants the other two
    assert {pair[:2] for pair in round_pairs(app, top_up)} == {(m.id, mentor.id) for m in late}
    early_proposal = proposal_id(app, early, mentor)

    accept_tab, profile_tab = live.browser(mentor.email), live.browser(mentor.email)
    accept_token = accept_tab.csrf_token("/mentor/")
    profile_token = profile_tab.csrf_token("/mentor/profile")
    profile_form = {
        "specialty": "internal-medicine",
        "state": "NY",
        "research_interests": ["case-report"],
        "capacity": "1",
    }
    publish_top_up = publisher(live)(top_up)
    results = all_at_once([
        publish_top_up,
        lambda: accept_tab.post_form(f"/mentor/proposals/{early_proposal}/accept", {},
                                     accept_token),
        lambda: profile_tab.post_form("/mentor/profile", profile_form, profile_token),
    ])  # fmt: skip
    published, accepted, lowered = results
    no_server_errors(results)

    assert accepted.status == 302 and status_of(app, early_proposal) == "accepted"
    capacity, taken = seats(app, mentor)
    if lowered.status == 302:  # capacity went down first: the top-up found the mentor full
        assert (capacity, taken) == (1, 1)
        assert round_status(app, top_up) == "proposed"
        assert not published.ok and "the mentor is full" in published.message.lower()
    else:  # the top-up took the seats first: the mentor is told why capacity stays
        assert lowered.status == 400
        assert "You have 3 active or proposed mentees; capacity cannot be lower than 3" in (
            lowered.body
        )
        assert (capacity, taken) == (3, 3)
        assert published.ok and round_status(app, top_up) == "published"
    assert_capacity_invariants(app)


# --- (d) two coordinators deactivate each other -----------------------------------------------


def active_coordinators(app) -> list[int]:
    with app.app_context():
        return list(
            db.session.execute(
                text("SELECT id FROM users WHERE role = 'coordinator' AND active ORDER BY id")
            ).scalars()
        )


def test_two_coordinators_deactivating_each_other_at_once_leave_one_active(live):
    app = live.app
    for attempt in range(4):  # which request lands first varies; none may leave nobody
        with app.app_context():  # the coordinators of earlier attempts leave the programme
            db.session.execute(text("UPDATE users SET active = false WHERE role = 'coordinator'"))
            db.session.commit()
        ids, browsers = [], []
        for name in ("a", "b"):
            user_id, email = make_user(app, "coordinator", f"coord-{name}{attempt}@example.org")
            ids.append(user_id)
            browsers.append(live.browser(email))
        tokens = [browser.csrf_token("/coordinator/") for browser in browsers]
        requests = [
            (browsers[me], f"/coordinator/users/{ids[other]}/active", tokens[me])
            for me, other in ((0, 1), (1, 0))
        ]
        results = all_at_once([
            lambda browser=browser, path=path, token=token: browser.post_form(
                path, {"active": "no", "confirm": "yes"}, token)
            for browser, path, token in requests
        ])  # fmt: skip
        no_server_errors(results)
        survivors = active_coordinators(app)
        assert len(survivors) == 1 and survivors[0] in ids, (attempt, survivors)
        # the survivor's request won; the other coordinator is signed out
        survivor = ids.index(survivors[0])
        told = browsers[survivor].request("/coordinator/")
        assert told.status == 200 and "account is deactivated" in told.body
        assert browsers[1 - survivor].request("/coordinator/").status == 302


# --- (e) one mentor in two programmes, both programmes publish at once ------------------------

# (pairs the round in A proposes to the mentor, pairs the round in B does): with capacity 2,
# 2 + 2 and 2 + 1 cannot both be published; 1 + 1 can.
CROSS_PROGRAMME_SHAPES = ((2, 2), (2, 1), (1, 2), (1, 1))


def _second_programme(app) -> tuple[int, int]:
    with app.app_context():
        general = catalogue.by_slug("general").id
        research = catalogue.create(
            {"slug": "research", "name": "Research", "signup_mode": "invitation"}, None
        ).id
        return general, research


def _into(app, programme_id: int, people, leave: int | None = None) -> None:
    """Make ``people`` active members of ``programme_id`` (and take them out of ``leave``)."""
    with app.app_context():
        programme = catalogue.get(programme_id)
        for someone in people:
            user = db.session.get(User, someone.id)
            membership.join(programme, user, membership.Via.COORDINATOR)
        db.session.commit()
        for someone in people:
            if leave is not None:
                membership.remove(leave, someone.id, None)


def test_a_mentor_in_two_programmes_published_at_once_stays_within_capacity(live):
    app = live.app
    general, research = _second_programme(app)
    publish_as = publisher(live)
    outcomes = set()
    for attempt in range(12):  # which publish lands first varies; none may overfill
        wanted_a, wanted_b = CROSS_PROGRAMME_SHAPES[attempt % len(CROSS_PROGRAMME_SHAPES)]
        # a mentor of capacity 2 in both programmes (seats None in both: up to the capacity)
        mentor = person(app, "mentor", f"Mentor {attempt}", capacity=2)
        _into(app, research, [mentor])
        in_a = [person(app, "mentee", f"Mentee {attempt} A{n}") for n in range(wanted_a)]
        in_b = [person(app, "mentee", f"Mentee {attempt} B{n}") for n in range(wanted_b)]
        _into(app, research, in_b, leave=general)
        # both rounds run before either is published: each sees the mentor's 2 free seats
        round_a = run_round(app, f"A {attempt}", programme_id=general,
                            mentee_ids=[m.id for m in in_a])  # fmt: skip
        round_b = run_round(app, f"B {attempt}", programme_id=research,
                            mentee_ids=[m.id for m in in_b])  # fmt: skip
        for round_id, mentees in ((round_a, in_a), (round_b, in_b)):
            assert round_pairs(app, round_id) == {(m.id, mentor.id, round_id) for m in mentees}

        results = all_at_once([publish_as(round_a), publish_as(round_b)])
        no_server_errors(results)

        published = [r for r in (round_a, round_b) if round_status(app, r) == "published"]
        proposals = {row for row in open_mentorships(app) if row[1] == mentor.id}
        assert len(proposals) <= 2, proposals
        # each round all or nothing: a published round proposed all its pairs, the other none
        assert proposals == set().union(*(round_pairs(app, r) for r in published))
        told = dict(zip((round_a, round_b), results, strict=True))
        for round_id in (round_a, round_b):
            assert told[round_id].ok == (round_id in published), told[round_id]
            if round_id not in published:
                assert round_status(app, round_id) == "proposed"
                assert "the mentor is full" in told[round_id].message.lower()
        if wanted_a + wanted_b <= 2:
            assert len(published) == 2  # both fit: both are published
        else:
            assert len(published) == 1
            outcomes.add("A" if published == [round_a] else "B")
        assert seats(app, mentor) == (2, len(proposals))
        assert_capacity_invariants(app)
        with app.app_context():  # later attempts' rounds must not find this mentor's free seat
            db.session.execute(
                text("UPDATE mentor_profiles SET capacity = seats_taken WHERE user_id = :id"),
                {"id": mentor.id},
            )
            db.session.commit()
    assert outcomes  # at least one race was decided (which side won varies by run)
