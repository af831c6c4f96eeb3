"""The coordinators' side of programmes in headless chromium: an organisation coordinator
creates a programme and a coordinator for it; that coordinator approves an application, sees
the roll-up of their programme only, and every page fits a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from mentormatch.extensions import db
from mentormatch.models import User
from mentormatch.services import accounts
from mentormatch.services.programmes import catalogue, membership
from tests.e2e.conftest import DESKTOP, PHONE
from tests.programme_helpers import with_programme_mails

PASSWORD = "e2e-correct-horse-battery"

pytestmark = pytest.mark.slow


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".flash").filter(has_text="Signed in as")).to_be_visible()


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_programme_is_created_staffed_and_its_applications_approved(pages, live_server):
    app = live_server.app
    with_programme_mails(app)
    with app.app_context():
        accounts.create_coordinator(
            accounts.NewAccount("org@example.org", PASSWORD, "Olu Organiser", "coordinator")
        )
        applicant = accounts.register(
            accounts.NewAccount("nadia@example.org", PASSWORD, "Nadia Haddad", "mentee")
        )
        applicant_id = applicant.id

    org = pages.open("organisation coordinator", DESKTOP)
    sign_in(org, "org@example.org")
    org.get_by_role("link", name="Programmes", exact=True).click()  # the roll-up
    org.get_by_role("link", name="All programmes").click()
    org.get_by_role("link", name="New programme").click()
    # a refused form names the problem on its field, and saves nothing
    org.get_by_label("Name", exact=True).fill("Research fellowship 2027")
    org.get_by_label("Web name").fill("Research Fellowship!")
    org.get_by_role("button", name="Create programme").click()
    expect(org.locator(".error-summary")).to_contain_text("Use lower-case letters")
    expect(org.locator("#slug-error")).to_be_visible()
    org.get_by_label("Web name").fill("research-2027")
    org.get_by_label("Kind").select_option("research")
    org.get_by_label("Open with approval").check()
    org.locator("summary").filter(has_text="Specialties").click()  # folded until one is chosen
    org.get_by_label("Cardiology").check()
    org.get_by_label("Mentorship length (months)").fill("6")
    org.get_by_role("button", name="Create programme").click()
    expect(org.get_by_role("heading", name="Research fellowship 2027: members")).to_be_visible()

    with app.app_context():
        programme = catalogue.by_slug("research-2027")
        assert programme.signup_mode == "approval" and programme.mentorship_months == 6
        programme_id = programme.id
        user = db.session.get(User, applicant_id)
        user.mentee_profile.specialty = "cardiology"
        membership.join(programme, user)  # an application, as the public page makes it
        db.session.commit()

    # a coordinator for this programme only, from the team page
    org.get_by_role("link", name="Coordinators").click()
    org.get_by_label("Full name").fill("Priya Nair")
    org.get_by_label("Email").fill("priya@example.org")
    org.get_by_label("Initial password").fill(PASSWORD)
    org.get_by_label("Only the programmes ticked below").check()
    org.get_by_label("Research fellowship 2027").check()
    org.get_by_role("button", name="Add coordinator").click()
    expect(org.locator(".flash-success")).to_contain_text("Priya Nair can now sign in")

    phone = pages.open("programme coordinator", PHONE)
    sign_in(phone, "priya@example.org")
    expect(phone.get_by_role("heading", name="Your programmes")).to_be_visible()
    rollup = phone.locator(".rollup-table")
    expect(rollup).to_contain_text("Research fellowship 2027")
    expect(rollup).not_to_contain_text("Mentorship programme")  # "general": not hers
    expect(phone.locator(".rollup-chart svg")).to_be_visible()
    assert fits_the_screen(phone)

    phone.goto(f"/coordinator/programmes/{programme_id}/members")
    application = phone.locator(".application").filter(has_text="Nadia Haddad")
    expect(application).to_be_visible()
    assert fits_the_screen(phone)
    application.get_by_role("button", name="Approve Nadia Haddad").tap()
    expect(phone.locator(".flash-success")).to_contain_text("Nadia Haddad is approved")
    expect(phone.get_by_role("heading", name="Applications waiting (0)")).to_be_visible()
    expect(phone.locator(".members-table")).to_contain_text("Nadia Haddad")

    # nothing of the other programme: its page is not found, its people not listed
    general = phone.goto("/coordinator/programmes/1")
    assert general.status == 404
    for path in ("/coordinator/programmes/", f"/coordinator/programmes/{programme_id}",
                 "/coordinator/rounds/new", "/coordinator/coordinators"):  # fmt: skip
        phone.goto(path)
        assert fits_the_screen(phone), path

    # the organisation coordinator archives it, after a confirmation
    org.goto(f"/coordinator/programmes/{programme_id}")
    org.get_by_role("button", name="Archive programme…").click()
    expect(org.get_by_role("heading", name="Archive Research fellowship 2027?")).to_be_visible()
    org.get_by_role("button", name="Archive programme").click()
    expect(org.locator(".flash-success")).to_contain_text("is archived")
    # the refused form (400) and the other programme's page (404) were meant; nothing else
    unexpected = [e for e in pages.console_errors if "responded with a status of 40" not in e]
    assert not unexpected, unexpected
