"""Mentors answer proposals and mentees follow them, in the browser; mails through real SMTP."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from mentormatch.app import create_app
from mentormatch.extensions import db
from mentormatch.models import Mentorship
from tests.proposal_helpers import (
    assert_capacity_invariants,
    person,
    proposal_id,
    publish,
    run_round,
    seats,
    status_of,
)
from tests.smtp_server import SMTPSink


def build_cohort(app) -> dict:
    """Ana (India, internal medicine) is proposed to Dr Irene Mehta (NY, two seats); Ben
    (Nigeria, pediatrics) to Dr Paul Reyes (TX, one seat). The round is published."""
    people = {
        "ana": person(app, "mentee", "Ana Sharma", home_country="IN",
                      immigration_status="j1", visa_needed="j1"),
        "ben": person(app, "mentee", "Ben Okafor", home_country="NG", specialty="pediatrics",
                      preferred_regions=["TX"]),
        "im": person(app, "mentor", "Irene Mehta", capacity=2, institution="Mount Sinai"),
        "peds": person(app, "mentor", "Paul Reyes", specialty="pediatrics", state="TX"),
    }  # fmt: skip
    assert publish(app, run_round(app)) == 2
    people["ana_proposal"] = proposal_id(app, people["ana"], people["im"])
    people["ben_proposal"] = proposal_id(app, people["ben"], people["peds"])
    return people


@pytest.fixture
def cohort(app):
    return build_cohort(app)


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_a_mentor_sees_the_proposal_why_it_was_made_and_the_deadline(client, auth, cohort):
    auth.login(cohort["im"].email)
    home = page(client, "/mentor/")
    assert "Proposals waiting for your answer" in home
    assert "Ana Sharma" in home and "India" in home and "Internal medicine" in home
    assert "Why you were matched" in home and "specialty 1.00" in home
    deadline = datetime.now(UTC) + timedelta(days=14)
    assert f"{deadline.day} {deadline.strftime('%B %Y')}" in home
    assert cohort["ana"].email not in home  # no contact details before accepting
    assert f'href="/people/{cohort["ana"].id}"' in home
    for figure in ("<dt>Capacity</dt><dd>2</dd>", "<dt>Taken</dt><dd>1</dd>",
                   "<dt>Free</dt><dd>1</dd>"):  # fmt: skip
        assert figure in home
    profile = page(client, f"/people/{cohort['ana'].id}")
    assert "shared once a match is accepted" in profile
    assert "Immigration status" not in profile and cohort["ana"].email not in profile


def test_a_mentee_sees_the_proposal_waiting_without_contact_details(client, auth, cohort):
    auth.login(cohort["ana"].email)
    home = page(client, "/mentee/")
    assert "Proposed, waiting for the mentor" in home
    assert "Irene Mehta" in home and "Internal medicine" in home
    assert "to answer" in home
    assert cohort["im"].email not in home
    assert "of your profile is filled in" in home  # the completeness card stays


def test_accepting_shares_contact_details_on_both_pages(client, auth, app, cohort):
    auth.login(cohort["im"].email)
    response = client.post(f"/mentor/proposals/{cohort['ana_proposal']}/accept")
    assert response.status_code == 302
    home = page(client, "/mentor/")
    assert "You are now mentoring Ana Sharma" in home
    assert "No proposals waiting" in home
    assert f"mailto:{cohort['ana'].email}" in home and "End mentorship with Ana Sharma" in home
    assert "Immigration status" in page(client, f"/people/{cohort['ana'].id}")
    assert seats(app, cohort["im"]) == (2, 1)

    auth.logout()
    auth.login(cohort["ana"].email)
    home = page(client, "/mentee/")
    assert "Active" in home and f"mailto:{cohort['im'].email}" in home
    assert "Mount Sinai" in home and "Proposed, waiting" not in home


def test_answering_twice_is_explained_and_changes_nothing(client, auth, app, cohort):
    auth.login(cohort["im"].email)
    url = f"/mentor/proposals/{cohort['ana_proposal']}"
    assert client.post(f"{url}/accept").status_code == 302
    again = client.post(f"{url}/accept")  # the second tab
    assert again.status_code == 409
    assert "already accepted" in again.get_data(as_text=True)
    late_decline = client.post(f"{url}/decline", data={f"p{cohort['ana_proposal']}-reason": "x"})
    assert late_decline.status_code == 409
    assert "already accepted" in late_decline.get_data(as_text=True)
    assert status_of(app, cohort["ana_proposal"]) == "accepted"
    assert_capacity_invariants(app)


def test_an_expired_proposal_cannot_be_answered(client, auth, app, cohort):
    with app.app_context():
        db.session.execute(
            update(Mentorship)
            .where(Mentorship.id == cohort["ana_proposal"])
            .values(expires_at=datetime.now(UTC) - timedelta(hours=1))
        )
        db.session.commit()
    auth.login(cohort["im"].email)
    home = page(client, "/mentor/")
    assert "The deadline has passed" in home and "Accept Ana Sharma" not in home
    response = client.post(f"/mentor/proposals/{cohort['ana_proposal']}/accept")
    assert response.status_code == 409
    assert "expired" in response.get_data(as_text=True)
    assert status_of(app, cohort["ana_proposal"]) == "proposed"  # the expiry job settles it

    auth.logout()
    auth.login(cohort["ana"].email)
    assert "did not answer in time" in page(client, "/mentee/")


def test_another_mentors_proposal_is_not_found(client, auth, app, cohort):
    auth.login(cohort["peds"].email)
    for action in ("accept", "decline"):
        response = client.post(f"/mentor/proposals/{cohort['ana_proposal']}/{action}")
        assert response.status_code == 404
        assert "among yours" in response.get_data(as_text=True)
    assert client.post("/mentor/proposals/999999/accept").status_code == 404
    assert status_of(app, cohort["ana_proposal"]) == "proposed"

    auth.logout()
    auth.login(cohort["ana"].email)  # a mentee cannot answer at all
    assert client.post(f"/mentor/proposals/{cohort['ana_proposal']}/accept").status_code == 403


def test_declining_with_a_reason_puts_the_mentee_back_in_the_pool(client, auth, app, cohort):
    auth.login(cohort["peds"].email)
    field = f"p{cohort['ben_proposal']}-reason"
    home = page(client, "/mentor/")
    assert f'name="{field}"' in home and "Decline Ben Okafor" in home
    response = client.post(
        f"/mentor/proposals/{cohort['ben_proposal']}/decline", data={field: "No time this term"}
    )
    assert response.status_code == 302
    home = page(client, "/mentor/")
    assert "You declined Ben Okafor" in home
    assert 'You declined: <span class="muted">No time this term</span>' in home
    assert seats(app, cohort["peds"]) == (1, 0)

    auth.logout()
    auth.login(cohort["ben"].email)
    home = page(client, "/mentee/")
    assert "Back in the pool" in home and "The mentor could not take you on" in home
    assert "No time this term" not in home  # the reason is for the coordinators


def test_a_too_long_reason_is_refused_on_the_form(client, auth, app, cohort):
    auth.login(cohort["peds"].email)
    field = f"p{cohort['ben_proposal']}-reason"
    response = client.post(
        f"/mentor/proposals/{cohort['ben_proposal']}/decline", data={field: "x" * 1001}
    )
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Field cannot be longer than 1000 characters." in body
    assert '<details class="decline" open>' in body
    assert status_of(app, cohort["ben_proposal"]) == "proposed"


def test_either_side_can_end_a_mentorship_which_frees_the_seat(client, auth, app, cohort):
    auth.login(cohort["im"].email)
    client.post(f"/mentor/proposals/{cohort['ana_proposal']}/accept")
    auth.logout()

    auth.login(cohort["ben"].email)  # not Ben's mentorship
    assert client.post(f"/mentee/mentorships/{cohort['ana_proposal']}/end").status_code == 404
    auth.logout()

    auth.login(cohort["ana"].email)
    response = client.post(f"/mentee/mentorships/{cohort['ana_proposal']}/end")
    assert response.status_code == 302
    home = page(client, "/mentee/")
    assert "has ended" in home and "Back in the pool" in home and "Mentorship ended" in home
    again = client.post(f"/mentee/mentorships/{cohort['ana_proposal']}/end")
    assert again.status_code == 409 and "not active" in again.get_data(as_text=True)
    assert seats(app, cohort["im"]) == (2, 0)


def test_a_mentor_ends_a_mentorship_from_the_home_page(client, auth, app, cohort):
    auth.login(cohort["im"].email)
    client.post(f"/mentor/proposals/{cohort['ana_proposal']}/accept")
    assert client.post(f"/mentor/mentorships/{cohort['ana_proposal']}/end").status_code == 302
    home = page(client, "/mentor/")
    assert "No active mentees yet" in home and "Mentorship ended" in home
    assert "<dt>Free</dt><dd>2</dd>" in home


def test_capacity_cannot_drop_below_the_seats_taken(client, auth, app, cohort):
    auth.login(cohort["im"].email)
    client.post(f"/mentor/proposals/{cohort['ana_proposal']}/accept")
    response = client.post(
        "/mentor/profile",
        data={"specialty": "internal-medicine", "state": "NY", "capacity": "0"},
    )
    assert response.status_code == 400
    assert "capacity cannot be lower than 1" in response.get_data(as_text=True)
    assert seats(app, cohort["im"]) == (2, 1)


# --- mail, through a real SMTP server -------------------------------------------------------


@pytest.fixture
def smtp():
    with SMTPSink() as sink:
        yield sink


@pytest.fixture
def mail_app(app_config, smtp):
    app = create_app({**app_config, **smtp.settings()})
    yield app
    with app.app_context():
        db.engine.dispose()


def test_acceptance_mails_both_sides_each_others_contact_details(mail_app, smtp):
    from tests.helpers import AuthActions

    people = build_cohort(mail_app)
    client = mail_app.test_client()
    smtp.received.clear()  # the proposals' mails
    AuthActions(mail_app, client).login(people["im"].email)
    assert client.post(f"/mentor/proposals/{people['ana_proposal']}/accept").status_code == 302
    by_recipient = {tuple(m.envelope_to): m for m in smtp.received}
    assert set(by_recipient) == {(people["ana"].email,), (people["im"].email,)}
    to_mentee = by_recipient[(people["ana"].email,)]
    to_mentor = by_recipient[(people["im"].email,)]
    assert "Irene Mehta is your mentor" in to_mentee.subject
    assert people["im"].email in to_mentee.body
    assert people["ana"].email in to_mentor.body
    assert to_mentor.link_path(mail_app.config["BASE_URL"]) == f"/people/{people['ana'].id}"


def test_a_decline_tells_the_mentee_they_are_back_in_the_pool(mail_app, smtp):
    from tests.helpers import AuthActions

    people = build_cohort(mail_app)
    client = mail_app.test_client()
    smtp.received.clear()
    AuthActions(mail_app, client).login(people["peds"].email)
    response = client.post(
        f"/mentor/proposals/{people['ben_proposal']}/decline",
        data={f"p{people['ben_proposal']}-reason": "Sabbatical"},
    )
    assert response.status_code == 302
    assert [m.envelope_to for m in smtp.received] == [[people["ben"].email]]
    body = smtp.received[0].body
    assert "back in the pool" in body and "Sabbatical" not in body
    assert smtp.received[0].link_path(mail_app.config["BASE_URL"]) == "/mentee/"
