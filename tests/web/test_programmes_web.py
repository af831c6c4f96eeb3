"""The coordinators' programme pages: creating, changing and archiving a programme, its
invitation link, and its members (applications, adding, removing, a mentor's seats)."""

from __future__ import annotations

import re

from sqlalchemy import func, select, text

from mentormatch.extensions import db
from mentormatch.models import OutboxMessage, Programme, User
from mentormatch.services.programmes import catalogue, membership
from tests.helpers import make_user
from tests.programme_helpers import (
    add_member,
    general_id,
    membership_of,
    new_programme,
    programme_coordinator,
    sign_in,
    with_programme_mails,
)

GOOD = {
    "name": "Research track 2027",
    "slug": "research-2027",
    "description": "Research mentorship for IMGs.",
    "kind": "research",
    "starts_on": "2027-01-01",
    "ends_on": "2027-12-31",
    "signup_mode": "approval",
    "eligible_specialties": ["cardiology", "neurology"],
    "eligible_match_years": "2027, 2028",
    "mentorship_months": "6",
    "meeting_cadence": "fortnightly",
    "answer_days": "10",
    "weight_specialty": "0.6",
    "weight_region": "0.1",
    "weight_research": "0.3",
    "objective": "score",
    "min_score": "0.2",
}


def programme_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Programme))


def test_an_organisation_coordinator_creates_a_programme_with_every_setting(app, client, auth):
    auth.login_as("coordinator")
    form = client.get("/coordinator/programmes/new")
    assert form.status_code == 200 and "Web name" in form.get_data(as_text=True)
    response = client.post("/coordinator/programmes/new", data=GOOD)
    assert response.status_code == 302
    with app.app_context():
        programme = catalogue.by_slug("research-2027")
        assert response.headers["Location"].endswith(f"/programmes/{programme.id}/members")
        assert (programme.name, programme.kind, programme.signup_mode) == (
            "Research track 2027", "research", "approval")  # fmt: skip
        assert programme.eligibility == {
            "specialties": ["cardiology", "neurology"],
            "match_years": [2027, 2028],
        }
        assert (programme.mentorship_months, programme.meeting_cadence) == (6, "fortnightly")
        assert programme.answer_days == 10
        assert programme.round_defaults["objective"] == "score"
        assert programme.round_defaults["min_score"] == 0.2
        assert programme.round_defaults["weights"]["specialty"] == 0.6
        programme_id = programme.id
    # the settings page shows them back
    page = client.get(f"/coordinator/programmes/{programme_id}").get_data(as_text=True)
    assert 'value="research-2027"' in page and 'value="2027, 2028"' in page
    checked = set(
        re.findall(r'<input checked id="eligible_specialties-\d+"[^>]*value="([^"]+)"', page)
    )
    assert checked == {"cardiology", "neurology"}


def test_bad_settings_are_named_on_their_fields_and_nothing_is_saved(app, client, auth):
    auth.login_as("coordinator")
    before = programme_count(app)
    bad = {
        **GOOD,
        "slug": "Research 2027!",
        "kind": "astrology",
        "starts_on": "2027-06-01",
        "ends_on": "2027-01-01",
        "eligible_specialties": ["cardiology", "witchcraft"],
        "mentorship_months": "99",
    }
    response = client.post("/coordinator/programmes/new", data=bad)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "error-summary" in page and "problems to fix" in page
    for message in (
        "Use lower-case letters, digits and dashes",
        "&#39;astrology&#39; is not one of",
        "The end date comes before the start date.",
        "&#39;witchcraft&#39; is not a specialty code.",
        "Must be between 1 and 60; got 99.",
    ):
        assert message in page, message
    # each message beside its field (the summary links to it)
    assert 'id="ends_on-error"' in page and 'href="#slug"' in page and 'href="#kind"' in page
    assert programme_count(app) == before


def test_a_slug_in_use_is_refused_on_edit(app, client, auth):
    auth.login_as("coordinator")
    other = new_programme(app, "licensure-track")
    general = general_id(app)
    page = client.get(f"/coordinator/programmes/{general}").get_data(as_text=True)
    assert 'value="general"' in page
    response = client.post(
        f"/coordinator/programmes/{general}",
        data={**GOOD, "slug": "licensure-track", "name": "Renamed"},
    )
    assert response.status_code == 400
    assert "Another programme already uses" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Programme, general).name != "Renamed"
        assert db.session.get(Programme, other).slug == "licensure-track"


def test_archiving_asks_first_then_keeps_everything(app, client, auth):
    auth.login_as("coordinator")
    programme_id = new_programme(app, "old-cohort", "Old cohort")
    url = f"/coordinator/programmes/{programme_id}/archive"
    ask = client.post(url)
    assert ask.status_code == 200
    page = ask.get_data(as_text=True)
    assert "Archive Old cohort?" in page and 'name="confirm" value="yes"' in page
    with app.app_context():
        assert db.session.get(Programme, programme_id).archived_at is None
    done = client.post(url, data={"confirm": "yes"})
    assert done.status_code == 302
    with app.app_context():
        assert db.session.get(Programme, programme_id).archived_at is not None
    listing = client.get("/coordinator/programmes/").get_data(as_text=True)
    assert "Old cohort" in listing and "archived" in listing


def test_a_programme_coordinator_edits_their_programme_but_creates_and_archives_none(app, client):
    mine = new_programme(app, "research-a", "Research A")
    theirs = new_programme(app, "research-b", "Research B")
    programme_coordinator(app, "pc@example.org", mine)
    sign_in(client, "pc@example.org")
    assert client.get("/coordinator/programmes/new").status_code == 403
    assert (
        client.post("/coordinator/programmes/new", data={**GOOD, "slug": "x1"}).status_code == 403
    )
    assert client.post(f"/coordinator/programmes/{mine}/archive",
                       data={"confirm": "yes"}).status_code == 403  # fmt: skip
    assert client.get(f"/coordinator/programmes/{theirs}").status_code == 404
    listing = client.get("/coordinator/programmes/").get_data(as_text=True)
    assert "Research A" in listing and "Research B" not in listing
    assert "New programme" not in listing
    changed = client.post(
        f"/coordinator/programmes/{mine}",
        data={**GOOD, "slug": "research-a", "name": "A, renamed"},
    )
    assert changed.status_code == 302
    with app.app_context():
        assert db.session.get(Programme, mine).name == "A, renamed"
        assert db.session.get(Programme, mine).archived_at is None


def test_a_new_invitation_link_replaces_the_old_one(app, client, auth):
    auth.login_as("coordinator")
    programme_id = new_programme(app, "invited", signup_mode="invitation")
    with app.app_context():
        old_key = db.session.get(Programme, programme_id).invitation_key
    page = client.get(f"/coordinator/programmes/{programme_id}").get_data(as_text=True)
    assert old_key in page and "New link" in page
    assert client.post(f"/coordinator/programmes/{programme_id}/invitation").status_code == 302
    with app.app_context():
        new_key = db.session.get(Programme, programme_id).invitation_key
    assert new_key != old_key
    page = client.get(f"/coordinator/programmes/{programme_id}").get_data(as_text=True)
    assert new_key in page and old_key not in page


def _user(app, user_id: int) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def test_applications_come_first_and_are_approved_or_declined_with_a_mail(app, client, auth):
    with_programme_mails(app)
    programme_id = new_programme(app, "approval-track", "Approval track",
                                 signup_mode="approval")  # fmt: skip
    first, _ = make_user(app, "mentee", email="first@example.org")
    second, _ = make_user(app, "mentee", email="second@example.org")
    member, _ = make_user(app, "mentor", email="aaron@example.org")
    add_member(app, programme_id, member)
    with app.app_context():
        for user_id in (first, second):
            membership.join(catalogue.get(programme_id), db.session.get(User, user_id))
        db.session.commit()
    auth.login_as("coordinator")
    page = client.get(f"/coordinator/programmes/{programme_id}/members").get_data(as_text=True)
    assert "Applications waiting (2)" in page
    # the applications come before the members list
    assert page.index("first@example.org") < page.index("Members</h2>")
    assert page.index("aaron@example.org") > page.index("Members</h2>")
    row_first = membership_of(app, programme_id, first)
    row_second = membership_of(app, programme_id, second)

    approved = client.post(
        f"/coordinator/programmes/{programme_id}/applications/{row_first.id}/approve"
    )
    assert approved.status_code == 302
    declined = client.post(
        f"/coordinator/programmes/{programme_id}/applications/{row_second.id}/decline",
        data={f"m{row_second.id}-reason": "The track is full this year."},
    )
    assert declined.status_code == 302
    assert membership_of(app, programme_id, first).status == "active"
    assert membership_of(app, programme_id, second).status == "declined"
    with app.app_context():
        mails = [m.to_address for m in db.session.scalars(select(OutboxMessage))]
    # each heard twice: their application received, then the answer
    assert mails.count("first@example.org") == 2 and mails.count("second@example.org") == 2
    page = client.get(f"/coordinator/programmes/{programme_id}/members").get_data(as_text=True)
    assert "Applications waiting (0)" in page
    # an answered application cannot be answered again
    again = client.post(
        f"/coordinator/programmes/{programme_id}/applications/{row_second.id}/approve",
        follow_redirects=True,
    )
    assert "already answered" in again.get_data(as_text=True)
    assert membership_of(app, programme_id, second).status == "declined"


def test_adding_someone_by_email_and_removing_them(app, client, auth):
    mentee_id, _ = make_user(app, "mentee", email="newcomer@example.org")  # joins "general"
    programme_id = new_programme(app, "second-track")
    auth.login_as("coordinator")
    url = f"/coordinator/programmes/{programme_id}/members/add"
    unknown = client.post(url, data={"email": "nobody@example.org"})
    assert unknown.status_code == 400
    assert "Nobody has an account with nobody@example.org" in unknown.get_data(as_text=True)
    assert client.post(url, data={"email": "Newcomer@Example.org"}).status_code == 302
    row = membership_of(app, programme_id, mentee_id)
    assert (row.status, row.joined_via) == ("active", "coordinator")
    again = client.post(url, data={"email": "newcomer@example.org"})
    assert "already a member" in again.get_data(as_text=True)

    removed = client.post(f"/coordinator/programmes/{programme_id}/members/{mentee_id}/remove")
    assert removed.status_code == 302
    assert membership_of(app, programme_id, mentee_id).status == "left"
    # still in the programme they were in before
    assert membership_of(app, general_id(app), mentee_id).status == "active"


def test_seats_above_the_overall_capacity_are_refused_and_nothing_changes(app, client, auth):
    mentor_id, _ = make_user(app, "mentor", email="seats@example.org")
    with app.app_context():
        db.session.execute(
            text("UPDATE mentor_profiles SET capacity = 2 WHERE user_id = :id"), {"id": mentor_id}
        )
        db.session.commit()
    programme_id = general_id(app)
    auth.login_as("coordinator")
    url = f"/coordinator/programmes/{programme_id}/members/{mentor_id}/seats"
    refused = client.post(url, data={"seats": "5"}, follow_redirects=True)
    assert "5 seats is above" in refused.get_data(as_text=True)
    assert membership_of(app, programme_id, mentor_id).seats is None
    not_a_number = client.post(url, data={"seats": "two"}, follow_redirects=True)
    assert "Seats are a whole number" in not_a_number.get_data(as_text=True)
    assert client.post(url, data={"seats": "1"}).status_code == 302
    assert membership_of(app, programme_id, mentor_id).seats == 1
    assert client.post(url, data={"seats": ""}).status_code == 302
    assert membership_of(app, programme_id, mentor_id).seats is None


def test_the_team_page_adds_a_programme_coordinator_and_gives_them_another(app, client, auth):
    first = new_programme(app, "first-track", "First track")
    second = new_programme(app, "second-track", "Second track")
    auth.login_as("coordinator")
    nothing_ticked = client.post(
        "/coordinator/coordinators",
        data={"full_name": "Pat Lee", "email": "pat@example.org",
              "password": "long-enough-pw", "scope": "programmes"},
    )  # fmt: skip
    assert nothing_ticked.status_code == 400
    assert "Tick the programmes they coordinate" in nothing_ticked.get_data(as_text=True)
    created = client.post(
        "/coordinator/coordinators",
        data={"full_name": "Pat Lee", "email": "pat@example.org", "password": "long-enough-pw",
              "scope": "programmes", "programme_ids": [str(first)]},
    )  # fmt: skip
    assert created.status_code == 302
    with app.app_context():
        pat = db.session.scalar(select(User).where(User.email == "pat@example.org"))
        assert pat.organisation_wide is False
        pat_id = pat.id
    page = client.get("/coordinator/coordinators").get_data(as_text=True)
    assert "First track" in page and "Add programme" in page
    assigned = client.post(
        f"/coordinator/coordinators/{pat_id}/programmes", data={f"c{pat_id}-programme_id": second}
    )
    assert assigned.status_code == 302
    with app.app_context():
        from mentormatch.services.programmes import access

        assert access.programme_ids_for(db.session.get(User, pat_id)) == {first, second}


def test_a_programme_coordinator_adds_colleagues_only_for_their_programmes(app, client):
    mine = new_programme(app, "mine-track", "Mine")
    other = new_programme(app, "other-track", "Other")
    programme_coordinator(app, "pc@example.org", mine)
    sign_in(client, "pc@example.org")
    page = client.get("/coordinator/coordinators").get_data(as_text=True)
    assert "The whole organisation: every programme" not in page  # no such choice for them
    refused = client.post(
        "/coordinator/coordinators",
        data={"full_name": "Sneaky", "email": "sneaky@example.org", "password": "long-enough-pw",
              "scope": "organisation", "programme_ids": [str(other)]},
    )  # fmt: skip
    assert refused.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "sneaky@example.org")) is None
    made = client.post(
        "/coordinator/coordinators",
        data={"full_name": "Colleague", "email": "colleague@example.org",
              "password": "long-enough-pw", "programme_ids": [str(mine)]},
    )  # fmt: skip
    assert made.status_code == 302
    with app.app_context():
        colleague = db.session.scalar(select(User).where(User.email == "colleague@example.org"))
        assert colleague.organisation_wide is False
