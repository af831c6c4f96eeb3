"""'Your data': every signed-in person downloads their data and can delete their account."""

import json

import pytest

from mentormatch.app import create_app
from mentormatch.extensions import db
from mentormatch.models import MenteeProfile, User
from tests.helpers import TEST_PASSWORD, csrf_token_from, make_user


def user_row(app, user_id: int) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


@pytest.mark.parametrize("role", ["mentee", "mentor", "coordinator"])
def test_everyone_signed_in_has_the_page_and_the_menu_link(client, auth, role):
    auth.login_as(role)
    html = client.get("/account/").get_data(as_text=True)
    assert 'href="/account/"' in html and "Download my data" in html
    assert "Delete my account" in html
    assert ('href="/coordinator/audit/"' in html) is (role == "coordinator")


def test_visitors_are_sent_to_sign_in(client):
    for url in ("/account/", "/account/export.json"):
        assert client.get(url).headers["Location"].startswith("/auth/login")
    response = client.post("/account/delete", data={"confirmation": "x"})
    assert response.headers["Location"].startswith("/auth/login")


def test_the_download_is_a_json_file_of_ones_own_data(app, client, auth):
    other_id, other_email = make_user(app, "mentee")
    email = auth.login_as("mentee")
    with app.app_context():
        user_id = db.session.scalar(db.select(User.id).where(User.email == email))
        profile = db.session.scalar(
            db.select(MenteeProfile).where(MenteeProfile.user_id == user_id)
        )
        profile.medical_school = "Aga Khan University"
        db.session.commit()
    response = client.get("/account/export.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.data)
    assert data["account"]["email"] == email and data["account"]["role"] == "mentee"
    assert data["profile"]["medical_school"] == "Aga Khan University"
    assert other_email not in response.get_data(as_text=True)
    assert "argon2" not in response.get_data(as_text=True)  # no password hash


def test_a_wrong_confirmation_deletes_nothing_and_says_what_to_do(app, client, auth):
    email = auth.login_as("mentor")
    response = client.post("/account/delete", data={"confirmation": "not my password"})
    assert response.status_code == 400
    assert "That is not your password, so nothing was deleted." in response.get_data(as_text=True)
    assert client.get("/mentor/").status_code == 200  # still signed in
    empty = client.post("/account/delete", data={"confirmation": ""})
    assert empty.status_code == 400
    assert "Type your password to confirm the deletion." in empty.get_data(as_text=True)
    auth.logout()
    assert auth.login(email).status_code == 302


def test_deleting_signs_out_and_the_account_is_gone(app, client, auth):
    email = auth.login_as("mentee")
    copied = app.test_client()
    copied.set_cookie("session", client.get_cookie("session").value)
    assert copied.get("/account/").status_code == 200
    response = client.post("/account/delete", data={"confirmation": TEST_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "have been deleted" in client.get("/").get_data(as_text=True)
    assert client.get("/mentee/").status_code == 302  # signed out
    assert copied.get("/account/").status_code == 302  # and so is every copy of the cookie
    refused = auth.login(email)
    assert refused.status_code != 302
    with app.app_context():
        assert db.session.scalar(db.select(User).where(User.email == email)) is None


@pytest.mark.parametrize("typed", ["email", "EMAIL"])
def test_the_email_address_does_not_confirm_a_deletion(app, client, auth, typed):
    """Anyone at a signed-in browser can read the address off the page: only the password
    shows that the owner is deleting."""
    email = auth.login_as("mentee")
    typed = email if typed == "email" else email.upper()
    response = client.post("/account/delete", data={"confirmation": typed})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "That is not your password" in page and 'type="password"' in page
    assert "or your email address" not in page and "password or email" not in page
    assert client.get("/mentee/").status_code == 200  # nothing happened
    with app.app_context():
        assert db.session.scalar(db.select(User).where(User.email == email)).active


def test_the_last_coordinator_is_told_to_add_another_first(app, client, auth):
    auth.login_as("coordinator")
    response = client.post("/account/delete", data={"confirmation": TEST_PASSWORD})
    assert response.status_code == 400
    assert "last active coordinator" in response.get_data(as_text=True)
    assert client.get("/coordinator/").status_code == 200


def test_deleting_needs_a_post_with_the_csrf_token(app_config):
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    user_id, email = make_user(app, "mentee")
    client = app.test_client()
    login_page = client.get("/auth/login").get_data(as_text=True)
    client.post(
        "/auth/login",
        data={
            "email": email,
            "password": TEST_PASSWORD,
            "csrf_token": csrf_token_from(login_page),
        },
    )
    assert client.get("/account/delete").status_code == 405
    refused = client.post("/account/delete", data={"confirmation": TEST_PASSWORD})
    assert refused.status_code == 400
    assert user_row(app, user_id).active
    token = csrf_token_from(client.get("/account/").get_data(as_text=True))
    done = client.post(
        "/account/delete", data={"confirmation": TEST_PASSWORD, "csrf_token": token}
    )
    assert done.status_code == 302
    assert not user_row(app, user_id).active
    with app.app_context():
        db.engine.dispose()
