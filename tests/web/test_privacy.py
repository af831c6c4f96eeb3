"""Sensitive mentee data (immigration, visa, exams) is seen only by those allowed."""

import pytest

from mentormatch.extensions import db
from mentormatch.models import Mentorship, User
from mentormatch.services import profiles
from mentormatch.services.profile_fields import parse_mentee
from tests.helpers import general_programme_id, make_user

SENSITIVE_TEXT = ("Passed after a failed attempt", "Outside the US", "J-1", "247")


@pytest.fixture
def cohort(app):
    """A mentee with sensitive details, and everyone who might try to look."""
    people = {role: make_user(app, kind)[1] for role, kind in [
        ("mentee", "mentee"), ("other_mentee", "mentee"), ("coordinator", "coordinator"),
        ("accepted_mentor", "mentor"), ("pending_mentor", "mentor"),
        ("unmatched_mentor", "mentor"),
        ("declined_mentor", "mentor"),
    ]}  # fmt: skip
    with app.app_context():
        ids = {role: db.session.query(User.id).filter_by(email=email).scalar()
               for role, email in people.items()}  # fmt: skip
        profiles.update_mentee_profile(ids["mentee"], parse_mentee({
            "specialty": "neurology", "usmle_step1": "failed-then-passed",
            "usmle_step2ck": "247", "immigration_status": "outside-us", "visa_needed": "j1",
            "medical_school": "Aga Khan University",
        }))  # fmt: skip
        for mentor, status in [("accepted_mentor", "accepted"), ("declined_mentor", "declined"),
                               ("pending_mentor", "proposed")]:  # fmt: skip
            if status == "proposed":
                continue  # one open mentorship per mentee: the pending one is added below
            db.session.add(Mentorship(programme_id=general_programme_id(),
                mentee_id=ids["mentee"], mentor_id=ids[mentor],
                                      status=status))  # fmt: skip
        db.session.commit()
    return people, ids


def view_as(client, auth, email, mentee_id):
    auth.login(email)
    response = client.get(f"/people/{mentee_id}")
    auth.logout()
    return response


@pytest.mark.parametrize("viewer", ["mentee", "coordinator", "accepted_mentor"])
def test_allowed_viewers_see_the_sensitive_details(client, auth, cohort, viewer):
    people, ids = cohort
    response = view_as(client, auth, people[viewer], ids["mentee"])
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for text in SENSITIVE_TEXT:
        assert text in page
    assert people["mentee"] in page  # contact details too


def test_a_mentor_with_only_a_pending_proposal_sees_the_profile_without_them(
    client, auth, app, cohort
):
    people, ids = cohort
    with app.app_context():
        # Move the mentee's open mentorship to a pending proposal with another mentor.
        db.session.query(Mentorship).filter_by(mentor_id=ids["accepted_mentor"]).update(
            {"status": "ended"}
        )
        db.session.add(
            Mentorship(
                programme_id=general_programme_id(),
                mentee_id=ids["mentee"],
                mentor_id=ids["pending_mentor"],
            )
        )
        db.session.commit()
    response = view_as(client, auth, people["pending_mentor"], ids["mentee"])
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Aga Khan University" in page and "Neurology" in page
    for text in SENSITIVE_TEXT:
        assert text not in page
    assert people["mentee"] not in page  # no email before acceptance
    assert "shared once a match is accepted" in page


@pytest.mark.parametrize("viewer", ["other_mentee", "unmatched_mentor", "declined_mentor"])
def test_everyone_else_gets_nothing(client, auth, cohort, viewer):
    people, ids = cohort
    response = view_as(client, auth, people[viewer], ids["mentee"])
    assert response.status_code == 404
    assert "Aga Khan" not in response.get_data(as_text=True)


def test_the_service_leaves_sensitive_fields_out_for_an_unmatched_mentor(app, cohort):
    people, ids = cohort
    with app.app_context():
        viewer = db.session.get(User, ids["unmatched_mentor"])
        profile = profiles.mentee_profile(ids["mentee"])
        values = profiles.mentee_view(viewer, profile)
        assert profiles.SENSITIVE_MENTEE_FIELDS.isdisjoint(values)
        owner = db.session.get(User, ids["mentee"])
        assert profiles.mentee_view(owner, profile)["visa_needed"] == "j1"


def test_anonymous_visitors_are_sent_to_log_in(client, cohort):
    _, ids = cohort
    response = client.get(f"/people/{ids['mentee']}")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]
