"""Programmes for the coordinator tests: a second programme, a coordinator of one programme
only, members added through the services, and sign-in."""

from __future__ import annotations

from jinja2 import ChoiceLoader, DictLoader
from sqlalchemy import select

from mentormatch.extensions import db
from mentormatch.models import ProgrammeMember
from mentormatch.services import accounts
from mentormatch.services.programmes import catalogue
from tests.helpers import TEST_PASSWORD, general_programme_id

# The applicants' and coordinators' mails about applications are the public pages' (another
# branch writes them). Until they are here, these stand in, so that approving and declining
# can be tested; the real templates, once present, are found first.
_STAND_IN_MAILS = {
    "mail/application_received.txt": "{{ person.full_name }} applied to {{ programme.name }}.",
    "mail/application_received_subject.txt": "Application to {{ programme.name }}",
    "mail/application_to_coordinators.txt": "{{ person.full_name }} applied: {{ link }}",
    "mail/application_to_coordinators_subject.txt": "Application to {{ programme.name }}",
    "mail/application_approved.txt": "Welcome to {{ programme.name }}. {{ link }}",
    "mail/application_approved_subject.txt": "{{ programme.name }}: approved",
    "mail/application_declined.txt": "{{ programme.name }} declined.",
    "mail/application_declined_subject.txt": "{{ programme.name }}: declined",
}


def with_programme_mails(app) -> None:
    app.jinja_env.loader = ChoiceLoader([app.jinja_env.loader, DictLoader(_STAND_IN_MAILS)])


def new_programme(app, slug: str, name: str | None = None, **fields) -> int:
    with app.app_context():
        raw = {"slug": slug, "name": name or slug.replace("-", " ").title(), **fields}
        return catalogue.create(raw, None).id


def general_id(app) -> int:
    with app.app_context():
        return general_programme_id()


def programme_coordinator(app, email: str, *programme_ids: int) -> int:
    with app.app_context():
        account = accounts.NewAccount(email, TEST_PASSWORD, email.split("@")[0].title(),
                                      "coordinator")  # fmt: skip
        return accounts.create_coordinator(account, programme_ids=programme_ids).id


def add_member(app, programme_id: int, user_id: int, status: str = "active") -> None:
    """A membership row as the services leave it (no mails: a test's arrangement)."""
    with app.app_context():
        db.session.add(ProgrammeMember(programme_id=programme_id, user_id=user_id, status=status))
        db.session.commit()


def membership_of(app, programme_id: int, user_id: int) -> ProgrammeMember | None:
    with app.app_context():
        row = db.session.scalar(
            select(ProgrammeMember).where(
                ProgrammeMember.programme_id == programme_id, ProgrammeMember.user_id == user_id
            )
        )
        if row is not None:
            db.session.expunge(row)
        return row


def sign_in(client, email: str):
    response = client.post("/auth/login", data={"email": email, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response
