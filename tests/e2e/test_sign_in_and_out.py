"""Signing in and out in headless chromium, against a real server.

1. Signing out on a phone ends the session for a copy of the cookie in another browser, and
   the back button shows no signed-in page.
2. Deleting an account asks for the password: the email address is refused.
3. A sign-in paused after too many mistakes links to a reset; the reset ends the pause.

These journeys run no round, so the module serves without the engine warm-up. Refused forms
answer 400 and the pause 429, which the browser logs as failed loads: only the first journey
checks the console.
"""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from tests import databases
from tests.e2e.conftest import PHONE, _serve
from tests.helpers import make_user

PASSWORD = "e2e-correct-horse-battery"
NEW_PASSWORD = "e2e-a-brand-new-passphrase"


@pytest.fixture(scope="module")
def live_server(template_database, tmp_path_factory):
    with pytest.MonkeyPatch.context() as env:
        for key in list(os.environ):  # the developer's settings must not leak in
            if key.startswith("MENTORMATCH_") and not key.startswith("MENTORMATCH_TEST_"):
                env.delenv(key)
        with databases.database_copy(template_database, tmp_path_factory.mktemp("e2e")) as url:
            yield from _serve(url)


def someone(live_server, role: str) -> str:
    return make_user(live_server.app, role, password=PASSWORD)[1]


def sign_in(page, email: str, password: str = PASSWORD):
    page.goto("/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def flash(page, text: str):
    return page.locator(".flash").filter(has_text=text)


@pytest.mark.slow
def test_signing_out_ends_the_session_everywhere_its_cookie_was_copied(pages, live_server):
    email = someone(live_server, "mentee")
    phone = pages.open("phone", PHONE)
    sign_in(phone, email)
    expect(phone.get_by_role("heading", name="Welcome, Test Mentee")).to_be_visible()
    phone.goto("/account/")
    expect(phone.get_by_role("heading", name="Your data")).to_be_visible()

    copy = pages.open("a copy of the phone's cookies")
    copy.context.add_cookies(phone.context.cookies())
    copy.goto("/account/")
    expect(copy.get_by_role("heading", name="Your data")).to_be_visible()

    phone.get_by_role("button", name="Menu").click()  # on a phone the nav folds behind it
    phone.get_by_role("button", name="Sign out").click()
    expect(flash(phone, "You are signed out.")).to_be_visible()
    phone.go_back()  # no signed-in page comes back from the cache
    expect(phone.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(phone.get_by_role("heading", name="Your data")).to_have_count(0)

    copy.reload()
    expect(copy).to_have_url(re.compile(r"/auth/login\?next="))
    expect(copy.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(copy.get_by_text("Please sign in to see that page.")).to_be_visible()
    pages.assert_no_console_errors()


@pytest.mark.slow
def test_deleting_an_account_takes_the_password_not_the_email(pages, live_server):
    email = someone(live_server, "mentor")
    page = pages.open("phone", PHONE)
    sign_in(page, email)
    page.goto("/account/")
    field = page.get_by_label("Your password")
    expect(field).to_have_attribute("type", "password")
    field.fill(email)
    page.get_by_role("button", name="Delete my account").click()
    expect(page.locator(".error")).to_contain_text("That is not your password")
    expect(page.get_by_role("heading", name="Your data")).to_be_visible()  # still here

    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    expect(flash(page, "Your account and your personal data have been deleted")).to_be_visible()
    expect(page.get_by_role("navigation").get_by_role("link", name="Sign in")).to_be_visible()


@pytest.mark.slow
def test_a_paused_sign_in_points_to_a_reset_that_ends_the_pause(pages, live_server):
    email = someone(live_server, "mentee")
    page = pages.open("desktop")
    for _ in range(5):
        sign_in(page, email, "not-the-password")
        expect(page.get_by_text("Email or password is incorrect.")).to_be_visible()
    sign_in(page, email)  # the right password, too late
    expect(page.get_by_role("heading", name="Too many attempts")).to_be_visible()

    page.get_by_role("link", name="Reset your password").click()
    expect(page.get_by_role("heading", name="Forgot your password?")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Email me a link").click()
    expect(flash(page, "If an account exists for that address")).to_be_visible()

    page.goto(live_server.link_in_mail(email, "/auth/reset-password/"))
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Repeat the new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save my new password").click()
    expect(flash(page, "Your password is changed and you are signed in")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, email, NEW_PASSWORD)  # the pause ended with the reset
    expect(page.get_by_role("heading", name="Welcome, Test Mentee")).to_be_visible()
