"""Invitations: an imported person gets an email and chooses a password from its link."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from mentormatch.extensions import db
from mentormatch.models import OutboxMessage, User
from mentormatch.models.user import utcnow
from mentormatch.services import invitations, tokens
from mentormatch.services.profiles import new_profile_for
from tests.smtp_server import SMTPSink

BASE_URL = "https://mentormatch.example.org"
PASSWORD = "my-first-password"


@pytest.fixture
def smtp():
    with SMTPSink() as sink:
        yield sink


@pytest.fixture
def app_config(app_config, smtp):
    return {**app_config, **smtp.settings(), "BASE_URL": BASE_URL}


def import_person(app, email="imported@example.org", role="mentee", name="Dr. Imported Person"):
    """What the CSV importer does for a new person: no password, invitation in the same
    transaction, then delivery after the commit."""
    with app.app_context():
        user = User(email=email, full_name=name, role=role)
        db.session.add(user)
        db.session.add(new_profile_for(user))
        invitations.queue_invitation(user)
        db.session.commit()
    return email


def accept(client, path, password=PASSWORD):
    return client.post(path, data={"password": password, "confirm": password})


def signed_in(client) -> bool:
    return client.get("/auth/password").status_code == 200


def test_an_invited_mentee_sets_a_password_from_the_email(app, client, auth, smtp):
    email = import_person(app)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        assert user.password_hash is None
        assert user.invited_at is not None
    assert auth.login(email, PASSWORD).status_code == 400  # no password yet

    [invitation] = smtp.received
    assert invitation.envelope_to == [email]
    assert invitation.subject == "You are invited to MentorMatch: choose your password"
    assert "Dr. Imported Person" in invitation.body
    assert "14 days" in invitation.body
    path = invitation.link_path(BASE_URL)

    page = client.get(path)
    assert page.status_code == 200
    assert b"Dr. Imported Person" in page.data
    response = accept(client, path)
    assert response.status_code == 302
    assert response.headers["Location"] == "/mentee/"
    assert signed_in(client)

    auth.logout()
    assert auth.login(email, PASSWORD).status_code == 302
    auth.logout()
    again = client.get(path)
    assert again.status_code == 400
    assert b"already been used" in again.data
    assert accept(client, path, "someone-elses-password").status_code == 400
    assert auth.login(email, PASSWORD).status_code == 302


def test_an_invited_mentor_lands_on_the_mentor_home(app, client, smtp):
    import_person(app, "mentor@example.org", role="mentor")
    response = accept(client, smtp.received[0].link_path(BASE_URL))
    assert response.headers["Location"] == "/mentor/"


def test_an_import_that_rolls_back_sends_no_invitation(app, smtp):
    with app.app_context():
        user = User(email="rolled@example.org", full_name="Rolled Back", role="mentee")
        db.session.add(user)
        invitations.queue_invitation(user)
        db.session.rollback()
        db.session.commit()  # the next commit hands over nothing of the rolled-back change
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
        assert db.session.scalar(select(func.count()).select_from(User)) == 0
    assert smtp.received == []


def test_a_short_password_is_explained_and_the_invitation_still_works(app, client, smtp):
    import_person(app)
    path = smtp.received[0].link_path(BASE_URL)
    response = accept(client, path, "short")
    assert response.status_code == 400
    assert b"at least 10 characters" in response.data
    assert not signed_in(client)
    assert accept(client, path).status_code == 302


def test_an_expired_invitation_says_how_to_get_in(app, client):
    email = import_person(app)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        token = tokens.make_token(user, tokens.INVITATION, now=utcnow() - timedelta(days=15))
    response = accept(client, f"/auth/invitation/{token}")
    assert response.status_code == 400
    assert b"invitations work for 14 days" in response.data
    assert b"Forgot your password?" in response.data
    assert not signed_in(client)


def test_an_invited_person_who_lost_the_email_can_use_a_reset_instead(app, client, auth, smtp):
    email = import_person(app)
    invitation_path = smtp.received[0].link_path(BASE_URL)
    client.post("/auth/forgot-password", data={"email": email})
    reset = smtp.received[1]
    assert reset.subject == "Reset your MentorMatch password"
    assert accept(client, reset.link_path(BASE_URL)).status_code == 302
    auth.logout()
    assert b"already been used" in client.get(invitation_path).data


def test_a_reset_link_is_no_invitation(app, client):
    email = import_person(app)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        token = tokens.make_token(user, tokens.RESET)
    assert accept(client, f"/auth/invitation/{token}").status_code == 400
