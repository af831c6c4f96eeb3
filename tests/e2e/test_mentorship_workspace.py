"""The mentorship after acceptance, in headless chromium against a real server whose mail goes
to a real SMTP server (issue 14's whole "done when"): the mentor accepts, both confirm the
agreement, the mentee's plan shows the dates of the next Match cycle, a meeting is proposed,
moved once and accepted, the invitation attached to the mails parses back with the right UTC
time and the same UID across the move, the meeting is logged, messages are exchanged with one
batched notification, and the mentorship is completed with a rating. Bad input on the way (a
goal dated before the mentorship, a meeting in the past, an empty and a 100 KB message) is
refused with a message and saves nothing.

tests/e2e/test_meetings_journey.py walks the meetings alone in more detail (time zones on
the account page, a time the clocks skip, cancelling)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import text
from werkzeug.serving import make_server

from mentormatch import tasks
from mentormatch.app import create_app
from mentormatch.extensions import db
from mentormatch.models.times import utcnow
from mentormatch.services.mentorships import calendar, messages
from tests import databases
from tests.e2e.conftest import PHONE, LiveServer, _MailLog
from tests.helpers import TEST_PASSWORD
from tests.meeting_helpers import a_day_ahead, event_of
from tests.proposal_helpers import person, publish, run_round
from tests.smtp_server import SMTPSink


@pytest.fixture(scope="module")
def smtp() -> Iterator[SMTPSink]:
    with SMTPSink() as sink:
        yield sink


@pytest.fixture(scope="module")
def live_server(template_database, tmp_path_factory, smtp) -> Iterator[LiveServer]:
    """The e2e server of tests/e2e/conftest.py, delivering its mail to the SMTP server."""
    with pytest.MonkeyPatch.context() as env:
        for key in list(os.environ):
            if key.startswith("MENTORMATCH_") and not key.startswith("MENTORMATCH_TEST_"):
                env.delenv(key)
        with databases.database_copy(template_database, tmp_path_factory.mktemp("ws")) as url:
            app = create_app(
                {
                    "ENV": "testing",
                    "DATABASE_URL": url,
                    "WTF_CSRF_ENABLED": True,
                    "TASK_EXECUTOR": "thread",
                    "REDIS_URL": None,
                    **smtp.settings(),
                }
            )
            server = make_server("127.0.0.1", 0, app, threaded=True)
            base_url = f"http://127.0.0.1:{server.server_port}"
            app.config["BASE_URL"] = base_url
            thread = threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            )
            thread.start()
            try:
                yield LiveServer(app, base_url, _MailLog())
            finally:
                server.shutdown()
                server.server_close()
                thread.join(timeout=10)
                with app.app_context():
                    db.engine.dispose()


def flash(page, text: str):
    return page.locator(".flash").filter(has_text=text)


def sign_in(page, email: str) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(flash(page, "Signed in as")).to_be_visible()


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def mails_to(smtp: SMTPSink, address: str, subject_part: str) -> list:
    return [m for m in smtp.received if address in m.envelope_to and subject_part in m.subject]


def wait_for_mail(smtp: SMTPSink, address: str, subject_part: str, count: int = 1) -> list:
    """Mail goes out from a background thread after the commit: wait for it a little."""
    deadline = utcnow().timestamp() + 10
    while len(found := mails_to(smtp, address, subject_part)) < count:
        assert utcnow().timestamp() < deadline, [m.subject for m in smtp.received]
        threading.Event().wait(0.05)
    return found


@pytest.mark.slow
def test_from_acceptance_to_a_completed_mentorship(pages, live_server, smtp):
    app = live_server.app
    mentee = person(app, "mentee", "Ana Sharma")
    mentor = person(app, "mentor", "Irene Mehta")
    with tasks.run_inline():  # the round runs here; its proposal mails go out at once
        assert publish(app, run_round(app, "Spring")) == 1

    # the mentor accepts the proposal on a desktop
    desk = pages.open("mentor")
    sign_in(desk, mentor.email)
    desk.get_by_role("button", name="Accept Ana Sharma").click()
    expect(flash(desk, "You are now mentoring Ana Sharma")).to_be_visible()
    desk.get_by_role("link", name="Mentorship with Ana Sharma", exact=True).click()
    expect(desk.get_by_role("heading", name="Mentorship with Ana Sharma")).to_be_visible()
    expect(desk.locator(".next-step")).to_contain_text("Confirm your agreement")

    # both confirm the agreement: the mentor first, then the mentee on her phone
    desk.get_by_label("Every two weeks").check()
    desk.get_by_label("We keep what we discuss confidential").check()
    desk.get_by_role("button", name="Confirm the agreement").click()
    expect(flash(desk, "waiting for the other side")).to_be_visible()

    phone = pages.open("mentee", PHONE)
    sign_in(phone, mentee.email)
    summary = phone.locator(".workspace-summary")
    expect(summary).to_contain_text("Mentorship with Irene Mehta")
    summary.get_by_role("link", name="Confirm your agreement").tap()
    expect(phone.locator("#agreement")).to_contain_text("Waiting for Ana Sharma")
    expect(phone.get_by_label("Every two weeks")).to_be_checked()
    phone.get_by_label("We keep what we discuss confidential").check()
    phone.get_by_role("button", name="Confirm the agreement").tap()
    expect(flash(phone, "You have both confirmed the agreement")).to_be_visible()
    expect(phone.locator("#agreement")).to_contain_text("Confirmed by both")

    # her plan, dated for the next Match cycle (she gave no target year)
    today = utcnow().date()
    year = today.year + 1 if (today.month, today.day) <= (9, 30) else today.year + 2
    expect(phone.get_by_label("Target Match year")).to_have_value(str(year))
    phone.get_by_role("button", name="Create my plan").tap()
    expect(flash(phone, "Your plan has 13 goals")).to_be_visible()
    match_day = calendar.match_day(year)
    assert match_day.weekday() == 4 and 15 <= match_day.day <= 21  # third week of March
    goal = phone.locator(".goal").filter(has=phone.get_by_role("heading", name="Match Day"))
    expect(goal).to_contain_text(f"By {match_day.day} March {year}")
    eras = phone.locator(".goal").filter(has_text="Residency application (ERAS) submitted")
    expect(eras).to_contain_text(f"By 15 September {year - 1}")
    assert fits_the_screen(phone)

    # a goal dated before the mentorship is refused with a clear message
    phone.get_by_text("Add a goal").tap()
    phone.locator("#new-title").fill("Observership in Boston")
    phone.locator("#new-due_on").fill(date(today.year - 1, 1, 5).isoformat())
    phone.get_by_role("button", name="Add goal").tap()
    expect(phone.locator(".error-summary")).to_contain_text("before the mentorship began")
    refused_form_answers(pages)

    url = f"/mentorships/{messages_thread_id(app)}"
    meet_and_log(pages, phone, desk, url, smtp, mentee, mentor, app)

    # messages: three from her, one batched mail to him; an empty one is refused
    phone.goto(url + "#messages")
    phone.get_by_role("button", name="Send").tap()
    expect(phone.locator(".error-summary")).to_contain_text("Write a message before sending it")
    refused_form_answers(pages)
    # so is one of 100 KB from a client that ignores the field's limit; nothing is saved
    phone.locator("#body").evaluate("field => field.removeAttribute('maxlength')")
    phone.get_by_label("Message", exact=True).fill("x" * 100_000)
    phone.get_by_role("button", name="Send").tap()
    expect(phone.locator(".error-summary")).to_contain_text("at most 10,000 characters")
    refused_form_answers(pages)
    assert message_count(app) == 0
    for body in ("Hello Irene!", "My Step 2 CK is booked for June.", "Could you read my CV?"):
        phone.get_by_label("Message", exact=True).fill(body)
        phone.get_by_role("button", name="Send").tap()
        expect(flash(phone, "Message sent.")).to_be_visible()
    smtp_before = len(smtp.received)
    with app.app_context():
        assert messages.send_digests().mails == 1  # what cron's `mentorships digest` runs
    [digest] = wait_for_mail(smtp, mentor.email, "new messages from Ana Sharma")
    assert "3 new messages" in digest.subject and "Step 2 CK" not in digest.body
    path = digest.link_path(live_server.url)
    phone.get_by_label("Message", exact=True).fill("One more thing: thank you!")
    phone.get_by_role("button", name="Send").tap()
    expect(flash(phone, "Message sent.")).to_be_visible()
    with app.app_context():
        assert messages.send_digests().mails == 0  # within 15 minutes of the last one
    assert len(smtp.received) == smtp_before + 1

    desk.goto(path)
    expect(desk.locator("#messages .message.unread")).to_have_count(4)
    desk.get_by_label("Message", exact=True).fill("Happy to. Send it over.")
    desk.get_by_role("button", name="Send").click()
    expect(desk.locator("#messages .message.unread")).to_have_count(0)
    expect(desk.locator("#messages")).to_contain_text("Could you read my CV?")

    # she completes it with a rating; he is told and rates it too
    phone.goto(url + "#close")
    phone.get_by_text("End this mentorship…").tap()
    phone.get_by_label("Goals met / completed").check()
    phone.locator("#close").get_by_label("5", exact=True).check()
    phone.get_by_role("button", name="End the mentorship", exact=True).tap()
    expect(flash(phone, "Your mentorship with Irene Mehta has ended")).to_be_visible()
    expect(phone.locator("#close")).to_contain_text("Goals met / completed")
    expect(phone.locator("#close")).to_contain_text("5 of 5")
    wait_for_mail(smtp, mentor.email, "has ended your mentorship")
    desk.goto(url)
    desk.locator("#close").get_by_label("4", exact=True).check()
    desk.get_by_role("button", name="Rate the mentorship").click()
    expect(flash(desk, "Thank you for your rating")).to_be_visible()
    expect(desk.locator("#close")).to_contain_text("4 of 5")
    pages.assert_no_console_errors()


def refused_form_answers(pages) -> None:
    """A refused form is answered 400 on purpose (the browser logs it): only those go."""
    expected = [e for e in pages.console_errors if "status of 400 (BAD REQUEST)" in e]
    assert len(expected) == 1, pages.console_errors
    pages.console_errors.remove(expected[0])


def meet_and_log(pages, phone, desk, url, smtp, mentee, mentor, app) -> None:
    """She proposes a meeting (after one in the past is refused), he moves it once, she
    accepts; every change mails both of them the invitation, and she logs it afterwards."""
    first_day, second_day = a_day_ahead(20), a_day_ahead(21)
    phone.goto(url)
    phone.get_by_role("link", name="Propose a meeting").tap()
    expect(phone.get_by_text("No meeting planned")).to_be_visible()
    phone.get_by_label("Time zone").select_option("Asia/Kolkata")
    phone.get_by_label("Day").fill((utcnow().date() - timedelta(days=1)).isoformat())
    phone.get_by_label("Starts at").fill("19:30")
    phone.get_by_label("Agenda").fill("US letters; my list of programmes")
    phone.get_by_role("button", name="Propose this meeting").tap()
    expect(phone.locator("#date-error")).to_contain_text("already passed")
    refused_form_answers(pages)
    assert meeting_count(app) == 0
    phone.get_by_label("Day").fill(first_day.isoformat())
    phone.get_by_role("button", name="Propose this meeting").tap()
    expect(flash(phone, "Meeting proposed")).to_be_visible()
    expect(phone.get_by_text("19:30 IST")).to_be_visible()
    assert fits_the_screen(phone)

    # he moves it to 08:00 the next day in New York
    desk.goto(url)
    desk.get_by_role("link", name="All meetings and their notes").click()
    waiting = desk.locator(".meeting-list li").filter(has_text="Waiting for you")
    waiting.get_by_role("link").first.click()
    desk.locator("summary", has_text="Propose another time").click()
    desk.get_by_label("Day").fill(second_day.isoformat())
    desk.get_by_label("Starts at").fill("08:00")
    desk.get_by_label("Time zone").select_option("America/New_York")
    desk.get_by_role("button", name="Propose this time").click()
    expect(flash(desk, "New time proposed")).to_be_visible()

    # she accepts the new time
    phone.reload()
    expect(phone.get_by_text("moved 1 time")).to_be_visible()
    phone.get_by_role("button", name="Accept this time").tap()
    expect(flash(phone, "Meeting accepted")).to_be_visible()

    # the invitations, as the SMTP server received them: proposed, moved, accepted
    new_york = datetime.combine(second_day, datetime.min.time()).replace(hour=8)
    expected_start = new_york.replace(tzinfo=ZoneInfo("America/New_York")).astimezone(UTC)
    for address in (mentee.email, mentor.email):
        deadline = utcnow().timestamp() + 10
        while len(invitations := [m for m in mails_to(smtp, address, "") if m.attachments()]) < 3:
            assert utcnow().timestamp() < deadline, [m.subject for m in smtp.received]
            threading.Event().wait(0.05)
        events = []
        for mail in invitations:
            [attachment] = mail.attachments()
            assert attachment.get_content_type() == "text/calendar"
            events.append(event_of(attachment.get_content()))
        assert [method for method, _ in events] == ["REQUEST"] * 3
        assert len({str(event["UID"]) for _, event in events}) == 1
        assert [int(event["SEQUENCE"]) for _, event in events] == [0, 1, 1]
        assert events[-1][1].decoded("DTSTART") == expected_start
        assert str(events[-1][1]["STATUS"]) == "CONFIRMED"

    # the meeting took place (two hours ago); she logs it, and he reads her log
    with app.app_context():
        db.session.execute(
            text("UPDATE meetings SET starts_at = :t"),
            {"t": datetime.now(UTC) - timedelta(hours=2)},
        )
        db.session.commit()
    phone.reload()
    phone.get_by_label("Notes").fill("Went through the programme list together.")
    phone.get_by_label("Next steps").fill("Ana asks two US attendings for letters.")
    phone.get_by_role("button", name="Save the log").tap()
    expect(flash(phone, "Meeting logged")).to_be_visible()
    desk.reload()
    expect(desk.locator("dd", has_text="Ana asks two US attendings for letters.")).to_be_visible()


def meeting_count(app) -> int:
    with app.app_context():
        return db.session.execute(text("SELECT count(*) FROM meetings")).scalar_one()


def message_count(app) -> int:
    with app.app_context():
        return db.session.execute(text("SELECT count(*) FROM messages")).scalar_one()


def messages_thread_id(app) -> int:
    with app.app_context():
        return db.session.execute(text("SELECT id FROM mentorships")).scalar_one()
