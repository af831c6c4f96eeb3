"""Explanations in words, in headless chromium on a phone: a round's review (pairs, unmatched
mentees with the mentors they could have had, blocking pairs) and a mentor's proposal card."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from mentormatch.extensions import db
from mentormatch.models import User
from mentormatch.services import accounts
from mentormatch.services.rounds import publishing, transitions
from mentormatch.services.rounds.settings import parse_settings
from tests.e2e.conftest import PHONE

PASSWORD = "e2e-correct-horse-battery"
MENTEE = {"specialty": "internal-medicine", "preferred_regions": ["NY"],
          "research_interests": ["case-report"], "home_country": "IN"}  # fmt: skip
MENTOR = {"specialty": "internal-medicine", "state": "NY",
          "research_interests": ["case-report"], "capacity": 1}  # fmt: skip


def add_person(role: str, name: str, **fields) -> int:
    email = name.lower().replace(" ", ".") + "@example.org"
    user = accounts.register(accounts.NewAccount(email, PASSWORD, name, role))
    user = db.session.get(User, user.id)
    profile = user.mentee_profile if role == "mentee" else user.mentor_profile
    for key, value in {**(MENTEE if role == "mentee" else MENTOR), **fields}.items():
        setattr(profile, key, value)
    db.session.commit()
    return user.id


@pytest.fixture(scope="module")
def round_id(live_server) -> int:
    """Two seats for three mentees. Ben is left out: Dr Xu is full with Cho, who scores higher
    with him, Dr Paz is paused, and Ben scores below the minimum with Dr Yoon. Ana and Dr Xu
    are a blocking pair: both score higher together than with Dr Yoon and Cho."""
    with live_server.app.app_context():
        accounts.create_coordinator(
            accounts.NewAccount("grace@example.org", PASSWORD, "Grace Coordinator", "coordinator")
        )
        add_person("mentee", "Ana Silva", specialty_second="cardiology")
        add_person("mentee", "Ben Osei", research_interests=["clinical-trial"])
        add_person("mentee", "Cho Park", research_interests=["case-report", "clinical-trial"])
        add_person("mentor", "Dr Xu")
        add_person("mentor", "Dr Yoon", specialty="cardiology")
        add_person("mentor", "Dr Paz", capacity=0)
        matching_round = transitions.run_round_now(
            parse_settings({"name": "Spring", "min_score": "0.6"}), None
        )
        assert matching_round.status == "proposed", matching_round.error
        return matching_round.id


def sign_in(page, email: str) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.slow
def test_a_coordinator_reads_the_review_in_words_on_a_phone(pages, round_id, tmp_path):
    page = pages.open("coordinator phone", PHONE)
    sign_in(page, "grace@example.org")
    page.goto(f"/coordinator/rounds/{round_id}")

    stability = page.locator("section").filter(has=page.locator("#stability-title"))
    blocking = stability.locator("ol.blocking-pairs li")
    expect(blocking).to_have_count(1)
    expect(blocking).to_contain_text("Ana Silva and Dr Xu score 1.00 together.")
    expect(blocking).to_contain_text("Ana Silva scores 0.90 with the proposed mentor, Dr Yoon")
    expect(blocking).to_contain_text(
        "Dr Xu scores 0.85 with Cho Park, the lowest of the mentees proposed to them."
    )

    unmatched = page.locator("li.unmatched-mentee").filter(has_text="Ben Osei")
    summary = unmatched.locator("summary")
    expect(summary).to_have_text(
        "Ben Osei: Dr Xu (full); Dr Paz (paused); Dr Yoon (below the minimum score)"
    )
    summary.click()
    options = unmatched.locator("ul.mentor-options li")
    expect(options).to_have_count(3)
    expect(options.first).to_be_visible()
    expect(options.nth(0)).to_have_text(
        "Dr Xu (score 0.70): full: its seat went to a mentee who scores higher with this "
        "mentor (0.85)."
    )
    expect(options.nth(1)).to_have_text("Dr Paz (score 0.70): paused: not taking new mentees.")
    expect(options.nth(2)).to_have_text(
        "Dr Yoon (score 0.55): the pair scores 0.55, below the round's minimum score of 0.60."
    )
    expect(unmatched).not_to_contain_text("mentors_full")

    ana = page.locator("table.pairs tbody tr").filter(has_text="Ana Silva")
    expect(ana.locator("ul.why")).to_contain_text(
        "The mentee's second choice, cardiology, is the mentor's specialty"
    )
    # the page itself never scrolls sideways; the sections read on a 390 px screen
    assert fits_the_screen(page)
    for locator in (blocking.first, options.first):
        locator.scroll_into_view_if_needed()
        box = locator.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    page.screenshot(path=str(Path(tmp_path) / "review-phone.png"), full_page=True)
    pages.assert_no_console_errors()


@pytest.mark.slow
def test_a_mentor_reads_why_on_the_proposal_card_on_a_phone(live_server, pages, round_id):
    with live_server.app.app_context():
        publishing.publish_round(round_id)
    page = pages.open("mentor phone", PHONE)
    sign_in(page, "dr.yoon@example.org")
    card = page.locator("article.proposal").filter(has_text="Ana Silva")
    why = card.locator("ul.why li")
    expect(why).to_have_count(3)
    expect(why.nth(0)).to_have_text("Ana Silva's second choice, cardiology, is your specialty")
    expect(why.nth(1)).to_have_text("You are in New York, Ana Silva's preferred state")
    expect(why.nth(2)).to_have_text("You share case reports")
    expect(card.locator(".why-numbers")).to_contain_text("Score 0.90 out of 1")
    assert fits_the_screen(page)
    pages.assert_no_console_errors()
