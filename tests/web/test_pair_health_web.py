"""The work queue and its actions through the pages: a pair that never met, with its reason
and a nudge that goes out once per period; a poor fit answer that puts the pair at risk until
a coordinator's note; the check-in page (its author only; the other side never reads the
answer); re-pairing after a confirmation; another programme's coordinator sees none of it;
and the cron commands."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from mentormatch.extensions import db
from mentormatch.models import CheckIn, Mentorship, OutboxMessage
from mentormatch.models.times import utcnow
from mentormatch.services.mentorships import checkins, messages
from tests.helpers import TEST_PASSWORD
from tests.programme_helpers import new_programme, programme_coordinator
from tests.proposal_helpers import person
from tests.workspace_helpers import accepted_pair, started


@pytest.fixture
def pair(app):
    return accepted_pair(app)


def count(app, kind: str) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).where(OutboxMessage.kind == kind))


def test_a_pair_that_never_met_is_queued_with_its_reason_and_nudged_once(app, client, auth, pair):
    started(app, pair.mentorship_id, days_ago=25)
    auth.login(pair.coordinator.email)
    page = client.get("/coordinator/health").get_data(as_text=True)
    assert f'id="pair-{pair.mentorship_id}"' in page
    assert "Never met" in page
    assert "No meeting held in the 25 days since the mentor accepted." in page
    assert "Re-pair" not in page.split(f'id="pair-{pair.mentorship_id}"')[1].split("</li>")[0]
    nudge = f"/coordinator/mentorships/{pair.mentorship_id}/nudge"
    response = client.post(nudge, follow_redirects=True)
    assert "were reminded to meet" in response.get_data(as_text=True)
    assert count(app, "mentorship-nudge") == 2
    again = client.post(nudge, follow_redirects=True).get_data(as_text=True)
    assert "one nudge per meeting period" in again
    assert count(app, "mentorship-nudge") == 2
    # the queue says when the next nudge can go, and offers no button until then
    row = again.split(f'id="pair-{pair.mentorship_id}"')[1].split("</li>")[0]
    assert "Nudged this period; the next nudge can go from" in row
    assert "Nudge both" not in row


def test_the_other_programmes_coordinator_sees_none_of_it(app, client, pair):
    started(app, pair.mentorship_id, days_ago=25)
    other = new_programme(app, "research-b", "Research B")
    programme_coordinator(app, "bela@example.org", other)
    client.post("/auth/login", data={"email": "bela@example.org", "password": TEST_PASSWORD})
    page = client.get("/coordinator/health").get_data(as_text=True)
    assert pair.mentee.name not in page and "No pair needs you now" in page
    with app.app_context():
        programme_a = db.session.get(Mentorship, pair.mentorship_id).programme_id
    assert client.get(f"/coordinator/health?programme={programme_a}").status_code == 404
    assert client.get(f"/coordinator/mentorships/{pair.mentorship_id}/notes").status_code == 404


def _fit_check(app, pair) -> dict[int, int]:
    """A meeting held, then the check-ins command: user id -> their fit check's id."""
    started(app, pair.mentorship_id, days_ago=10)
    with app.app_context():
        db.session.execute(
            text(
                "INSERT INTO meetings (mentorship_id, starts_at, duration_minutes, time_zone, "
                "channel, agenda, status, uid, sequence, created_at, proposed_at) VALUES (:m, "
                ":t, 60, 'UTC', 'video', 'First', 'held', 'u-1', 0, :t, :t)"
            ),
            {"m": pair.mentorship_id, "t": utcnow() - timedelta(days=2)},
        )
        db.session.commit()
        assert checkins.send_due().fit == 1
        return dict(
            db.session.execute(
                select(CheckIn.user_id, CheckIn.id).where(CheckIn.kind == "fit")
            ).all()
        )


def test_a_poor_fit_answer_puts_the_pair_at_risk_until_a_note(app, client, auth, pair):
    asked = _fit_check(app, pair)
    url = f"/mentorships/{pair.mentorship_id}/check-ins/{asked[pair.mentee.id]}"
    auth.login(pair.mentee.email)
    home = client.get(f"/mentorships/{pair.mentorship_id}").get_data(as_text=True)
    assert url in home
    form = client.get(url).get_data(as_text=True)
    assert "how good a fit is this mentorship" in form and "Irene Mehta does not" not in form
    missing = client.post(url, data={"comment": "x"})
    assert missing.status_code == 400 and "Choose a score from 1 to 5." in missing.get_data(
        as_text=True
    )
    done = client.post(url, data={"score": "2", "comment": "She never answers"})
    assert done.status_code == 302
    auth.logout()

    # the mentor cannot open her check-in, and her answer shows nowhere on his pages
    auth.login(pair.mentor.email)
    assert client.get(url).status_code == 404
    assert "She never answers" not in client.get(f"/mentorships/{pair.mentorship_id}").get_data(
        as_text=True
    )
    auth.logout()

    auth.login(pair.coordinator.email)
    queue = client.get("/coordinator/health").get_data(as_text=True)
    row = queue.split(f'id="pair-{pair.mentorship_id}"')[1].split("</li>")[0]
    assert "At risk" in row and "A check-in answer says the fit is poor" in row
    assert "Re-pair Ana Sharma" in row
    notes_url = f"/coordinator/mentorships/{pair.mentorship_id}/notes"
    notes = client.get(notes_url).get_data(as_text=True)
    assert "She never answers" in notes and "<strong>2</strong> / 5" in notes
    client.post(notes_url, data={"body": "Spoke to both; they will try once more."})
    queue = client.get("/coordinator/health").get_data(as_text=True)
    assert f'id="pair-{pair.mentorship_id}"' not in queue  # handled, and meeting on time
    rates = re.search(r"Fit check</th>(.*?)</tr>", queue, re.S).group(1)
    assert [int(n) for n in re.findall(r'class="num">(\d+)<', rates)][:2] == [2, 1]


def test_re_pairing_a_poor_fit_after_a_confirmation(app, client, auth, pair):
    asked = _fit_check(app, pair)
    with app.app_context():
        checkins.answer(asked[pair.mentee.id], pair.mentorship_id, pair.mentee.id, 1, "")
    free = person(app, "mentor", "Nora Free")
    auth.login(pair.coordinator.email)
    with app.app_context():
        programme_id = db.session.get(Mentorship, pair.mentorship_id).programme_id
    url = f"/coordinator/programmes/{programme_id}/re-pair/{pair.mentee.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Nora Free" in page and "Engine’s choice" in page and "Irene Mehta</strong>" not in page
    assert "internal medicine" in page.lower()  # the reasons, in words
    ask = client.post(url, data={"mentor_id": free.id})
    assert "Propose Nora Free?" in ask.get_data(as_text=True)
    assert "ends first (not a good fit)" in ask.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Mentorship, pair.mentorship_id).status == "accepted"
    done = client.post(url, data={"mentor_id": free.id, "confirm": "yes"})
    assert done.status_code == 302
    with app.app_context():
        assert db.session.get(Mentorship, pair.mentorship_id).status == "ended"
        new = db.session.scalar(
            select(Mentorship).where(
                Mentorship.mentor_id == free.id, Mentorship.status == "proposed"
            )
        )
        assert new is not None and new.mentee_id == pair.mentee.id
    assert count(app, "proposal") == 2 + 2  # the first round's two, and these two


def test_the_cron_commands_are_idempotent(app, runner, pair):
    started(app, pair.mentorship_id, days_ago=30)
    first = runner.invoke(args=["mentorships", "nudge"])
    assert "1 pair reminded to meet; coordinators told of 1 overdue pair." in first.output
    second = runner.invoke(args=["mentorships", "nudge"])
    assert "0 pairs reminded" in second.output and "1 nudged earlier this period" in second.output
    asked = runner.invoke(args=["mentorships", "check-ins"])
    assert asked.output.startswith("Check-ins asked: 0 fit checks")


def test_a_reported_problem_puts_the_pair_at_risk(app, client, auth, pair):
    with app.app_context():
        message = messages.send(pair.mentorship_id, pair.mentor.id, "Let us talk on Friday")
        messages.report_problem(
            pair.mentorship_id, pair.mentee.id, [message.id], "He cancels every time"
        )
    auth.login(pair.coordinator.email)
    queue = client.get("/coordinator/health").get_data(as_text=True)
    row = queue.split(f'id="pair-{pair.mentorship_id}"')[1].split("</li>")[0]
    assert "At risk" in row and "One of the two reported a problem." in row
    assert "He cancels every time" not in queue  # the report's text stays in its mail


def test_the_pairs_nudge_never_says_why_the_pair_is_at_risk(app, client, auth, pair):
    """A pair at risk (a reported problem) that also never met is nudged: the two mails say
    only how long since they met, never that one of them reported a problem."""
    started(app, pair.mentorship_id, days_ago=25)
    with app.app_context():
        message = messages.send(pair.mentorship_id, pair.mentor.id, "Let us talk on Friday")
        messages.report_problem(
            pair.mentorship_id, pair.mentee.id, [message.id], "He cancels every time"
        )
    auth.login(pair.coordinator.email)
    row = client.get("/coordinator/health").get_data(as_text=True)
    assert "One of the two reported a problem." in row  # the coordinator is told why
    client.post(f"/coordinator/mentorships/{pair.mentorship_id}/nudge")
    with app.app_context():
        bodies = db.session.scalars(
            select(OutboxMessage.body_text).where(OutboxMessage.kind == "mentorship-nudge")
        ).all()
    assert len(bodies) == 2
    for body in bodies:
        assert "No meeting held in the 25 days since the mentor accepted." in body
        assert "problem" not in body.lower() and "check-in" not in body.lower()


def test_the_nudge_button_returns_only_to_a_page_of_this_site(app, client, auth, pair):
    started(app, pair.mentorship_id, days_ago=25)
    auth.login(pair.coordinator.email)
    nudge = f"/coordinator/mentorships/{pair.mentorship_id}/nudge"
    response = client.post(nudge, data={"back": "https://elsewhere.example/phish"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/coordinator/health")
    again = client.post(nudge, data={"back": f"/coordinator/health#pair-{pair.mentorship_id}"})
    assert again.headers["Location"].endswith(f"/coordinator/health#pair-{pair.mentorship_id}")
