"""Stated preferences in headless chromium: a mentee ranks three mentors on her phone, the
round runs and is published, and she sees which mentor she got and which of her choices it
was; her first choice's mentor saw only an anonymous ranker; the coordinator's review shows
the choices' figures."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from mentormatch.extensions import db
from mentormatch.models import MenteeProfile, MentorProfile, User
from mentormatch.services import accounts
from mentormatch.services.preferences import choices, windows
from mentormatch.services.rounds import publishing, transitions
from mentormatch.services.rounds import run as round_run
from mentormatch.services.rounds.settings import parse_settings
from tests.e2e.conftest import PHONE

PASSWORD = "e2e-correct-horse-battery"
MENTORS = ("Ines Alvarez", "Jon Berg", "Kemi Cole", "Lars Dahl")
SHOTS = os.environ.get("MENTORMATCH_SCREENSHOTS")  # a folder: save the pages' screenshots


def _email(name: str) -> str:
    return name.lower().replace(" ", ".") + "@example.org"


@pytest.fixture(scope="module")
def choosing_round(live_server) -> int:
    """Four alike mentors with one seat each, Asha and two other mentees, and a draft round
    whose window is open; Bo has already ranked Kemi Cole first."""
    app = live_server.app
    with app.app_context():
        accounts.create_coordinator(
            accounts.NewAccount("choices.coord@example.org", PASSWORD, "Cy Coordinator",
                                "coordinator")
        )  # fmt: skip
        for name in MENTORS:
            accounts.register(accounts.NewAccount(_email(name), PASSWORD, name, "mentor"))
        for name in ("Asha Rao", "Bo Chen", "Cal Diaz"):
            accounts.register(accounts.NewAccount(_email(name), PASSWORD, name, "mentee"))
        for profile in db.session.query(MentorProfile):
            profile.specialty, profile.state, profile.capacity = "internal-medicine", "NY", 1
            profile.research_interests = ["case-report"]
        for profile in db.session.query(MenteeProfile):
            profile.specialty, profile.preferred_regions = "internal-medicine", ["NY"]
            profile.research_interests, profile.home_country = ["case-report"], "IN"
        db.session.commit()
        created = transitions.create_round(parse_settings({"name": "Spring choices"}), None)
        round_id = created.id
        now = datetime.now(UTC)
        windows.set_window(round_id, None, now - timedelta(hours=1), now + timedelta(days=3))
        ids = {u.full_name: u.id for u in db.session.query(User)}
        choices.save_ranking(ids["Bo Chen"], round_id, [ids["Kemi Cole"]])
        return round_id


def sign_in(page, email: str) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".flash").filter(has_text="Signed in")).to_be_visible()


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


@pytest.mark.slow
def test_a_mentee_ranks_three_mentors_and_sees_which_choice_she_got(
    pages, live_server, choosing_round
):
    phone = pages.open("mentee", PHONE)
    sign_in(phone, _email("Asha Rao"))
    phone.get_by_role("button", name="Menu").click()  # a phone folds the links behind it
    phone.get_by_role("link", name="Choose mentors").click()
    expect(phone.get_by_role("heading", name="Spring choices")).to_be_visible()
    phone.get_by_role("link", name="Browse and rank mentors").click()
    cards = phone.locator(".mentor-card")
    expect(cards).to_have_count(4)
    expect(phone.locator(".mentor-card", has_text="Kemi Cole")).to_contain_text("Fit")
    assert "@example.org" not in phone.content()  # no contact details on the cards
    shot(phone, "browse-390")
    for rank, name in ((1, "Kemi Cole"), (2, "Jon Berg"), (3, "Ines Alvarez")):
        phone.get_by_label(f"Your rank for {name}").select_option(str(rank))
    phone.get_by_role("button", name="Save my list").click()
    expect(phone.locator(".flash")).to_contain_text("Your list is saved (3 mentors)")
    expect(phone.locator(".mentor-card").first).to_contain_text("Kemi Cole")
    expect(phone.locator(".mentor-card").first).to_contain_text("Your 1")

    desk = pages.open("mentee on a desktop")
    sign_in(desk, _email("Asha Rao"))
    desk.goto(f"/choices/rounds/{choosing_round}?q=berg")
    expect(desk.locator(".mentor-card")).to_have_count(3)  # Jon Berg, and her two others
    shot(desk, "browse-filtered-1280")

    # Kemi Cole sees two anonymous rankers, and none of their other choices
    mentor = pages.open("mentor", PHONE)
    sign_in(mentor, _email("Kemi Cole"))
    mentor.get_by_role("button", name="Menu").click()
    mentor.get_by_role("link", name="Who chose me").click()
    expect(mentor.get_by_text("2 mentees ranked you.")).to_be_visible()
    body = mentor.content()
    assert "Asha Rao" not in body and "Jon Berg" not in body and "Mentee 1" in body
    shot(mentor, "ranked-me-390")

    app = live_server.app
    with app.app_context():
        round_run.execute(choosing_round)
        publishing.publish_round(choosing_round)

    phone.goto("/choices/")
    outcome = phone.locator(".outcome")
    expect(outcome).to_contain_text("Spring choices")
    text = outcome.inner_text()
    got = re.search(r"(Kemi Cole|Jon Berg|Ines Alvarez) — your (1st|2nd|3rd) choice", text)
    assert got, text
    expected_rank = {"Kemi Cole": "1st", "Jon Berg": "2nd", "Ines Alvarez": "3rd"}
    assert got.group(2) == expected_rank[got.group(1)]
    shot(phone, "outcome-390")

    coordinator = pages.open("coordinator")
    sign_in(coordinator, "choices.coord@example.org")
    coordinator.goto(f"/coordinator/rounds/{choosing_round}")
    section = coordinator.locator("#preferences")
    expect(section).to_contain_text("2 mentees ranked mentors")
    expect(section).to_contain_text("got their first choice")
    shot(coordinator, "review-1280")
    pages.assert_no_console_errors()


@pytest.mark.slow
def test_a_coordinator_moves_the_window_and_sets_the_programmes_choices_on_a_phone(
    pages, live_server, choosing_round
):
    phone = pages.open("coordinator", PHONE)
    sign_in(phone, "choices.coord@example.org")
    with live_server.app.app_context():
        created = transitions.create_round(parse_settings({"name": "Autumn choices"}), None)
        draft_id = created.id
    phone.goto(f"/coordinator/rounds/{draft_id}")
    phone.get_by_role("link", name=re.compile("Mentees' choices")).click()
    phone.get_by_label(re.compile("^Opens")).fill("2031-03-01T09:00")
    phone.get_by_label(re.compile("^Closes")).fill("2031-02-01T09:00")
    phone.get_by_role("button", name="Open a window").click()
    expect(phone.get_by_text("The window must close after it opens.")).to_be_visible()
    # the refused form answered 400, which the browser logs; nothing else may be there
    assert all("400 (BAD REQUEST)" in error for error in pages.console_errors)
    pages.console_errors.clear()
    phone.get_by_label(re.compile("^Closes")).fill("2031-03-08T09:00")
    phone.get_by_role("button", name="Open a window").click()
    expect(phone.locator(".flash")).to_contain_text("The window is set")
    phone.get_by_label("Mentors a mentee may rank").fill("3")
    phone.get_by_label(re.compile("Mentors see the names")).check()
    phone.get_by_role("button", name="Save settings").click()
    expect(phone.locator(".flash")).to_contain_text("Preference settings of")
    expect(phone.get_by_label("Mentors a mentee may rank")).to_have_value("3")
    shot(phone, "coordinator-preferences-390")
    pages.assert_no_console_errors()
