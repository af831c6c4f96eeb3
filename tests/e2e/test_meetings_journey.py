"""A meeting in headless chromium: the mentee (desktop, Kolkata) proposes one, the mentor (on
a phone, New York) proposes another time, the mentee accepts, both get the invitation by mail,
and after the meeting the mentee logs it. Then the mentor cancels a second meeting after the
confirmation step."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, text

from mentormatch import tasks
from mentormatch.extensions import db
from mentormatch.models import Meeting
from mentormatch.models.times import as_utc
from tests.e2e.conftest import PHONE
from tests.helpers import TEST_PASSWORD
from tests.meeting_helpers import a_day_ahead, accepted_pair, set_time_zone


def sign_in(page, email: str) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def flash(page, words: str):
    return page.locator(".flash").filter(has_text=words)


def meeting_mails(live_server, address: str) -> list[str]:
    return [m for m in live_server.mails_to(address) if "meeting.ics (text/calendar)" in m]


def wait_for_mails(live_server, address: str, count: int) -> list[str]:
    """Mail goes out from a background thread: wait for it a little."""
    deadline = time.monotonic() + 10
    while len(meeting_mails(live_server, address)) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return meeting_mails(live_server, address)


@pytest.mark.slow
def test_a_meeting_is_proposed_moved_once_accepted_and_logged(pages, live_server):
    app = live_server.app
    with tasks.run_inline():
        pair = accepted_pair(app, "Amara Nwosu", "Daniel Brooks")
    set_time_zone(app, pair.mentee, "Asia/Kolkata")
    meetings_path = f"/mentorships/{pair.mentorship_id}/meetings"
    first_day, second_day = a_day_ahead(20), a_day_ahead(21)

    # the mentee proposes a meeting, at her evening in Kolkata
    mentee = pages.open("mentee desktop")
    sign_in(mentee, pair.mentee.email)
    mentee.get_by_role("link", name="Meetings: propose one, answer, log").click()
    expect(mentee).to_have_url(re.compile(rf"{meetings_path}$"))
    expect(mentee.get_by_role("heading", name="Meetings with Daniel Brooks")).to_be_visible()
    expect(mentee.get_by_text("No meeting planned")).to_be_visible()
    expect(mentee.get_by_label("Time zone")).to_have_value("Asia/Kolkata")
    mentee.get_by_label("Day").fill(first_day.isoformat())
    mentee.get_by_label("Starts at").fill("19:30")
    mentee.get_by_label("Length in minutes").fill("45")
    mentee.get_by_label("Video call").check()
    mentee.get_by_label("Link, phone number or place (optional)").fill(
        "https://meet.example.org/amara-daniel"
    )
    mentee.get_by_label("Agenda").fill("My list of programmes; US letters")
    mentee.get_by_role("button", name="Propose this meeting").click()
    expect(flash(mentee, "Meeting proposed")).to_be_visible()
    expect(mentee.get_by_text("19:30 IST")).to_be_visible()
    expect(mentee.get_by_text("Waiting for the other side")).to_be_visible()

    # the mentor, on a phone, sets his time zone, then opens the meeting from his mail
    mentor = pages.open("mentor phone", PHONE)
    sign_in(mentor, pair.mentor.email)
    mentor.goto("/account/")
    mentor.get_by_label("Your time zone").select_option("America/New_York")
    mentor.get_by_role("button", name="Save time zone").tap()
    expect(flash(mentor, "Times are now shown in America/New_York")).to_be_visible()
    assert fits_the_screen(mentor)
    mentor.goto(live_server.link_in_mail(pair.mentor.email, "/mentorships/"))
    expect(mentor.get_by_text("Waiting for you")).to_be_visible()
    # 19:30 in Kolkata is 14:00 UTC: 09:00 (EST) in New York
    expect(mentor.get_by_text(re.compile(r"09:00 EST|10:00 EDT"))).to_be_visible()
    expect(mentor.get_by_text("in Asia/Kolkata")).to_be_visible()
    assert fits_the_screen(mentor)

    # ...and proposes another time, once with a time New York skips, then a real one
    mentor.locator("summary", has_text="Propose another time").tap()
    mentor.get_by_label("Day").fill("2027-03-14")
    mentor.get_by_label("Starts at").fill("02:30")
    mentor.get_by_label("Time zone").select_option("America/New_York")
    mentor.get_by_role("button", name="Propose this time").tap()
    expect(mentor.get_by_text("1 problem to fix")).to_be_visible()
    expect(mentor.locator("#time-error")).to_contain_text("does not exist on 14 March 2027")
    assert fits_the_screen(mentor)
    mentor.get_by_label("Day").fill(second_day.isoformat())
    mentor.get_by_label("Starts at").fill("08:00")
    mentor.get_by_role("button", name="Propose this time").tap()
    expect(flash(mentor, "New time proposed")).to_be_visible()
    expect(mentor.get_by_text(re.compile(r"08:00 E[SD]T"))).to_be_visible()
    expect(mentor.get_by_text("moved 1 time")).to_be_visible()

    # the mentee accepts the new time
    mentee.reload()
    expect(mentee.get_by_text("Waiting for you")).to_be_visible()
    mentee.get_by_role("button", name="Accept this time").click()
    expect(flash(mentee, "Meeting accepted")).to_be_visible()
    expect(mentee.locator(".status-line").get_by_text("Accepted")).to_be_visible()
    # both got an invitation with every change: proposed, moved, accepted
    for person in (pair.mentee, pair.mentor):
        mails = wait_for_mails(live_server, person.email, 3)
        assert len(mails) == 3, mails
    with app.app_context():
        meeting = db.session.scalars(select(Meeting)).one()
        assert meeting.status == "accepted" and meeting.sequence == 1
        new_york = datetime.combine(second_day, datetime.min.time()).replace(hour=8)
        local = as_utc(meeting.starts_at).astimezone(ZoneInfo("America/New_York"))
        assert local.replace(tzinfo=None) == new_york
        meeting_id = meeting.id
        # the meeting took place
        db.session.execute(
            text("UPDATE meetings SET starts_at = :t WHERE id = :id"),
            {"t": datetime.now(UTC) - timedelta(hours=2), "id": meeting_id},
        )
        db.session.commit()

    # afterwards the mentee logs it
    mentee.reload()
    expect(mentee.get_by_role("heading", name="After the meeting")).to_be_visible()
    mentee.get_by_label("Notes").fill("Went through the programme list together.")
    mentee.get_by_label("Next steps").fill("Amara drafts the personal statement.")
    mentee.get_by_label("Goals touched (optional)").fill("Applications")
    mentee.get_by_role("button", name="Save the log").click()
    expect(flash(mentee, "Meeting logged")).to_be_visible()
    expect(mentee.locator("dd", has_text="Amara drafts the personal statement.")).to_be_visible()
    mentor.reload()
    expect(
        mentor.locator("dd", has_text="Went through the programme list together.")
    ).to_be_visible()
    assert fits_the_screen(mentor)

    # a second meeting, which the mentor cancels after the confirmation
    mentor.goto("/mentor/")
    mentor.get_by_role("link", name="Meetings: propose one, answer, log").tap()
    expect(mentor.get_by_text("Earlier and cancelled")).to_be_visible()
    mentor.get_by_label("Day").fill(a_day_ahead(30).isoformat())
    mentor.get_by_label("Starts at").fill("12:00")
    mentor.get_by_label("Agenda").fill("Interview practice")
    mentor.get_by_role("button", name="Propose this meeting").tap()
    expect(flash(mentor, "Meeting proposed")).to_be_visible()
    mentor.get_by_role("link", name="Cancel the meeting…").tap()
    expect(mentor.get_by_role("heading", name="Cancel the meeting?")).to_be_visible()
    assert fits_the_screen(mentor)
    mentor.get_by_role("button", name="Cancel the meeting").tap()
    expect(flash(mentor, "Meeting cancelled")).to_be_visible()
    expect(mentor.get_by_text("No meeting planned")).to_be_visible()
    # the one refused form answered 400 on purpose; nothing else went wrong in the pages
    refused_move = f"400 (BAD REQUEST) ({live_server.url}{meetings_path}/{meeting_id}/move)"
    pages.console_errors = [e for e in pages.console_errors if not e.endswith(refused_move)]
    pages.assert_no_console_errors()


@pytest.mark.slow
def test_a_person_without_a_time_zone_starts_from_the_devices_clock(pages, live_server):
    app = live_server.app
    with tasks.run_inline():
        pair = accepted_pair(app, "Kofi Mensah", "Rachel Stein")
    page = pages.open("mentee in Lagos", {**PHONE, "timezone_id": "Africa/Lagos"})
    sign_in(page, pair.mentee.email)
    page.goto(f"/mentorships/{pair.mentorship_id}/meetings")
    expect(page.get_by_text("Times are shown in UTC")).to_be_visible()
    expect(page.get_by_label("Time zone")).to_have_value("Africa/Lagos")
    expect(page.get_by_text("Chosen from this device's clock: Africa/Lagos")).to_be_visible()
    page.goto("/account/")
    expect(page.get_by_label("Your time zone")).to_have_value("Africa/Lagos")
    page.get_by_role("button", name="Save time zone").tap()
    expect(flash(page, "Times are now shown in Africa/Lagos")).to_be_visible()
    page.goto(f"/mentorships/{pair.mentorship_id}/meetings")
    expect(page.get_by_text("Times are shown in your time zone, Africa/Lagos")).to_be_visible()
    expect(page.locator("[data-time-zone-guess]")).to_have_count(0)  # nothing to guess now
    assert fits_the_screen(page)
    pages.assert_no_console_errors()
