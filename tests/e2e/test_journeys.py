"""The three journeys of the service in headless chromium, against a real server.

1. A mentee signs up on a phone and completes the profile until it is ready for matching.
2. A coordinator imports mentees and mentors from CSV files, runs a round, follows its
   progress until the review appears, reads a pair's explanation and the charts, publishes.
3. A mentor from that import chooses a password from the invitation mail, signs in and
   accepts the proposal; the mentee of the pair then sees the mentor's email.

Journeys 2 and 3 share the module's server and database: the third continues the second.
"""

from __future__ import annotations

import re
import threading
from dataclasses import replace

import pytest
from playwright.sync_api import expect

from mentormatch import tasks
from mentormatch.services import accounts
from mentormatch.services.rounds import run as round_runner
from tests.e2e.conftest import PHONE, SAMPLE_FILES

PASSWORD = "e2e-correct-horse-battery"
ROUND_TIMEOUT_MS = 30_000

# In tests/data: Ravi Menon (cardiology, NY, 3 seats) is the only mentor with free seats;
# Aisha Khan (internal medicine, prefers NY, researches cardiology) is his best mentee.
MENTOR = {"name": "Dr Ravi Menon", "email": "ravi.menon@example.org"}
MENTEE = {"name": "Dr Aisha Khan", "email": "aisha.khan@example.org"}


@pytest.fixture(scope="module")
def programme() -> dict:
    """What the coordinator's journey leaves for the mentor's."""
    return {}


def fits_the_screen(page) -> bool:
    """True when the page needs no sideways scrolling."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def flash(page, text: str):
    return page.locator(".flash").filter(has_text=text)


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def accept_invitation(page, live_server, email: str) -> None:
    """Open the link of the invitation mail (written to the log) and choose a password."""
    page.goto(live_server.link_in_mail(email, "/auth/invitation/"))
    expect(page.get_by_role("heading", name="Welcome to MentorMatch")).to_be_visible()
    page.get_by_label("New password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the new password").fill(PASSWORD)
    page.get_by_role("button", name="Set my password and continue").click()
    expect(flash(page, "Your password is set and you are signed in")).to_be_visible()


# --- 1. a mentee on a phone --------------------------------------------------------------------


@pytest.mark.slow
def test_a_mentee_signs_up_on_a_phone_and_gets_ready_for_matching(pages):
    page = pages.open("mentee phone", PHONE)
    response = page.goto("/")
    # the policy under which the console must stay free of errors
    assert "script-src 'self'" in response.headers.get("content-security-policy", "")
    page.get_by_role("link", name="Join", exact=True).tap()

    expect(page.get_by_role("heading", name="Join MentorMatch")).to_be_visible()
    assert fits_the_screen(page)
    page.get_by_label("Mentee: an IMG looking for guidance").check()
    page.get_by_label("Full name").fill("Dr Leila Haddad")
    page.get_by_label("Email").fill("leila.haddad@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").tap()

    expect(page).to_have_url(re.compile(r"/mentee/$"))
    expect(page.get_by_role("heading", name="Welcome, Dr Leila Haddad")).to_be_visible()
    expect(flash(page, "Your account is ready")).to_be_visible()
    expect(page.get_by_text("Still needed for matching")).to_be_visible()
    assert fits_the_screen(page)
    page.get_by_role("link", name="Complete your profile").tap()

    expect(page.get_by_role("heading", name="Your IMG profile")).to_be_visible()
    assert fits_the_screen(page)
    page.get_by_label("Home country").select_option(label="Egypt")
    page.get_by_label("Medical school").fill("Cairo University")
    page.get_by_label("Graduation year").fill("2019")
    page.get_by_label("Degree").select_option("mbbs")
    page.get_by_label("Specialty interest").select_option(label="Psychiatry")
    # States sit in a collapsed section per census division: open it, then tick the state.
    page.locator("summary", has_text="Middle Atlantic").tap()
    page.get_by_label("New York", exact=True).check()
    # Research interests sit in collapsed groups (study types, topics, specialties).
    page.locator("summary", has_text="Study types").tap()
    page.get_by_label("Quality improvement", exact=True).check()
    page.locator("summary", has_text="Topics").first.tap()
    page.get_by_label("Health equity", exact=True).check()
    page.get_by_label("Other research topics (free text)").fill("refugee mental health")
    page.get_by_label("Residency match", exact=True).check()
    page.get_by_label("Research guidance", exact=True).check()
    page.get_by_label("Hours per month you can give to mentorship").fill("8")
    page.get_by_label("Languages").fill("Arabic; English")
    page.get_by_role("button", name="Save profile").tap()

    expect(page).to_have_url(re.compile(r"/mentee/$"))
    expect(flash(page, "Profile saved.")).to_be_visible()
    expect(page.get_by_text("Ready for matching.")).to_be_visible()
    expect(page.get_by_text("Still needed for matching")).to_have_count(0)
    assert fits_the_screen(page)

    page.get_by_role("link", name="Edit your profile").tap()  # what was saved comes back
    expect(page.get_by_label("Specialty interest")).to_have_value("psychiatry")
    expect(page.get_by_label("New York", exact=True)).to_be_checked()
    expect(page.get_by_label("Health equity", exact=True)).to_be_checked()
    pages.assert_no_console_errors()


# --- 2. a coordinator runs and publishes a round ----------------------------------------------


def import_file(page, kind: str, name: str, *, dry_run: bool) -> None:
    page.get_by_label(kind, exact=True).check()
    page.get_by_label("CSV file", exact=True).set_input_files(SAMPLE_FILES / name)
    page.get_by_label("Only check the file").set_checked(dry_run)
    page.get_by_role("button", name="Import", exact=True).click()


def components_of(row) -> tuple[float, list[tuple[float, float]]]:
    """The score of a row of the pairs table and each component's (value, what it adds)."""
    cells = row.locator("td")
    score = float(cells.nth(2).locator("strong").inner_text())
    parts = []
    for index in range(3, 6):
        text = cells.nth(index).inner_text()
        value = re.match(r"\s*([\d.]+)", text)
        adds = re.search(r"adds ([\d.]+)", text)
        assert value and adds, text
        parts.append((float(value.group(1)), float(adds.group(1))))
    return score, parts


@pytest.fixture
def round_gate(monkeypatch):
    """Holds each round's run until the test opens the gate, so the progress page is seen
    while the round is still running (a small round would otherwise finish first)."""
    gate = threading.Event()
    task = tasks.registered(round_runner.RUN_TASK)

    def gated(round_id: int) -> None:
        gate.wait(timeout=ROUND_TIMEOUT_MS / 1000)
        task.function(round_id)

    monkeypatch.setitem(tasks.TASKS, task.name, replace(task, function=gated))
    yield gate
    gate.set()


@pytest.mark.slow
def test_a_coordinator_imports_people_runs_a_round_and_publishes_it(
    pages, live_server, round_gate, programme
):
    with live_server.app.app_context():
        accounts.create_coordinator(
            accounts.NewAccount(
                "coordinator@example.org", PASSWORD, "Grace Coordinator", "coordinator"
            )
        )
    page = pages.open("coordinator")
    sign_in(page, "coordinator@example.org")
    expect(flash(page, "Signed in as Grace Coordinator")).to_be_visible()

    page.get_by_role("link", name="Import / export").click()
    expect(page.get_by_role("heading", name="Import and export people")).to_be_visible()
    import_file(page, "Mentees", "mentees.csv", dry_run=True)
    expect(page.get_by_role("heading", name="Check passed")).to_be_visible()
    expect(page.get_by_text("Check passed for 3 mentee rows; nothing was saved.")).to_be_visible()
    import_file(page, "Mentees", "mentees.csv", dry_run=False)
    expect(flash(page, "Imported 3 mentee rows: 3 created")).to_be_visible()
    import_file(page, "Mentors", "mentors.csv", dry_run=False)
    expect(flash(page, "Imported 2 mentor rows: 2 created")).to_be_visible()

    page.get_by_role("link", name="Rounds", exact=True).click()
    page.get_by_role("link", name="New round").click()
    page.get_by_label("Round name").fill("Spring main round")
    with page.expect_response(re.compile(r"/progress$"), timeout=ROUND_TIMEOUT_MS) as polled:
        page.get_by_role("button", name="Create and run").click()
        expect(page.get_by_role("heading", name="Running", exact=True)).to_be_visible()
        expect(page.get_by_role("progressbar", name="Progress of the run")).to_be_visible()
    assert polled.value.ok and polled.value.json()["done"] is False
    round_gate.set()  # the page polls on its own and shows the review when the run ends
    expect(page.get_by_role("heading", name="Proposed pairs", exact=True)).to_be_visible(
        timeout=ROUND_TIMEOUT_MS
    )
    expect(page.get_by_role("heading", name="Spring main round")).to_contain_text("proposed")

    charts = page.locator("svg.chart")
    assert charts.count() >= 3
    for index in range(charts.count()):
        expect(charts.nth(index)).to_be_visible()
        box = charts.nth(index).bounding_box()
        assert box and box["width"] > 50 and box["height"] > 10, box
    expect(page.get_by_role("img", name="Coverage")).to_be_visible()

    page.get_by_label("Mentee or mentor name or email").fill("Aisha")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text('1 pair match "Aisha"')).to_be_visible()
    row = page.locator("table.pairs tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(MENTEE["name"])
    expect(row).to_contain_text(MENTOR["name"])
    score, parts = components_of(row)
    (specialty, _), (region, _), (research, _) = parts
    assert (specialty, region) == (0.7, 1.0)  # cardiology is internal medicine; NY preferred
    assert 0 < research < 1
    # the page says the adds sum to the score (each shown rounded)
    assert sum(adds for _, adds in parts) == pytest.approx(score, abs=0.01)

    publish = page.get_by_role("button", name=re.compile(r"^Publish \d+ proposals?…$"))
    published = int(re.search(r"\d+", publish.inner_text()).group())
    publish.click()  # a confirmation first: it says how many people are emailed
    page.get_by_role("button", name=re.compile(r"^Publish and email \d+ (person|people)$")).click()
    expect(flash(page, f"Published: {published} proposal")).to_be_visible()
    expect(page.get_by_role("heading", name="Spring main round")).to_contain_text("published")
    programme["published"] = True
    pages.assert_no_console_errors()


# --- 3. the mentor accepts, the mentee sees the contact ----------------------------------------


@pytest.mark.slow
def test_the_mentor_accepts_and_the_mentee_sees_the_mentors_contact(pages, live_server, programme):
    if not programme.get("published"):
        pytest.fail(
            "This journey continues the coordinator's, which did not publish a round: run "
            "both (-k 'coordinator or mentor_accepts').",
            pytrace=False,
        )
    mentor = pages.open("mentor")
    accept_invitation(mentor, live_server, MENTOR["email"])
    mentor.get_by_role("button", name="Sign out").click()
    expect(flash(mentor, "You are signed out.")).to_be_visible()
    sign_in(mentor, MENTOR["email"])

    expect(mentor).to_have_url(re.compile(r"/mentor/$"))
    proposal = mentor.locator("article.proposal").filter(has_text=MENTEE["name"])
    expect(proposal).to_contain_text("Why you were matched")
    expect(proposal).not_to_contain_text(MENTEE["email"])  # shared only once accepted
    proposal.get_by_role("button", name=f"Accept {MENTEE['name']}").click()
    expect(flash(mentor, f"You are now mentoring {MENTEE['name']}")).to_be_visible()
    mentees = mentor.locator("article.mentorship").filter(has_text=MENTEE["name"])
    expect(mentees.get_by_role("link", name=MENTEE["email"])).to_be_visible()

    mentee = pages.open("mentee phone", PHONE)
    accept_invitation(mentee, live_server, MENTEE["email"])
    expect(mentee).to_have_url(re.compile(r"/mentee/$"))
    card = mentee.locator("article.mentor-status")
    expect(card.get_by_role("heading", name="Your mentor")).to_be_visible()
    expect(card).to_contain_text("Active")
    expect(card).to_contain_text(MENTOR["name"])
    contact = card.get_by_role("link", name=MENTOR["email"])
    expect(contact).to_be_visible()
    expect(contact).to_have_attribute("href", f"mailto:{MENTOR['email']}")
    pages.assert_no_console_errors()
