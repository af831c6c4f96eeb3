"""Registration, sign in and out, password change: as a visitor would do them."""

import pytest
from sqlalchemy import func, select

from mentormatch.extensions import db
from mentormatch.models import User
from tests.helpers import TEST_PASSWORD


def user_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def register(client, **overrides):
    data = {
        "full_name": "Dr. Amina Okafor",
        "email": "amina@example.org",
        "password": TEST_PASSWORD,
        "confirm": TEST_PASSWORD,
        "role": "mentee",
    }
    data.update(overrides)
    return client.post("/auth/register", data=data)


@pytest.mark.parametrize(("role", "home"), [("mentee", "/mentee/"), ("mentor", "/mentor/")])
def test_a_visitor_registers_and_lands_on_their_home(client, app, role, home):
    response = register(client, role=role)
    assert response.status_code == 302
    assert response.headers["Location"] == home
    page = client.get(home)
    assert page.status_code == 200
    assert b"Dr. Amina Okafor" in page.data
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.role == role
        assert user.email == "amina@example.org"
        assert user.password_hash.startswith("$argon2id$")


def test_registration_rejects_an_email_that_differs_only_in_case(client, app):
    assert register(client).status_code == 302
    client.post("/auth/logout")
    response = register(client, email="AMINA@Example.ORG", full_name="Someone Else")
    assert response.status_code == 400
    assert b"already exists" in response.data
    assert user_count(app) == 1


def test_registration_rejects_a_short_password_and_stores_nothing(client, app):
    response = register(client, password="short", confirm="short")
    assert response.status_code == 400
    assert b"at least 10 characters" in response.data
    assert user_count(app) == 0


@pytest.mark.parametrize("email", ["not-an-email", "a@b", "amina@@example.org", "@example.org"])
def test_registration_rejects_a_malformed_email_and_stores_nothing(client, app, email):
    response = register(client, email=email)
    assert response.status_code == 400
    assert b"valid email address" in response.data
    assert user_count(app) == 0


def test_registration_cannot_create_a_coordinator(client, app):
    response = register(client, role="coordinator")
    assert response.status_code == 400
    assert user_count(app) == 0


def test_registration_reports_mismatched_passwords(client, app):
    response = register(client, confirm="something-else-entirely")
    assert response.status_code == 400
    assert b"The two passwords differ." in response.data
    assert user_count(app) == 0


def test_log_in_and_out(client, auth):
    email = auth.create("mentor")
    response = auth.login(email.upper())  # case-insensitive email
    assert response.headers["Location"] == "/mentor/"
    assert client.get("/mentor/").status_code == 200
    auth.logout()
    response = client.get("/mentor/")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_unknown_email_and_wrong_password_give_the_same_message(client, auth):
    email = auth.create("mentee")
    wrong_password = auth.login(email, "wrong-password-123")
    unknown_email = auth.login("nobody@example.org", TEST_PASSWORD)
    assert wrong_password.status_code == unknown_email.status_code == 400
    assert b"Email or password is incorrect." in wrong_password.data
    assert b"Email or password is incorrect." in unknown_email.data


def test_a_deactivated_account_cannot_sign_in(client, auth, app):
    email = auth.create("mentee")
    with app.app_context():
        db.session.scalar(select(User).where(User.email == email)).active = False
        db.session.commit()
    response = auth.login(email)
    assert response.status_code == 400
    assert b"deactivated" in response.data


def test_changing_the_password_signs_out_other_sessions(app, auth):
    email = auth.create("mentee")
    other_device = app.test_client()
    assert (
        other_device.post(
            "/auth/login", data={"email": email, "password": TEST_PASSWORD}
        ).status_code
        == 302
    )
    auth.login(email)
    client = auth._client
    response = client.post(
        "/auth/password",
        data={
            "current_password": TEST_PASSWORD,
            "new_password": "a-new-long-password",
            "confirm": "a-new-long-password",
        },
    )
    assert response.status_code == 302
    assert client.get("/mentee/").status_code == 200  # this browser stays in
    assert other_device.get("/mentee/").status_code == 302  # the other one is out
    auth.logout()
    assert auth.login(email).status_code == 400
    assert auth.login(email, "a-new-long-password").status_code == 302


def test_change_password_requires_the_current_one(client, auth):
    auth.login_as("mentor")
    response = client.post(
        "/auth/password",
        data={
            "current_password": "not-my-password",
            "new_password": "a-new-long-password",
            "confirm": "a-new-long-password",
        },
    )
    assert response.status_code == 400
    assert b"current password is not right" in response.data


def test_a_coordinator_adds_another_coordinator(client, auth):
    auth.login_as("coordinator")
    response = client.post(
        "/coordinator/coordinators",
        data={"full_name": "Lee Park", "email": "Lee@Example.org", "password": "long-enough-pw"},
    )
    assert response.status_code == 302
    assert b"lee@example.org" in client.get("/coordinator/coordinators").data
    auth.logout()
    assert auth.login("lee@example.org", "long-enough-pw").headers["Location"] == "/coordinator/"


def test_error_pages_use_the_site_look(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert b"Not found" in response.data
    assert b"MentorMatch" in response.data
