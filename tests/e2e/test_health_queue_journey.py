"""The work queue in headless chromium: a coordinator on a phone finds the pair whose mentee
answered the fit check with a 1 at the top, with its reason in words, nudges a pair that never
met, re-pairs the unhappy mentee to the engine's choice after a confirmation; the new mentor
accepts on a desktop, as with any proposal; the queue no longer lists the old pair."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, text

from mentormatch.extensions import db
from mentormatch.models import CheckIn, Meeting, Mentorship, User
from mentormatch.models.times import utcnow
from mentormatch.services import accounts, proposals
from mentormatch.services.mentorships import checkins
from mentormatch.services.rounds import publishing, transitions
from mentormatch.services.rounds.settings import parse_settings
from tests.e2e.conftest import DESKTOP, PHONE

PASSWORD = "e2e-correct-horse-battery"
COORDINATOR = "queue.coordinator@example.org"
SPECIALTIES = ("internal-medicine", "pediatrics", "psychiatry")
NAMES = ("Ana Sharma", "Ben Okafor", "Cho Lim")
MENTORS = ("Irene Mehta", "Paul Reyes", "Sam Lee")


def _person(email: str, name: str, role: str, specialty: str, **extra) -> int:
    user = accounts.register(accounts.NewAccount(email, PASSWORD, name, role))
    profile = user.mentee_profile if role == "mentee" else user.mentor_profile
    if role == "mentee":
        profile.specialty, profile.preferred_regions = specialty, ["NY"]
        profile.research_interests, profile.home_country = ["case-report"], "IN"
    else:
        profile.specialty, profile.state, profile.capacity = specialty, "NY", 1
        profile.research_interests = ["case-report"]
    for key, value in extra.items():
        setattr(profile, key, value)
    db.session.commit()
    return user.id


@pytest.fixture(scope="module")
def cohort(live_server) -> dict:
    """Three accepted pairs: Ana's never met (25 days), Ben's met once and Ben answered the
    fit check with a 1, Cho's accepted yesterday. A free internal-medicine mentor, Nora."""
    app = live_server.app
    with app.app_context():
        accounts.create_coordinator(
            accounts.NewAccount(COORDINATOR, PASSWORD, "Quinn Coordinator", "coordinator")
        )
        mentees = [
            _person(f"mentee{k}@example.org", NAMES[k], "mentee", s)
            for k, s in enumerate(SPECIALTIES)
        ]
        mentors = [
            _person(f"mentor{k}@example.org", MENTORS[k], "mentor", s)
            for k, s in enumerate(SPECIALTIES)
        ]
        matching_round = transitions.run_round_now(parse_settings({"name": "Spring"}), None)
        assert publishing.publish_round(matching_round.id) == 3
        ids = []
        for mentee_id, mentor_id in zip(mentees, mentors, strict=True):
            mentorship = db.session.scalar(
                select(Mentorship).where(Mentorship.mentee_id == mentee_id)
            )
            proposals.accept(mentorship.id, mentor_id)
            ids.append(mentorship.id)
        for mentorship_id, days in zip(ids, (25, 12, 1), strict=True):
            db.session.execute(
                text("UPDATE mentorships SET responded_at = :t WHERE id = :id"),
                {"t": utcnow() - timedelta(days=days), "id": mentorship_id},
            )
        db.session.execute(
            text(
                "INSERT INTO meetings (mentorship_id, starts_at, duration_minutes, time_zone, "
                "channel, agenda, status, uid, sequence, created_at, proposed_at) VALUES (:m, "
                ":t, 60, 'UTC', 'video', 'First', 'held', 'e2e-held-1', 0, :t, :t)"
            ),
            {"m": ids[1], "t": utcnow() - timedelta(days=3)},
        )
        db.session.commit()
        checkins.send_due()
        ben_check = db.session.scalar(
            select(CheckIn.id).where(CheckIn.user_id == mentees[1], CheckIn.kind == "fit")
        )
        checkins.answer(ben_check, ids[1], mentees[1], 1, "We never connect.")
        nora = _person("nora@example.org", "Nora Free", "mentor", "pediatrics")
        _person("otto@example.org", "Otto Far", "mentor", "dermatology", state="CA")
        return {"ids": ids, "mentees": mentees, "nora": nora}


def flash(page, text: str):
    return page.locator(".flash").filter(has_text=text)


def sign_in(page, email: str, name: str) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(flash(page, f"Signed in as {name}")).to_be_visible()


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.slow
def test_the_queue_nudges_and_re_pairs_on_a_phone(pages, live_server, cohort, tmp_path):
    page = pages.open("coordinator phone", PHONE)
    sign_in(page, COORDINATOR, "Quinn Coordinator")
    page.get_by_role("link", name="Work queue: pairs that need you").tap()
    items = page.locator("li.queue-item")
    expect(items).to_have_count(2)  # Cho's pair is on track
    first, second = items.nth(0), items.nth(1)
    expect(first).to_contain_text("At risk")
    expect(first).to_contain_text("Ben Okafor with Paul Reyes")
    expect(first).to_contain_text("A check-in answer says the fit is poor")
    expect(second).to_contain_text("Never met")
    expect(second).to_contain_text("No meeting held in the 25 days since the mentor accepted.")
    assert fits(page)
    page.screenshot(path=str(tmp_path / "queue-phone.png"), full_page=True)

    second.get_by_role("button", name="Nudge both").tap()
    expect(flash(page, "Ana Sharma and Irene Mehta were reminded to meet.")).to_be_visible()
    assert any("Time to meet" in m for m in live_server.mails_to("mentee0@example.org"))

    page.locator("li.queue-item").first.get_by_role("link", name="Notes & answers").tap()
    expect(page.locator(".check-in-answers")).to_contain_text("“We never connect.”")
    page.get_by_label("New note").fill("Called Ben: he would like someone else.")
    page.get_by_role("button", name="Save the note").tap()
    expect(flash(page, "Note saved.")).to_be_visible()
    expect(page.locator(".note")).to_contain_text("he would like someone else")
    assert fits(page)
    page.screenshot(path=str(tmp_path / "notes-phone.png"), full_page=True)
    page.get_by_role("link", name="Find Ben Okafor a new mentor").tap()
    expect(page.get_by_role("heading", name="A new mentor for Ben Okafor")).to_be_visible()
    best = page.locator(".repair-options li").first
    expect(best).to_contain_text("Nora Free")
    expect(best).to_contain_text("Engine’s choice")
    expect(best.locator("ul li").first).to_be_visible()  # the reasons, in words
    expect(page.locator(".repair-options")).not_to_contain_text("Paul Reyes")
    assert fits(page)
    page.screenshot(path=str(tmp_path / "repair-phone.png"), full_page=True)
    best.get_by_role("button", name="Propose Nora Free…").tap()
    expect(page.get_by_role("heading", name="Propose Nora Free?")).to_be_visible()
    expect(page.locator(".confirm")).to_contain_text("ends first (not a good fit)")
    page.get_by_role("button", name="Propose this mentor").tap()
    expect(flash(page, "Nora Free was proposed to Ben Okafor")).to_be_visible()
    expect(page.locator("li.queue-item").filter(has_text="Paul Reyes")).to_have_count(0)
    pages.assert_no_console_errors()

    mentor = pages.open("new mentor")
    sign_in(mentor, "nora@example.org", "Nora Free")
    proposal = mentor.locator("article.proposal").filter(has_text="Ben Okafor")
    proposal.get_by_role("button", name="Accept Ben Okafor").click()
    expect(flash(mentor, "You are now mentoring Ben Okafor")).to_be_visible()
    with live_server.app.app_context():
        statuses = {
            m.mentor_id: m.status
            for m in db.session.scalars(
                select(Mentorship).where(Mentorship.mentee_id == cohort["mentees"][1])
            )
        }
        nora = db.session.get(User, cohort["nora"])
        assert statuses[nora.id] == "accepted" and sorted(statuses.values()) == [
            "accepted",
            "ended",
        ]
    desktop = pages.open("coordinator desktop")
    sign_in(desktop, COORDINATOR, "Quinn Coordinator")
    desktop.goto("/coordinator/health?all=1")
    expect(desktop.locator("li.queue-item").filter(has_text="Nora Free")).to_contain_text(
        re.compile("On track")
    )
    desktop.screenshot(path=str(tmp_path / "queue-desktop.png"), full_page=True)

    # the ended pair's close-out survey: Ben answers it from the mail, on his phone
    with live_server.app.app_context():
        assert checkins.send_due().closeout == 1
        survey = db.session.scalar(
            select(CheckIn.id).where(
                CheckIn.user_id == cohort["mentees"][1], CheckIn.kind == "closeout"
            )
        )
    old = cohort["ids"][1]
    link = f"/mentorships/{old}/check-ins/{survey}"
    deadline = time.monotonic() + 10  # mail goes out from a background thread
    while not any(link in m for m in live_server.mails_to("mentee1@example.org")):
        assert time.monotonic() < deadline, "the close-out survey was not mailed"
        time.sleep(0.05)
    ben = pages.open("ben phone", PHONE)
    sign_in(ben, "mentee1@example.org", "Ben Okafor")
    ben.goto(link)
    expect(ben.get_by_role("heading", name="Close-out survey")).to_be_visible()
    expect(ben.locator(".lead")).to_contain_text("Your mentorship with Paul Reyes has ended.")
    ben.get_by_label("4", exact=True).check()
    ben.get_by_label("Comment (optional)").fill("Paul helped with my CV all the same.")
    assert fits(ben)
    ben.screenshot(path=str(tmp_path / "check-in-phone.png"), full_page=True)
    ben.get_by_role("button", name="Send my answer").tap()
    expect(
        flash(ben, "Thank you: your answer went to the programme's coordinators.")
    ).to_be_visible()
    pages.assert_no_console_errors()


def _history(app) -> int:
    """Six more pairs of the programme, accepted 80 days ago, meeting every 25 days, both
    sides answering the fit check (4s and 5s) and the mentees the 60-day pulse: enough for
    the dashboard's month ends and check-in figures to show. Returns the programme's id."""
    with app.app_context():
        now = utcnow()
        programme_id = db.session.scalar(select(Mentorship.programme_id).limit(1))
        for k in range(6):
            mentee = _person(f"steady{k}@example.org", f"Steady {k}", "mentee", "neurology")
            mentor = _person(f"guide{k}@example.org", f"Guide {k}", "mentor", "neurology")
            accepted = now - timedelta(days=80)
            mentorship = Mentorship(programme_id=programme_id, mentee_id=mentee,
                                    mentor_id=mentor, status="accepted", responded_at=accepted,
                                    ends_on=(now + timedelta(days=200)).date())  # fmt: skip
            db.session.add(mentorship)
            db.session.flush()
            for n, days in enumerate((5, 30, 55, 78)):
                db.session.add(Meeting(
                    mentorship_id=mentorship.id, starts_at=accepted + timedelta(days=days),
                    duration_minutes=45, time_zone="UTC", channel="video", agenda="Plan",
                    status="held", uid=f"e2e-steady-{k}-{n}", created_at=accepted,
                    proposed_at=accepted,
                ))  # fmt: skip
            for who, kind, number, score, day in (
                (mentee, "fit", 0, 4 + k % 2, 6), (mentor, "fit", 0, 5, 7),
                (mentee, "pulse", 1, 4, 61),
            ):  # fmt: skip
                db.session.add(CheckIn(
                    mentorship_id=mentorship.id, user_id=who, kind=kind, number=number,
                    created_at=accepted + timedelta(days=day - 1),
                    answered_at=accepted + timedelta(days=day), score=score,
                ))  # fmt: skip
        db.session.commit()
        return programme_id


@pytest.mark.slow
def test_the_dashboard_shows_health_over_time_and_check_in_scores(
    pages, live_server, cohort, tmp_path
):
    programme_id = _history(live_server.app)
    for label, device, name in (("phone", PHONE, "390"), ("desktop", DESKTOP, "1280")):
        page = pages.open(f"coordinator dashboard {label}", device)
        sign_in(page, COORDINATOR, "Quinn Coordinator")
        page.goto(f"/coordinator/programmes/{programme_id}/dashboard")
        health = page.locator("section:has(#section-health)")
        expect(health.get_by_role("heading", name="Pair health over time")).to_be_visible()
        chart = health.locator("svg.chart-stacked")
        expect(chart).to_be_visible()
        expect(chart.locator("rect.series-on-track").first).to_be_visible()
        # last month's end: the six steady pairs and the first test's pairs ran; the table
        # gives each state's share of them
        last = health.locator("tbody tr").last
        expect(last.locator("td").first).to_contain_text(re.compile(r"\d+% of \d+"))
        expect(health.locator("tbody tr").first).to_contain_text("fewer than 5 running")
        scores = page.locator("section:has(#section-check-ins)")
        expect(scores.get_by_role("heading", name="Check-in scores")).to_be_visible()
        fit = scores.locator("table").nth(1).locator("tr").filter(has_text="Fit check")
        expect(fit).to_contain_text(re.compile(r"4\.\d of 5"))
        expect(scores.locator("svg.chart-figures").first).to_be_visible()
        expect(page.locator("body")).not_to_contain_text("not recorded yet")
        assert fits(page)
        page.screenshot(path=str(tmp_path / f"dashboard-{name}.png"), full_page=True)
        health.screenshot(path=str(tmp_path / f"dashboard-health-{name}.png"))
        scores.screenshot(path=str(tmp_path / f"dashboard-check-ins-{name}.png"))
    # printed for a funder: both sections, their charts, no buttons
    page.emulate_media(media="print")
    expect(health.locator("svg.chart-stacked")).to_be_visible()
    expect(scores.locator("svg.chart-figures").first).to_be_visible()
    expect(page.locator(".report-tools")).to_be_hidden()
    page.screenshot(path=str(tmp_path / "dashboard-print.png"), full_page=True)
    pages.assert_no_console_errors()
