"""Helpers shared by the tests: users made through the services, sign-in, CSRF tokens."""

from __future__ import annotations

import os
import re

from sqlalchemy import select

from mentormatch.extensions import db
from mentormatch.models import MenteeProfile, MentorProfile, Programme, ProgrammeMember, User
from mentormatch.services import accounts

TEST_PASSWORD = "correct-horse-battery"


def make_user(app, role: str, email: str | None = None, password: str = TEST_PASSWORD):
    """Create a user through the services and return (id, email)."""
    email = email or f"{role}-{os.urandom(3).hex()}@example.org"
    with app.app_context():
        account = accounts.NewAccount(email, password, f"Test {role.title()}", role)
        if role == "coordinator":
            user = accounts.create_coordinator(account)
        else:
            user = accounts.register(account)
        return user.id, user.email


class AuthActions:
    def __init__(self, app, client):
        self._app = app
        self._client = client

    def create(self, role: str, email: str | None = None, password: str = TEST_PASSWORD) -> str:
        return make_user(self._app, role, email, password)[1]

    def login(self, email: str, password: str = TEST_PASSWORD, next_url: str | None = None):
        url = "/auth/login" + (f"?next={next_url}" if next_url else "")
        return self._client.post(url, data={"email": email, "password": password})

    def login_as(self, role: str) -> str:
        email = self.create(role)
        response = self.login(email)
        assert response.status_code == 302, response.data
        return email

    def logout(self):
        return self._client.post("/auth/logout")


CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token_from(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def add_mentee(
    name, specialty="internal-medicine", regions=("NY",), research=("case-report",),
    country="IN", **extra,
):  # fmt: skip
    """A mentee ready for matching, added to the session (inside an app context)."""
    user = User(email=f"{name}@mentee.example.org", full_name=name.title(), role="mentee")
    profile = MenteeProfile(
        user=user, specialty=specialty, preferred_regions=list(regions),
        research_interests=list(research), home_country=country, **extra,
    )  # fmt: skip
    db.session.add_all([user, profile, _member_of_general(user)])
    return user


def general_programme_id() -> int:
    """The programme every database starts with (the migration makes it)."""
    return db.session.scalar(select(Programme.id).where(Programme.slug == "general"))


def _member_of_general(user: User) -> ProgrammeMember:
    return ProgrammeMember(programme_id=general_programme_id(), user=user, status="active")


def add_mentor(
    name, specialty="internal-medicine", state="NY", research=("case-report",), capacity=1,
    **extra,
):  # fmt: skip
    """A mentor ready for matching, added to the session (inside an app context)."""
    user = User(email=f"{name}@mentor.example.org", full_name=name.title(), role="mentor")
    profile = MentorProfile(
        user=user, specialty=specialty, state=state, research_interests=list(research),
        capacity=capacity, **extra,
    )  # fmt: skip
    db.session.add_all([user, profile, _member_of_general(user)])
    return user
