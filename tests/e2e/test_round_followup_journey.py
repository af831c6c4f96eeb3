"""A coordinator follows a round through in headless chromium: steers it from page 2 of a
filtered pairs list and stays there, confirms publishing (which says how many people it
emails) and sees it under way, then re-runs a round as a new one that shows what changed."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from mentormatch.extensions import db
from mentormatch.models import MentorProfile, User
from mentormatch.services import accounts
from mentormatch.services.rounds import transitions
from mentormatch.services.rounds.settings import parse_settings
from tests.e2e.conftest import PHONE

PASSWORD = "e2e-correct-horse-battery"
COORDINATOR = "follow.up@example.org"
MENTEES = 60  # two pages of pairs


def flash(page, text: str):
    return page.locator(".flash").filter(has_text=text)


@pytest.fixture(scope="module")
def big_round(live_server) -> int:
    """A coordinator, 60 ready mentees and three mentors with 20 seats each, and a round of
    them run to its proposal."""
    app = live_server.app
    with app.app_context():
        accounts.create_coordinator(
            accounts.NewAccount(COORDINATOR, PASSWORD, "Flo Coordinator", "coordinator")
        )
        for k in range(MENTEES):
            accounts.register(
                accounts.NewAccount(
                    f"mentee{k:02d}@example.org", PASSWORD, f"Mentee {k:02d}", "mentee"
                )  # fmt: skip
            )
        for k, state in enumerate(("NY", "NJ", "PA")):
            accounts.register(
                accounts.NewAccount(f"mentor{k}@example.org", PASSWORD, f"Mentor {k}", "mentor")
            )
            db.session.query(MentorProfile).filter(
                MentorProfile.user_id == db.session.query(User.id).filter(
                    User.email == f"mentor{k}@example.org").scalar_subquery()
            ).update({"specialty": "internal-medicine", "state": state, "capacity": 20,
                      "research_interests": ["case-report"]})  # fmt: skip
        for user in db.session.query(User).filter(User.role == "mentee"):
            profile = user.mentee_profile
            profile.specialty, profile.preferred_regions = "internal-medicine", ["NY"]
            profile.research_interests, profile.home_country = ["case-report"], "IN"
        db.session.commit()
        matching_round = transitions.run_round_now(parse_settings({"name": "Autumn"}), None)
        assert matching_round.status == "proposed", matching_round.error
        assert matching_round.summary["matched"] == MENTEES
        return matching_round.id


def sign_in(page) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email").fill(COORDINATOR)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(flash(page, "Signed in as Flo Coordinator")).to_be_visible()


def in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


@pytest.mark.slow
def test_lock_keeps_the_coordinator_on_the_same_row_page_and_filter(pages, big_round):
    page = pages.open("coordinator")
    sign_in(page)
    page.goto(f"/coordinator/rounds/{big_round}")
    page.get_by_label("Mentee or mentor name or email").fill("mentee")
    page.get_by_role("button", name="Filter").click()
    pager = page.get_by_role("navigation", name="Pages of pairs")
    pager.get_by_role("link", name="Next →").click()
    expect(pager).to_contain_text("Page 2 of 2")

    row = page.locator("table.pairs tbody tr").nth(5)
    mentee = row.locator("td").first.inner_text()
    row_id = row.get_attribute("id")
    row.get_by_role("button", name=re.compile(r"^Lock ")).click()

    expect(page).to_have_url(re.compile(rf"#{row_id}$"))
    url = urlsplit(page.url)
    assert parse_qs(url.query) == {"q": ["mentee"], "page": ["2"]}, url.query
    locked = page.locator(f"#{row_id}")
    expect(locked).to_contain_text(mentee)
    expect(locked.get_by_role("button", name=re.compile("^Remove the lock"))).to_be_visible()
    assert page.evaluate("window.scrollY") > 1000  # not back at the top of the page
    assert in_viewport(page, locked)
    pages.assert_no_console_errors()


@pytest.mark.slow
def test_a_rerun_is_a_new_round_showing_what_changed_on_a_phone(pages, live_server, big_round):
    with live_server.app.app_context():
        earlier = transitions.run_round_now(parse_settings({"name": "Winter"}), None).id
    page = pages.open("coordinator phone", PHONE)
    sign_in(page)
    page.goto(f"/coordinator/rounds/{earlier}?q=Mentee+07")
    row = page.locator("table.pairs tbody tr")
    expect(row).to_have_count(1)
    row.get_by_role("button", name=re.compile(r"^Forbid ")).tap()
    expect(flash(page, "Pair forbidden")).to_be_attached()

    page.get_by_role("button", name="Run again", exact=True).tap()
    expect(page.get_by_role("heading", name="Winter (re-run 2)")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("heading", name="Proposed pairs")).to_be_visible(timeout=30_000)
    expect(page.locator(".round-origin")).to_contain_text(f"A re-run of #{earlier} “Winter”")
    # the page compares with the run it repeats, without being asked
    expect(page.get_by_label("Compare with", exact=True)).to_have_value(str(earlier))
    changes = page.locator("#whatif tr.diff-changed")
    expect(changes.filter(has_text="Mentee 07")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # the earlier run keeps its result
    page.goto(f"/coordinator/rounds/{earlier}")
    expect(page.get_by_role("heading", name="Winter", exact=False)).to_contain_text("proposed")
    pages.assert_no_console_errors()


@pytest.mark.slow
def test_publish_asks_first_says_whom_it_emails_and_shows_it_is_under_way(
    pages, live_server, big_round
):
    page = pages.open("coordinator")
    sign_in(page)
    page.goto(f"/coordinator/rounds/{big_round}")
    page.get_by_role("button", name=f"Publish {MENTEES} proposals…").click()

    expect(page.get_by_role("heading", name="Publish “Autumn”?")).to_be_visible()
    people = MENTEES + 3  # every mentee and their three mentors
    expect(page.get_by_text(f"Publishing emails {people} people now")).to_be_visible()
    expect(page.get_by_role("button", name=f"Publish and email {people} people")).to_be_enabled()

    held = []  # hold the publishing request, to see the page while it runs
    page.route(re.compile(r"/publish$"), lambda route: held.append(route))
    try:
        # While the request is held the page stays; Playwright's own locators would wait for
        # the navigation, so the page is read from its script, a moment after the click.
        state = page.evaluate(
            """() => new Promise((resolve) => {
                const form = document.querySelector("form.confirm-form");
                const button = form.querySelector("button[type=submit]");
                button.click();
                setTimeout(() => {
                    form.requestSubmit();  // a second try is not sent
                    resolve({
                        disabled: button.disabled,
                        text: button.textContent,
                        status: form.querySelector("[data-busy-status]").textContent,
                        bar: form.querySelector("[data-busy-status] progress") !== null,
                    });
                }, 100);
            })"""
        )
        assert state == {
            "disabled": True,
            "text": f"Publishing… emailing {people} people",
            "status": f"Publishing… emailing {people} people",
            "bar": True,
        }, state
        page.wait_for_timeout(300)
        assert len(held) == 1, "the publish request was sent more than once, or not at all"
        assert "confirm=yes" in (held[0].request.post_data or "")
    finally:
        for route in held:
            route.continue_()
        page.unroute(re.compile(r"/publish$"))
    expect(flash(page, f"Published: {MENTEES} proposals sent to mentors.")).to_be_visible()
    expect(page.get_by_role("heading", name="Autumn")).to_contain_text("published")
    expect(page.get_by_role("heading", name="Mentors' answers")).to_be_visible()
    expect(page.locator("#answers")).to_contain_text(f"{MENTEES} pending")
    pages.assert_no_console_errors()
