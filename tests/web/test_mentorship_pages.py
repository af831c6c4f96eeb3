"""The mentorship page for its two people only; bad input gets a clear message and saves
nothing; coordinators see dates, counts, statuses and ratings, never the pair's text."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from mentormatch.extensions import db
from mentormatch.models import Message, PlanGoal
from mentormatch.models.times import utcnow
from mentormatch.services.mentorships import closeout, messages, plan
from tests.helpers import AuthActions
from tests.workspace_helpers import accepted_pair


@pytest.fixture
def pair(app):
    return accepted_pair(app)


def sign_in(app, client, who) -> None:
    response = AuthActions(app, client).login(who.email)
    assert response.status_code == 302


def page(client, url: str) -> tuple[int, str]:
    response = client.get(url)
    return response.status_code, response.get_data(as_text=True)


def test_both_people_see_the_page_and_nobody_else_does(app, pair):
    url = f"/mentorships/{pair.mentorship_id}"
    for who, sees in (
        (pair.mentee, "Mentorship with Irene Mehta"),
        (pair.mentor, "Mentorship with Ana Sharma"),
    ):
        client = app.test_client()
        sign_in(app, client, who)
        status, html = page(client, url)
        assert status == 200 and sees in html
        assert "Since" in html and "Until" in html
    for who in (pair.outsider, pair.coordinator):
        client = app.test_client()
        sign_in(app, client, who)
        status, html = page(client, url)
        assert status == 404
        assert "Ana Sharma" not in html and "Irene Mehta" not in html
        response = client.post(f"{url}/messages", data={"body": "Let me in"})
        assert response.status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count(Message.id))) == 0


def test_an_empty_or_100_kb_message_is_refused_with_a_clear_message(app, client, pair):
    sign_in(app, client, pair.mentee)
    url = f"/mentorships/{pair.mentorship_id}/messages"
    response = client.post(url, data={"body": "   "})
    assert response.status_code == 400
    assert "Write a message before sending it" in response.get_data(as_text=True)
    response = client.post(url, data={"body": "a" * 100_000})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "at most 10,000 characters; this one has 100,000" in html
    with app.app_context():
        assert db.session.scalar(select(func.count(Message.id))) == 0
    assert client.post(url, data={"body": "Hello Irene"}).status_code == 302
    assert "Hello Irene" in page(client, f"/mentorships/{pair.mentorship_id}")[1]


def test_a_goal_dated_before_the_mentorship_or_with_an_unknown_status_saves_nothing(
    app, client, pair
):
    with app.app_context():
        plan.create(pair.mentorship_id, pair.mentee.id, "licensure", None)
        goal = plan.goals(pair.mentorship_id)[-1]
        goal_id, title, due_on = goal.id, goal.title, goal.due_on
    sign_in(app, client, pair.mentee)
    url = f"/mentorships/{pair.mentorship_id}/plan/goals/{goal_id}"
    long_ago = (utcnow().date() - timedelta(days=40)).isoformat()
    response = client.post(
        url,
        data={
            f"g{goal_id}-title": title,
            f"g{goal_id}-due_on": long_ago,
            f"g{goal_id}-status": "done",
        },
    )
    assert response.status_code == 400
    assert "is before the mentorship began" in response.get_data(as_text=True)
    response = client.post(url, data={f"g{goal_id}-title": title, f"g{goal_id}-status": "half"})
    assert response.status_code == 400
    assert "Unknown status" in response.get_data(as_text=True)
    with app.app_context():
        goal = db.session.get(PlanGoal, goal_id)
        assert (goal.due_on, goal.status) == (due_on, "not-started")


def test_the_mentor_comments_but_cannot_change_the_goal(app, client, pair):
    with app.app_context():
        plan.create(pair.mentorship_id, pair.mentee.id, "licensure", None)
        goal_id = plan.goals(pair.mentorship_id)[0].id
    sign_in(app, client, pair.mentor)
    response = client.post(
        f"/mentorships/{pair.mentorship_id}/plan/goals/{goal_id}",
        data={f"c{goal_id}-comment": "Book it by March", f"g{goal_id}-status": "done"},
    )
    assert response.status_code == 302
    with app.app_context():
        goal = db.session.get(PlanGoal, goal_id)
        assert (goal.mentor_comment, goal.status) == ("Book it by March", "not-started")


def test_home_pages_show_the_summary_and_the_next_thing_to_do(app, pair):
    client = app.test_client()
    sign_in(app, client, pair.mentee)
    html = page(client, "/mentee/")[1]
    assert "Mentorship with Irene Mehta" in html
    assert "Confirm your agreement" in html
    with app.app_context():
        messages.send(pair.mentorship_id, pair.mentee.id, "Hi")
    mentor = app.test_client()
    sign_in(app, mentor, pair.mentor)
    html = page(mentor, "/mentor/")[1]
    assert "Mentorship with Ana Sharma" in html and "1 new message" in html


def test_coordinators_see_figures_and_ratings_never_the_text(app, client, pair):
    with app.app_context():
        plan.create(pair.mentorship_id, pair.mentee.id, "licensure", None)
        goal = plan.goals(pair.mentorship_id)[0]
        goal_title = goal.title
        plan.update_goal(
            pair.mentorship_id,
            goal.id,
            pair.mentee.id,
            {"title": goal.title, "status": "done", "note": "Passed with 250"},
        )
        messages.send(pair.mentorship_id, pair.mentee.id, "My visa interview is on Monday")
        closeout.end(pair.mentorship_id, pair.mentee.id, "not-a-good-fit", 2)
    sign_in(app, client, pair.coordinator)
    assert 'href="/coordinator/mentorships"' in page(client, "/coordinator/")[1]
    status, html = page(client, "/coordinator/mentorships")
    assert status == 200
    assert "Ana Sharma" in html and "Irene Mehta" in html
    assert "Not a good fit" in html and "mentee 2, mentor —" in html
    assert "1 / 7" in html  # goals done of counted
    assert "visa interview" not in html and "Passed with 250" not in html
    assert goal_title not in html


def test_a_mentorship_of_another_programme_is_not_listed_to_its_non_coordinators(app, pair):
    with app.app_context():
        db.session.execute(
            text(
                "INSERT INTO programmes (slug, name, description, kind, signup_mode, "
                "eligibility, mentorship_months, meeting_cadence, answer_days, round_defaults, "
                "invitation_key, created_at) VALUES ('other', 'Other', '', 'general', 'open', "
                "'{}', 12, 'monthly', 14, '{}', 'k', CURRENT_TIMESTAMP)"
            )
        )
        other_id = db.session.execute(
            text("SELECT id FROM programmes WHERE slug = 'other'")
        ).scalar_one()
        db.session.execute(
            text("UPDATE users SET organisation_wide = false WHERE id = :id"),
            {"id": pair.coordinator.id},
        )
        db.session.execute(
            text(
                "INSERT INTO programme_coordinators (programme_id, user_id, "
                "created_at) VALUES (:p, :u, CURRENT_TIMESTAMP)"
            ),
            {"p": other_id, "u": pair.coordinator.id},
        )
        db.session.commit()
    client = app.test_client()
    sign_in(app, client, pair.coordinator)
    html = page(client, "/coordinator/mentorships")[1]
    assert "Ana Sharma" not in html and "0 mentorships" in html
    general = page(client, "/coordinator/programmes/1/plan-templates")
    assert general[0] == 404
    assert page(client, f"/coordinator/programmes/{other_id}/plan-templates")[0] == 200


def test_a_coordinator_edits_a_programmes_plan_templates(app, client, pair):
    sign_in(app, client, pair.coordinator)
    url = "/coordinator/programmes/1/plan-templates"
    status, html = page(client, url)
    assert status == 200 and "Y-1 Sep 15 | Residency application (ERAS) submitted" in html
    response = client.post(url, data={"licensure": "Y Mar 1 | Licence\nsoon | Oops"})
    assert response.status_code == 400
    assert "Line 2:" in response.get_data(as_text=True)
    response = client.post(url, data={"licensure": "Y Mar 1 | State licence application"})
    assert response.status_code == 302
    assert "Customised for this programme" in page(client, url)[1]


def test_a_message_time_shows_in_each_readers_time_zone(app, pair):
    with app.app_context():
        message = messages.send(pair.mentorship_id, pair.mentee.id, "Hello from Lagos")
        db.session.execute(
            text("UPDATE messages SET created_at = '2027-01-15 14:30:00+00:00' WHERE id = :id"),
            {"id": message.id},
        )
        db.session.execute(
            text("UPDATE users SET time_zone = 'America/New_York' WHERE id = :id"),
            {"id": pair.mentor.id},
        )
        db.session.commit()
    url = f"/mentorships/{pair.mentorship_id}"
    for who, shown in ((pair.mentor, "Fri 15 Jan 2027, 09:30 EST"),
                       (pair.mentee, "Fri 15 Jan 2027, 14:30 UTC")):  # fmt: skip
        client = app.test_client()
        sign_in(app, client, who)
        assert shown in page(client, url)[1]
