"""The meeting pages: propose, accept, propose another time, cancel after a confirmation, log;
bad input named on its field with nothing saved; each person reads times in their own zone,
set on the profile or the account page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text

from mentormatch.extensions import db
from mentormatch.models import Meeting, User
from mentormatch.models.times import as_utc
from tests.meeting_helpers import (
    a_day_ahead,
    accepted_pair,
    meeting_count,
    outbox_rows,
    set_time_zone,
)


@pytest.fixture
def pair(app):
    pair = accepted_pair(app)
    set_time_zone(app, pair.mentee, "Asia/Kolkata")
    set_time_zone(app, pair.mentor, "America/New_York")
    return pair


def meetings_url(pair) -> str:
    return f"/mentorships/{pair.mentorship_id}/meetings"


def proposal_form(**changes) -> dict:
    return {
        "date": a_day_ahead(40).isoformat(), "time": "19:30", "time_zone": "Asia/Kolkata",
        "duration_minutes": "45", "channel": "video", "agenda": "Which programmes to apply to",
        "location": "", **changes,
    }  # fmt: skip


def only_meeting(app) -> Meeting:
    with app.app_context():
        meeting = db.session.scalars(select(Meeting)).one()
        db.session.expunge(meeting)
        return meeting


def field_error(html: str, field: str) -> str:
    """The message shown under a field (its id is the field's name)."""
    found = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', html)
    assert found, f"no error under {field}"
    return found.group(1)


def test_a_mentee_proposes_and_each_side_reads_it_in_their_own_zone(client, auth, app, pair):
    auth.login(pair.mentee.email)
    page = client.get(meetings_url(pair)).get_data(as_text=True)
    assert "Meetings with Irene Mehta" in page
    assert '<option selected value="Asia/Kolkata">' in page  # her zone, chosen for her
    assert "Times are shown in your time zone, Asia/Kolkata" in page
    response = client.post(meetings_url(pair), data=proposal_form())
    assert response.status_code == 302
    meeting = only_meeting(app)
    assert response.headers["Location"] == f"{meetings_url(pair)}/{meeting.id}"
    day = a_day_ahead(40)
    # 19:30 in Kolkata (UTC+05:30) is 14:00 UTC, whatever the season
    assert as_utc(meeting.starts_at) == datetime(day.year, day.month, day.day, 14, 0, tzinfo=UTC)
    mine = client.get(f"{meetings_url(pair)}/{meeting.id}").get_data(as_text=True)
    assert "19:30 IST" in mine and "Waiting for the other side" in mine
    assert "Accept this time" not in mine  # her own proposal

    auth.logout()
    auth.login(pair.mentor.email)
    theirs = client.get(f"{meetings_url(pair)}/{meeting.id}").get_data(as_text=True)
    new_york = as_utc(meeting.starts_at).astimezone(ZoneInfo("America/New_York"))
    assert f"{new_york:%H:%M} {new_york:%Z}" in theirs
    assert "Proposed as" in theirs and "in Asia/Kolkata" in theirs
    assert "Waiting for you" in theirs and "Accept this time" in theirs


def test_both_home_pages_lead_to_the_meetings(client, auth, pair):
    for who, home in ((pair.mentee, "/mentee/"), (pair.mentor, "/mentor/")):
        auth.login(who.email)
        assert f'href="{meetings_url(pair)}"' in client.get(home).get_data(as_text=True)
        auth.logout()


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"date": "2027-03-14", "time": "02:30", "time_zone": "America/New_York"}, "time",
         "does not exist on 14 March 2027 in America/New_York"),
        ({"date": (datetime.now(UTC) - timedelta(days=2)).date().isoformat()}, "date",
         "has already passed"),
        ({"duration_minutes": "300"}, "duration_minutes", "15 to 240 minutes"),
        ({"duration_minutes": "10"}, "duration_minutes", "15 to 240 minutes"),
        ({"time_zone": ""}, "time_zone", "Choose a time zone"),
        ({"time_zone": "Moon/Tranquility"}, "time_zone", "not a time zone we know"),
        ({"agenda": ""}, "agenda", "Write what you would like to talk about"),
    ],
)  # fmt: skip
def test_bad_input_is_named_on_its_field_and_nothing_is_saved(
    client, auth, app, pair, changes, field, words
):
    auth.login(pair.mentee.email)
    response = client.post(meetings_url(pair), data=proposal_form(**changes))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert words in field_error(html, field)
    assert "1 problem to fix" in html
    assert meeting_count(app) == 0 and outbox_rows(app) == []


def test_the_other_side_proposes_another_time_then_the_first_accepts(client, auth, app, pair):
    auth.login(pair.mentee.email)
    client.post(meetings_url(pair), data=proposal_form())
    meeting = only_meeting(app)
    url = f"{meetings_url(pair)}/{meeting.id}"
    auth.logout()

    auth.login(pair.mentor.email)
    bad = client.post(f"{url}/move", data={**proposal_form(date="2027-03-14", time="02:10",
                      time_zone="America/New_York"), "sequence": "0"})  # fmt: skip
    assert bad.status_code == 400
    assert "does not exist" in field_error(bad.get_data(as_text=True), "time")
    moved = client.post(f"{url}/move", data={**proposal_form(date=a_day_ahead(41).isoformat(),
                        time="08:00", time_zone="America/New_York"), "sequence": "0"})  # fmt: skip
    assert moved.status_code == 302
    after = only_meeting(app)
    assert after.uid == meeting.uid and after.sequence == 1 and after.status == "proposed"
    page = client.get(url).get_data(as_text=True)
    assert "New time proposed" in page and "08:00 E" in page
    auth.logout()

    auth.login(pair.mentee.email)
    stale = client.post(f"{url}/accept", data={"sequence": "0"}, follow_redirects=True)
    assert "changed a moment ago" in stale.get_data(as_text=True)
    assert only_meeting(app).status == "proposed"
    accepted = client.post(f"{url}/accept", data={"sequence": "1"}, follow_redirects=True)
    assert "Meeting accepted" in accepted.get_data(as_text=True)
    assert only_meeting(app).status == "accepted"
    assert [m["kind"] for m in outbox_rows(app)].count("meeting-accepted") == 2


def test_cancelling_asks_first(client, auth, app, pair):
    auth.login(pair.mentee.email)
    client.post(meetings_url(pair), data=proposal_form())
    meeting = only_meeting(app)
    url = f"{meetings_url(pair)}/{meeting.id}/cancel"
    confirm = client.get(url).get_data(as_text=True)
    assert "Cancel the meeting?" in confirm and "Keep it" in confirm
    assert only_meeting(app).status == "proposed"
    done = client.post(url, data={"sequence": "0"})
    assert done.status_code == 302 and done.headers["Location"] == meetings_url(pair)
    assert only_meeting(app).status == "cancelled"
    listing = client.get(meetings_url(pair)).get_data(as_text=True)
    assert "Earlier and cancelled" in listing and "Cancelled" in listing


def test_after_the_meeting_it_is_logged(client, auth, app, pair):
    auth.login(pair.mentee.email)
    client.post(meetings_url(pair), data=proposal_form())
    meeting = only_meeting(app)
    url = f"{meetings_url(pair)}/{meeting.id}"
    auth.logout()
    auth.login(pair.mentor.email)
    client.post(f"{url}/accept", data={"sequence": "0"})
    assert "After the meeting, come back here to log it" in client.get(url).get_data(as_text=True)
    refused = client.post(f"{url}/log", data={"notes": "Too early"}, follow_redirects=True)
    assert "once it has started" in refused.get_data(as_text=True)
    with app.app_context():
        db.session.execute(
            text("UPDATE meetings SET starts_at = :t WHERE id = :id"),
            {"t": datetime.now(UTC) - timedelta(hours=1), "id": meeting.id},
        )
        db.session.commit()
    empty = client.post(f"{url}/log", data={"notes": " ", "next_steps": ""})
    assert empty.status_code == 400
    assert "Write what you talked about" in field_error(empty.get_data(as_text=True), "notes")
    logged = client.post(
        f"{url}/log",
        data={"notes": "Reviewed the list", "next_steps": "Ana emails two programmes",
              "goals_touched": "Applications"},
        follow_redirects=True,
    )  # fmt: skip
    page = logged.get_data(as_text=True)
    assert "Meeting logged" in page and "Reviewed the list" in page and "Held" in page
    assert only_meeting(app).status == "held"


def test_the_invitation_downloads_as_ics(client, auth, app, pair):
    auth.login(pair.mentee.email)
    client.post(meetings_url(pair), data=proposal_form())
    meeting = only_meeting(app)
    response = client.get(f"{meetings_url(pair)}/{meeting.id}/invitation.ics")
    assert response.mimetype == "text/calendar"
    body = response.get_data(as_text=True)
    assert f"UID:{meeting.uid}" in body and "METHOD:REQUEST" in body


def test_a_coordinator_cannot_read_a_pairs_meetings(client, auth, app, pair):
    auth.login(pair.mentee.email)
    client.post(meetings_url(pair), data=proposal_form(agenda="Private: my visa worries"))
    meeting = only_meeting(app)
    auth.logout()
    auth.login_as("coordinator")
    for path in (meetings_url(pair), f"{meetings_url(pair)}/{meeting.id}"):
        response = client.get(path)
        assert response.status_code == 404
        assert "visa worries" not in response.get_data(as_text=True)


# --- time zone settings ----------------------------------------------------------------------


def zone_of(app, user_id: int) -> str | None:
    with app.app_context():
        return db.session.get(User, user_id).time_zone


def test_the_account_page_sets_the_time_zone_for_every_role(client, auth, app):
    email = auth.login_as("coordinator")
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == email))
    page = client.get("/account/").get_data(as_text=True)
    assert "Time zone" in page and "Europe/Paris (UTC+0" in page
    bad = client.post("/account/time-zone", data={"time_zone": "Europe/Atlantis"})
    assert bad.status_code == 400
    assert "not a time zone we know" in field_error(bad.get_data(as_text=True), "time_zone")
    assert zone_of(app, user_id) is None
    ok = client.post("/account/time-zone", data={"time_zone": "Europe/Paris"})
    assert ok.status_code == 302 and zone_of(app, user_id) == "Europe/Paris"
    client.post("/account/time-zone", data={"time_zone": ""})
    assert zone_of(app, user_id) is None


def test_the_profile_forms_carry_the_time_zone(client, auth, app, pair):
    auth.login(pair.mentee.email)
    page = client.get("/mentee/profile").get_data(as_text=True)
    assert "Your time zone" in page and '<option selected value="Asia/Kolkata">' in page
    bad = client.post("/mentee/profile", data={"home_country": "IN", "time_zone": "Asia/Nowhere"})
    assert bad.status_code == 400
    assert "not a time zone we know" in field_error(bad.get_data(as_text=True), "time_zone")
    assert zone_of(app, pair.mentee.id) == "Asia/Kolkata"
    ok = client.post(
        "/mentee/profile",
        data={"home_country": "IN", "specialty": "internal-medicine", "regions_anywhere": "y",
              "research_interests": ["case-report"], "time_zone": "Africa/Lagos"},
    )  # fmt: skip
    assert ok.status_code == 302 and zone_of(app, pair.mentee.id) == "Africa/Lagos"
    auth.logout()

    auth.login(pair.mentor.email)
    saved = client.post(
        "/mentor/profile",
        data={"specialty": "internal-medicine", "state": "NY", "capacity": "1",
              "research_interests": ["case-report"], "time_zone": "America/Chicago"},
    )  # fmt: skip
    assert saved.status_code == 302 and zone_of(app, pair.mentor.id) == "America/Chicago"
