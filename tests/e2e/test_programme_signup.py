"""An IMG finds a programme on /programmes, signs up into it on a phone answering only the
questions its eligibility asks, and lands on her profile as a member."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from mentormatch.extensions import db
from mentormatch.models import User
from mentormatch.services.programmes import catalogue, membership
from tests.e2e.conftest import PHONE

PASSWORD = "e2e-correct-horse-battery"


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.slow
def test_an_img_finds_a_programme_and_signs_up_into_it_on_a_phone(pages, live_server):
    with live_server.app.app_context():
        programme_id = catalogue.create(
            {"slug": "im-2027", "name": "IM Match 2027 cohort", "kind": "residency",
             "description": "For IMGs applying to internal medicine in the 2027 Match.",
             "eligible_specialties": "internal-medicine", "eligible_match_years": "2027",
             "mentorship_months": "6", "meeting_cadence": "fortnightly"},
            None,
        ).id  # fmt: skip

    page = pages.open("IMG phone", PHONE)
    page.goto("/")
    page.get_by_role("link", name="Programmes", exact=True).tap()
    expect(page.get_by_role("heading", name="Mentoring programmes")).to_be_visible()
    assert fits_the_screen(page)
    card = page.locator("article", has=page.get_by_role("heading", name="IM Match 2027 cohort"))
    expect(card.get_by_text("Mentees applying to the Match in 2027.")).to_be_visible()
    expect(card.get_by_text("6 months, meeting every two weeks")).to_be_visible()
    card.get_by_role("link", name="Join IM Match 2027 cohort").tap()

    expect(page.get_by_role("heading", name="IM Match 2027 cohort", exact=True)).to_be_visible()
    assert fits_the_screen(page)
    # the questions are the mentees': they step aside while "mentor" is chosen
    page.get_by_label("Mentor: a US physician or researcher offering guidance").check()
    expect(page.get_by_label("Your specialty interest")).to_be_hidden()
    page.get_by_label("Mentee: an IMG looking for guidance").check()
    expect(page.get_by_label("Your specialty interest")).to_be_visible()
    page.get_by_label("Full name").fill("Dr Leila Haddad")
    page.get_by_label("Email").fill("leila.haddad@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    # the programme's two questions, and none of the rest of the profile
    page.get_by_label("Your specialty interest").select_option(label="Pediatrics")
    page.get_by_label("The Match year you are aiming for").select_option("2027")
    expect(page.get_by_label("Home country")).to_have_count(0)
    page.get_by_role("button", name="Join and create my account").tap()

    # not eligible: told why on the form, and no account was made
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("is for mentees aiming for one of: Internal medicine")
    assert fits_the_screen(page)
    with live_server.app.app_context():
        assert db.session.query(User).filter_by(email="leila.haddad@example.org").count() == 0
    page.get_by_label("Your specialty interest").select_option(label="Internal medicine")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Join and create my account").tap()

    expect(page).to_have_url(re.compile(r"/mentee/profile$"))
    expect(
        page.locator(".flash", has_text="You are a member of IM Match 2027 cohort.")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Your IMG profile")).to_be_visible()
    expect(page.get_by_label("Specialty interest", exact=True)).to_have_value("internal-medicine")
    expect(page.get_by_label("Match year you are aiming for (optional)")).to_have_value("2027")
    assert fits_the_screen(page)
    with live_server.app.app_context():
        user = db.session.query(User).filter_by(email="leila.haddad@example.org").one()
        assert membership.member(programme_id, user.id).status == "active"

    # her home page names the programme she is in
    page.goto("/mentee/")
    panel = page.locator("section", has=page.get_by_role("heading", name="Your programmes"))
    expect(panel.get_by_role("link", name="IM Match 2027 cohort")).to_be_visible()
    expect(panel.get_by_text("Member", exact=True)).to_be_visible()
    assert fits_the_screen(page)
    # the one refused sign-up answers 400, which the console reports; nothing else
    refused = [e for e in pages.console_errors if "status of 400" in e and "/im-2027" in e]
    assert len(refused) == 1
    pages.console_errors.remove(refused[0])
    pages.assert_no_console_errors()
