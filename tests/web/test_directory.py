"""The coordinator's directory: filters, search, pages, deactivation."""

from urllib.parse import quote

import pytest
from sqlalchemy import select

from mentormatch.extensions import db
from mentormatch.models import MenteeProfile, MentorProfile, Mentorship, User
from mentormatch.services import pagination
from tests.helpers import general_programme_id


def add_person(role, name, **profile):
    user = User(email=f"{name.lower().replace(' ', '.')}@example.org", full_name=name, role=role)
    profile_cls = MenteeProfile if role == "mentee" else MentorProfile
    db.session.add_all([user, profile_cls(user=user, **profile)])
    db.session.flush()
    return user


@pytest.fixture
def people(app):
    with app.app_context():
        ready = {"preferred_regions": ["NY"], "research_interests": ["case-report"]}
        amina = add_person("mentee", "Amina Bello", home_country="NG", specialty="pediatrics",
                           **ready)  # fmt: skip
        raj = add_person("mentee", "Raj Patel", home_country="IN", specialty="internal-medicine",
                         **ready)  # fmt: skip
        add_person("mentee", "Sara Haddad", home_country="EG", specialty="internal-medicine")
        mira = add_person("mentor", "Mira Shah", specialty="internal-medicine", state="NY",
                          research_interests=["case-report"], capacity=3)  # fmt: skip
        add_person("mentor", "Tom Reed", specialty="pediatrics", state="TX", capacity=0)
        db.session.add(
            Mentorship(
                programme_id=general_programme_id(),
                mentee_id=raj.id,
                mentor_id=mira.id,
                status="accepted",
            )
        )
        db.session.add(
            Mentorship(
                programme_id=general_programme_id(),
                mentee_id=amina.id,
                mentor_id=mira.id,
                status="proposed",
            )
        )
        db.session.commit()


def names(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    page = response.get_data(as_text=True)
    return {n for n in ("Amina Bello", "Raj Patel", "Sara Haddad", "Mira Shah", "Tom Reed")
            if n in page}  # fmt: skip


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"Amina Bello", "Raj Patel", "Sara Haddad"}),
        ("specialty=internal-medicine", {"Raj Patel", "Sara Haddad"}),
        ("region=south-asia", {"Raj Patel"}),
        ("region=sub-saharan-africa", {"Amina Bello"}),
        ("complete=no", {"Sara Haddad"}),
        ("complete=yes", {"Amina Bello", "Raj Patel"}),
        ("match_state=unmatched", {"Sara Haddad"}),
        ("match_state=proposed", {"Amina Bello"}),
        ("match_state=active", {"Raj Patel"}),
        ("query=HADDAD", {"Sara Haddad"}),
        ("query=raj.patel@", {"Raj Patel"}),
    ],
)
def test_mentee_filters(client, auth, people, query, expected):
    auth.login_as("coordinator")
    assert names(client, f"/coordinator/mentees?{query}") == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"Mira Shah", "Tom Reed"}),
        ("paused=yes", {"Tom Reed"}),
        ("paused=no", {"Mira Shah"}),
        ("region=south", {"Tom Reed"}),
        ("region=northeast", {"Mira Shah"}),
        ("complete=yes", {"Mira Shah"}),
        ("match_state=active", {"Mira Shah"}),
    ],
)
def test_mentor_filters(client, auth, people, query, expected):
    auth.login_as("coordinator")
    assert names(client, f"/coordinator/mentors?{query}") == expected


def test_an_unknown_filter_value_is_explained(client, auth, people):
    auth.login_as("coordinator")
    response = client.get("/coordinator/mentees?specialty=astrology")
    assert response.status_code == 400
    assert "Unknown specialty &#39;astrology&#39;." in response.get_data(as_text=True)


def test_pages_of_fifty(client, auth, app):
    with app.app_context():
        for number in range(pagination.PER_PAGE + 5):
            add_person("mentee", f"Mentee {number:03d}")
        db.session.commit()
    auth.login_as("coordinator")
    first = client.get("/coordinator/mentees").get_data(as_text=True)
    assert "55 mentees found" in first and "Page 1 of 2" in first
    assert "Mentee 000" in first and "Mentee 054" not in first
    second = client.get("/coordinator/mentees?page=2").get_data(as_text=True)
    assert "Mentee 054" in second and "Mentee 000" not in second


def test_deactivate_and_reactivate_an_account(client, auth, app):
    mentee_email = auth.create("mentee")
    auth.login_as("coordinator")
    with app.app_context():
        mentee_id = db.session.scalar(select(User.id).where(User.email == mentee_email))
    asked = client.post(f"/coordinator/users/{mentee_id}/active", data={"active": "no"})
    assert asked.status_code == 200 and b"account?" in asked.data  # a confirmation first
    response = client.post(
        f"/coordinator/users/{mentee_id}/active", data={"active": "no", "confirm": "yes"}
    )
    assert response.headers["Location"] == f"/people/{mentee_id}"
    assert "deactivated" in client.get(f"/people/{mentee_id}").get_data(as_text=True)
    auth.logout()
    assert b"deactivated" in auth.login(mentee_email).data
    auth.login_as("coordinator")
    client.post(f"/coordinator/users/{mentee_id}/active", data={"active": "yes"})
    auth.logout()
    assert auth.login(mentee_email).status_code == 302


def test_the_last_coordinator_cannot_be_deactivated(client, auth, app):
    email = auth.login_as("coordinator")
    with app.app_context():
        own_id = db.session.scalar(select(User.id).where(User.email == email))
    client.post(f"/coordinator/users/{own_id}/active", data={"active": "no", "confirm": "yes"})
    with app.app_context():
        assert db.session.get(User, own_id).active is True


def test_only_coordinators_may_deactivate(client, auth, app):
    target = auth.create("mentor")
    auth.login_as("mentee")
    with app.app_context():
        target_id = db.session.scalar(select(User.id).where(User.email == target))
    assert client.post(f"/coordinator/users/{target_id}/active",
                       data={"active": "no", "confirm": "yes"}).status_code == 403  # fmt: skip
    with app.app_context():
        assert db.session.get(User, target_id).active is True


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("%", set()),  # a wildcard typed in the box is a character, not "anything"
        ("_", set()),
        ("a%b", set()),
        ("ra_ patel", set()),
        ("raj patel", {"Raj Patel"}),
        ("  Raj   Patel ", {"Raj Patel"}),
    ],
)
def test_search_treats_like_wildcards_as_characters(client, auth, people, query, expected):
    auth.login_as("coordinator")
    assert names(client, f"/coordinator/mentees?query={quote(query)}") == expected


def test_search_finds_names_and_addresses_that_hold_wildcard_characters(client, auth, app):
    with app.app_context():
        add_person("mentee", "Ana 100% Lima")
        add_person("mentee", "Bo Ng")
        db.session.commit()
    auth.login_as("coordinator")
    page = client.get(f"/coordinator/mentees?query={quote('100%')}").get_data(as_text=True)
    assert "Ana 100% Lima" in page and "Bo Ng" not in page and "1 mentee found" in page


def test_a_page_past_the_end_shows_the_last_page_and_one_count(client, auth, app):
    with app.app_context():
        for number in range(pagination.PER_PAGE + 5):
            add_person("mentee", f"Mentee {number:03d}")
        db.session.commit()
    auth.login_as("coordinator")
    page = client.get("/coordinator/mentees?page=99").get_data(as_text=True)
    assert "55 mentees found" in page and "Page 2 of 2" in page
    assert "Mentee 054" in page and "Nobody matches" not in page
    nobody = client.get("/coordinator/mentees?query=zzz&page=3").get_data(as_text=True)
    assert "Nobody matches these filters." in nobody
    assert "found" not in nobody and "Page " not in nobody


def test_a_long_name_can_wrap_in_the_table(client, auth, app):
    with app.app_context():
        add_person("mentee", ("Dr " + "Abcdefghij" * 20)[:200])  # the longest name allowed
        db.session.commit()
    auth.login_as("coordinator")
    page = client.get("/coordinator/mentees").get_data(as_text=True)
    assert '<td class="long-text"><a href="/people/' in page
