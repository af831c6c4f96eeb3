"""A sign-in paused after too many failed attempts: the page points to a password reset, and
a reset from the emailed link ends the pause (the per-address limit stays)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from mentormatch.extensions import db
from mentormatch.models import User
from mentormatch.services import tokens
from tests.helpers import TEST_PASSWORD

WRONG = "not-the-password"
NEW_PASSWORD = "a-brand-new-passphrase"
RESET_LINK = re.compile(r'<a class="button" href="/auth/forgot-password">Reset your password</a>')


@pytest.fixture
def app_config(app_config):
    return {**app_config, "RATELIMIT_ENABLED": True}


def log_in(client, email, password=WRONG, **kwargs):
    return client.post("/auth/login", data={"email": email, "password": password}, **kwargs)


def pause(client, email) -> None:
    for _ in range(5):
        assert log_in(client, email).status_code == 400
    assert log_in(client, email, TEST_PASSWORD).status_code == 429


def reset_path(app, email) -> str:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        return f"/auth/reset-password/{tokens.make_token(user, tokens.RESET)}"


def test_the_paused_sign_in_page_links_to_a_password_reset(client, auth):
    email = auth.create("mentee")
    pause(client, email)
    page = log_in(client, email).get_data(as_text=True)
    assert RESET_LINK.search(page), page
    assert client.get("/auth/forgot-password").status_code == 200


def test_other_pauses_do_not_offer_a_reset(client, auth):
    email = auth.create("mentee")
    for _ in range(5):
        client.post("/auth/forgot-password", data={"email": email})
    paused = client.post("/auth/forgot-password", data={"email": email})
    assert paused.status_code == 429
    assert not RESET_LINK.search(paused.get_data(as_text=True))


def test_a_password_reset_ends_the_pause(app, client, auth):
    email = auth.create("mentor")
    pause(client, email)
    browser = app.test_client()  # the owner, at another browser on the same network
    reset = browser.post(reset_path(app, email),
                         data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})  # fmt: skip
    assert reset.status_code == 302
    browser.post("/auth/logout")
    assert log_in(browser, email, NEW_PASSWORD).status_code == 302
    # a fresh count, not an open door: five more mistakes pause it again
    browser.post("/auth/logout")
    pause(browser, email)


def test_a_reset_ends_the_pause_on_changing_the_password_too(app, client, auth):
    email = auth.create("mentee")
    assert log_in(client, email, TEST_PASSWORD).status_code == 302
    wrong = {"current_password": WRONG, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    for _ in range(5):
        assert client.post("/auth/password", data=wrong).status_code == 400
    assert client.post("/auth/password", data=wrong).status_code == 429
    page = client.post("/auth/password", data=wrong).get_data(as_text=True)
    assert RESET_LINK.search(page)

    assert client.post(reset_path(app, email),
                       data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
                       ).status_code == 302  # fmt: skip
    again = "a-third-long-password"
    change = {"current_password": NEW_PASSWORD, "new_password": again, "confirm": again}
    assert client.post("/auth/password", data=change).status_code == 302


def test_a_reset_does_not_lift_the_limit_on_the_address(app, auth):
    """An attacker resetting their own password must not win more guesses at others'."""
    attacker = app.test_client()
    own = auth.create("mentee")
    targets = [auth.create("mentor") for _ in range(5)]
    for target in targets:
        for _ in range(4):  # under each account's limit, 20 from the address in all
            assert log_in(attacker, target).status_code == 400
    assert log_in(attacker, targets[0]).status_code == 429
    assert attacker.post(reset_path(app, own),
                         data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
                         ).status_code == 302  # fmt: skip
    attacker.post("/auth/logout")
    assert log_in(attacker, targets[1]).status_code == 429
