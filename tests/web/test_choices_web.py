"""The choices pages through the test client: browse with filters, save a list (and the
refusals), decline a proposal, mark a ranker, and the coordinator's window form."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from mentormatch.extensions import db
from mentormatch.models import MenteeRanking, MentorMark, Mentorship, PreferenceWindow
from mentormatch.services.preferences import windows
from mentormatch.services.rounds import transitions
from mentormatch.services.rounds.settings import parse_settings
from tests.proposal_helpers import person, proposal_id, publish, run_round


@pytest.fixture
def world(app):
    people = {
        "ana": person(app, "mentee", "Ana Sharma"),
        "im": person(app, "mentor", "Irene Mehta", capacity=2),
        "peds": person(app, "mentor", "Paul Reyes", specialty="pediatrics", state="TX"),
    }  # fmt: skip
    with app.app_context():
        created = transitions.create_round(parse_settings({"name": "Choices"}), None)
        now = datetime.now(UTC)
        windows.set_window(created.id, None, now - timedelta(hours=1), now + timedelta(days=3))
        people["round"] = created.id
    return people


def get(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def ranks(app):
    with app.app_context():
        return db.session.execute(
            select(MenteeRanking.mentor_id, MenteeRanking.rank).order_by(MenteeRanking.rank)
        ).all()


def test_a_mentee_browses_filters_and_saves_a_list(app, client, auth, world):
    auth.login(world["ana"].email)
    index = get(client, "/choices/")
    assert "Choices" in index and "Browse and rank mentors" in index
    page = get(client, f"/choices/rounds/{world['round']}")
    assert "Irene Mehta" in page and "Paul Reyes" in page and "Fit" in page
    assert world["im"].email not in page and world["peds"].email not in page
    filtered = get(client, f"/choices/rounds/{world['round']}?state=TX")
    assert "Paul Reyes" in filtered and "Irene Mehta" not in filtered
    url = f"/choices/rounds/{world['round']}"
    same = client.post(url, data={f"rank_{world['im'].id}": "1", f"rank_{world['peds'].id}": "1"})
    assert same.status_code == 400 and "same rank" in same.get_data(as_text=True)
    assert ranks(app) == []
    saved = client.post(url, data={f"rank_{world['im'].id}": "2", f"rank_{world['peds'].id}": "1"})
    assert saved.status_code == 302
    assert ranks(app) == [(world["peds"].id, 1), (world["im"].id, 2)]
    # ranked mentors stay on the page under a filter, so the list can still be edited
    assert "Irene Mehta" in get(client, f"/choices/rounds/{world['round']}?state=TX")


def test_a_closed_window_keeps_the_list(app, client, auth, world):
    with app.app_context():
        window = db.session.scalar(select(PreferenceWindow))
        window.opens_at = datetime.now(UTC) - timedelta(days=3)
        window.closes_at = datetime.now(UTC) - timedelta(days=1)
        db.session.commit()
    auth.login(world["ana"].email)
    page = get(client, f"/choices/rounds/{world['round']}")
    assert "The window has closed" in page and "Save my list" not in page
    refused = client.post(f"/choices/rounds/{world['round']}",
                          data={f"rank_{world['im'].id}": "1"})  # fmt: skip
    assert refused.status_code == 400 and "closed" in refused.get_data(as_text=True)
    assert ranks(app) == []


def test_a_mentor_marks_a_ranker_and_avoid_needs_a_reason(app, client, auth, world):
    with app.app_context():
        db.session.add(MenteeRanking(round_id=world["round"], mentee_id=world["ana"].id,
                                     mentor_id=world["im"].id, rank=1))  # fmt: skip
        db.session.commit()
        ranking_id = db.session.scalar(select(MenteeRanking.id))
    auth.login(world["im"].email)
    page = get(client, "/choices/ranked-me")
    assert "1 mentee ranked you." in page and "Ana Sharma" not in page
    no_reason = client.post(f"/choices/marks/{ranking_id}", data={"kind": "avoid"})
    assert no_reason.status_code == 303
    client.post(f"/choices/marks/{ranking_id}", data={"kind": "avoid", "reason": "Conflict"})
    with app.app_context():
        assert db.session.scalars(select(MentorMark.kind)).all() == ["avoid"]


def test_a_mentee_declines_a_proposal_only_with_a_reason_and_the_box_ticked(app, client, auth):
    ana = person(app, "mentee", "Ana Sharma")
    im = person(app, "mentor", "Irene Mehta")
    assert publish(app, run_round(app)) == 1
    proposal = proposal_id(app, ana, im)
    auth.login(ana.email)
    assert "Decline this proposal" in get(client, "/mentee/")
    assert "Decline this proposal" in get(client, "/choices/")
    url = f"/choices/proposals/{proposal}/decline"
    assert client.post(url, data={"reason": "Moved"}).status_code == 303  # box not ticked
    assert client.post(url, data={"confirm": "yes"}).status_code == 303  # no reason
    with app.app_context():
        assert db.session.get(Mentorship, proposal).status == "proposed"
    assert client.post(url, data={"reason": "Moved", "confirm": "yes"}).status_code == 302
    with app.app_context():
        declined = db.session.get(Mentorship, proposal)
        assert (declined.status, declined.response_reason) == ("declined", "Moved")
    assert "You declined" in get(client, "/mentee/")
    auth.logout()
    auth.login(im.email)
    mentor_home = get(client, "/mentor/")
    assert "The mentee declined the proposal" in mentor_home and "Moved" not in mentor_home
    export = client.get("/account/export.json").get_data(as_text=True)
    assert "Moved" not in export  # her reason is hers and the coordinators'


def test_the_coordinator_sets_the_window_in_their_time_zone(app, client, auth, world):
    auth.login_as("coordinator")
    page = get(client, f"/coordinator/rounds/{world['round']}/preferences")
    assert "Window for choosing" in page and "Opens (UTC)" in page
    bad = client.post(f"/coordinator/rounds/{world['round']}/preferences/window",
                      data={"opens_at": "2031-03-01T09:00", "closes_at": "soon"})  # fmt: skip
    assert bad.status_code == 400 and "Give a date and time" in bad.get_data(as_text=True)
    good = client.post(
        f"/coordinator/rounds/{world['round']}/preferences/window",
        data={"opens_at": "2031-03-01T09:00", "closes_at": "2031-03-08T17:30"},
    )
    assert good.status_code == 302
    with app.app_context():
        window = db.session.scalar(select(PreferenceWindow))
        assert windows.aware(window.closes_at) == datetime(2031, 3, 8, 17, 30, tzinfo=UTC)


def test_who_chose_me_after_a_csv_import_into_a_round_without_a_window(app, client, auth, world):
    from mentormatch.services.preferences import rank_csv

    with app.app_context():
        bare = transitions.create_round(parse_settings({"name": "Imported"}), None)
        data = f"mentee_email,rank,mentor_email\n{world['ana'].email},1,{world['im'].email}\n"
        report = rank_csv.import_rank_lists(bare.id, data.encode())
        assert not report.problems, report.problems
        assert windows.window_of(bare.id) is None
    auth.login(world["im"].email)
    page = get(client, "/choices/ranked-me")
    assert "Imported" in page and "1 mentee ranked you." in page


def test_the_coordinator_is_told_why_rankers_cannot_be_named_now(app, client, auth, world):
    from mentormatch.models import MatchingRound, Programme

    with app.app_context():
        db.session.add(MenteeRanking(round_id=world["round"], mentee_id=world["ana"].id,
                                     mentor_id=world["im"].id, rank=1))  # fmt: skip
        db.session.commit()
    auth.login_as("coordinator")
    refused = client.post(
        f"/coordinator/rounds/{world['round']}/preferences/settings",
        data={"max_ranks": "10", "rankers_named": "1", "unranked_pairs": "1", "mode": "optimal"},
    )
    assert refused.status_code == 400
    assert "told that their names stay hidden" in refused.get_data(as_text=True)
    with app.app_context():
        round_ = db.session.get(MatchingRound, world["round"])
        assert db.session.get(Programme, round_.programme_id).preference_rankers_named is False
