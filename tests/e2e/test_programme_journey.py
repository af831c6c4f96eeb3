"""Issue 13's whole journey in headless chromium: an IMG finds a programme's page and signs up
into it, the programme's coordinator approves her, runs a round in that programme and
publishes it; the coordinator of another programme sees none of it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from mentormatch.extensions import db
from mentormatch.models import Mentorship, User
from mentormatch.services import accounts
from mentormatch.services.programmes import catalogue, membership
from tests.e2e.conftest import DESKTOP, PHONE

PASSWORD = "e2e-correct-horse-battery"
ROUND_TIMEOUT_MS = 60_000

pytestmark = pytest.mark.slow


def sign_in(page, email: str) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".flash").filter(has_text="Signed in as")).to_be_visible()


def flash(page, text: str):
    return page.locator(".flash").filter(has_text=text)


def _two_programmes(app) -> dict:
    """Research (approval, cardiology) with its coordinator and a mentor; Licensure with its
    own coordinator."""
    with app.app_context():
        research = catalogue.create(
            {"slug": "cardio-research", "name": "Cardiology research track", "kind": "research",
             "signup_mode": "approval", "eligible_specialties": "cardiology",
             "description": "Research mentoring for IMGs aiming for cardiology.",
             "mentorship_months": "6", "answer_days": "10"},
            None,
        )  # fmt: skip
        licensure = catalogue.create(
            {"slug": "licensure", "name": "Licensure track", "kind": "licensure"}, None
        )
        priya = accounts.create_coordinator(
            accounts.NewAccount("priya@example.org", PASSWORD, "Priya Nair", "coordinator"),
            programme_ids=[research.id],
        )
        accounts.create_coordinator(
            accounts.NewAccount("omar@example.org", PASSWORD, "Omar Diallo", "coordinator"),
            programme_ids=[licensure.id],
        )
        mentor = accounts.register(
            accounts.NewAccount("dr.chen@example.org", PASSWORD, "Dr Wei Chen", "mentor"),
            research,
        )
        profile = mentor.mentor_profile
        profile.specialty, profile.state, profile.capacity = "cardiology", "NY", 2
        profile.research_interests = ["cardiology", "clinical-trial"]
        membership.decide(membership.member(research.id, mentor.id).id, True, priya)
        return {"research": research.id, "licensure": licensure.id}


def test_sign_up_approve_run_and_publish_in_one_programme_unseen_by_another(pages, live_server):
    app = live_server.app
    ids = _two_programmes(app)

    # an IMG finds the programme and signs up into it on her phone
    img = pages.open("IMG", PHONE)
    img.goto("/programmes")
    card = img.locator("article", has=img.get_by_role("heading", name="Cardiology research track"))
    card.get_by_role("link", name="Apply Cardiology research track").tap()
    img.get_by_label("Mentee: an IMG looking for guidance").check()
    img.get_by_label("Full name").fill("Dr Amina Yusuf")
    img.get_by_label("Email").fill("amina.yusuf@example.org")
    img.get_by_label("Password", exact=True).fill(PASSWORD)
    img.get_by_label("Repeat the password").fill(PASSWORD)
    img.get_by_label("Your specialty interest").select_option(label="Cardiology")
    img.get_by_role("button", name=re.compile("account")).tap()
    expect(img).to_have_url(re.compile(r"/mentee/profile$"))
    expect(flash(img, "Cardiology research track")).to_be_visible()
    with app.app_context():  # she completes what a round needs (regions, research)
        amina = db.session.scalar(db.select(User).filter_by(email="amina.yusuf@example.org"))
        assert membership.member(ids["research"], amina.id).status == "pending"
        amina.mentee_profile.regions_anywhere = True
        amina.mentee_profile.research_interests = ["cardiology"]
        db.session.commit()
        amina_id = amina.id

    # the programme's coordinator approves her, runs a round there and publishes it
    priya = pages.open("research coordinator", DESKTOP)
    sign_in(priya, "priya@example.org")
    priya.goto(f"/coordinator/programmes/{ids['research']}/members")
    priya.get_by_role("button", name="Approve Dr Amina Yusuf").click()
    expect(flash(priya, "Dr Amina Yusuf is approved")).to_be_visible()
    priya.get_by_role("link", name="Rounds", exact=True).click()
    priya.get_by_role("link", name="New round").click()
    priya.get_by_label("Round name").fill("Research spring")
    priya.get_by_role("button", name="Create and run").click()
    expect(priya.get_by_role("heading", name="Proposed pairs", exact=True)).to_be_visible(
        timeout=ROUND_TIMEOUT_MS
    )
    expect(priya.locator("table.pairs tbody tr")).to_have_count(1)
    expect(priya.locator("table.pairs")).to_contain_text("Dr Amina Yusuf")
    round_url = priya.url.split("#")[0].split("?")[0]
    priya.get_by_role("button", name=re.compile(r"^Publish 1 proposal…$")).click()
    priya.get_by_role("button", name=re.compile(r"^Publish and email 2 people$")).click()
    expect(flash(priya, "Published: 1 proposal")).to_be_visible()
    with app.app_context():
        (proposal,) = db.session.scalars(
            db.select(Mentorship).where(Mentorship.mentee_id == amina_id)
        )
        assert proposal.programme_id == ids["research"] and proposal.status == "proposed"

    # the other programme's coordinator sees none of it
    omar = pages.open("licensure coordinator", DESKTOP)
    sign_in(omar, "omar@example.org")
    omar.get_by_role("link", name="Rounds", exact=True).click()
    expect(omar.get_by_text("Research spring")).to_have_count(0)
    assert omar.goto(round_url).status == 404
    assert omar.goto(f"/people/{amina_id}").status == 404
    assert omar.goto(f"/coordinator/programmes/{ids['research']}/members").status == 404
    omar.goto("/coordinator/mentees")
    expect(omar.get_by_text("Dr Amina Yusuf")).to_have_count(0)
    omar.goto("/coordinator/audit/")
    expect(omar.locator("main")).not_to_contain_text("Research spring")
    expect(omar.locator("main")).not_to_contain_text("Amina")
