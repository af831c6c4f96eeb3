"""A coordinator uploads a round's rank lists in headless chromium: the first file has a bad
row, the page names it (row, column, value, what is expected) and saves nothing; the fixed
file passes the check, the confirmation says whose lists it replaces, and the import saves
them. On a desktop, then the problems again on a phone."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from mentormatch.extensions import db
from mentormatch.models import MenteeRanking, MentorProfile, User
from mentormatch.services import accounts
from mentormatch.services.preferences import choices, windows
from mentormatch.services.rounds import transitions
from mentormatch.services.rounds.settings import parse_settings
from tests.e2e.conftest import PHONE

PASSWORD = "e2e-correct-horse-battery"
COORDINATOR = "ranks.coord@example.org"
MENTEES = ("Asha Rao", "Bo Chen")
MENTORS = ("Ines Alvarez", "Jon Berg", "Kemi Cole")
SHOTS = os.environ.get("MENTORMATCH_SCREENSHOTS")  # a folder: save the pages' screenshots


def _email(name: str) -> str:
    return name.lower().replace(" ", ".") + "@example.org"


def _file(*rows: tuple[str, str, int]) -> dict:
    text = "mentee_email,mentor_email,rank\n" + "".join(
        f"{_email(mentee)},{mentor if '@' in mentor else _email(mentor)},{rank}\n"
        for mentee, mentor, rank in rows
    )
    return {"name": "survey-ranks.csv", "mimeType": "text/csv", "buffer": text.encode()}


@pytest.fixture(scope="module")
def draft_round(live_server) -> int:
    """Two mentees and three mentors of the programme, a draft round whose window is open,
    where Bo has ranked Kemi Cole first on the site."""
    app = live_server.app
    with app.app_context():
        accounts.create_coordinator(
            accounts.NewAccount(COORDINATOR, PASSWORD, "Rae Coordinator", "coordinator")
        )
        for name in MENTORS:
            accounts.register(accounts.NewAccount(_email(name), PASSWORD, name, "mentor"))
        for name in MENTEES:
            accounts.register(accounts.NewAccount(_email(name), PASSWORD, name, "mentee"))
        for profile in db.session.scalars(select(MentorProfile)):
            profile.specialty, profile.state, profile.capacity = "internal-medicine", "NY", 2
            profile.research_interests = ["case-report"]
        db.session.commit()
        round_id = transitions.create_round(parse_settings({"name": "Survey round"}), None).id
        now = datetime.now(UTC)
        windows.set_window(round_id, None, now - timedelta(hours=1), now + timedelta(days=3))
        ids = {u.full_name: u.id for u in db.session.scalars(select(User))}
        choices.save_ranking(ids["Bo Chen"], round_id, [ids["Kemi Cole"]])
        return round_id


def sign_in(page, email: str) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".flash").filter(has_text="Signed in")).to_be_visible()


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def _lists(app, round_id: int) -> dict[str, list[str]]:
    with app.app_context():
        names = {u.id: u.full_name for u in db.session.scalars(select(User))}
        rows = db.session.scalars(
            select(MenteeRanking)
            .where(MenteeRanking.round_id == round_id)
            .order_by(MenteeRanking.mentee_id, MenteeRanking.rank)
        )
        found: dict[str, list[str]] = {}
        for row in rows:
            found.setdefault(names[row.mentee_id], []).append(names[row.mentor_id])
        return found


@pytest.mark.slow
def test_a_coordinator_fixes_a_bad_row_and_imports_the_rank_lists(pages, live_server, draft_round):
    desk = pages.open("coordinator")
    sign_in(desk, COORDINATOR)
    desk.goto(f"/coordinator/rounds/{draft_round}")
    desk.get_by_role("link", name=re.compile("Mentees' choices")).click()
    expect(desk.get_by_role("heading", name="Import rank lists from a CSV file")).to_be_visible()
    shot(desk, "rank-import-page-1280")

    bad = _file(
        ("Asha Rao", "Jon Berg", 1),
        ("Asha Rao", "ines.alvarez@example.com", 2),  # a typo in the domain
        ("Bo Chen", "Ines Alvarez", 1),
        ("Bo Chen", "Kemi Cole", 2),
    )
    desk.get_by_label("CSV file of rank lists").set_input_files(bad)
    desk.get_by_role("button", name="Check the file").click()
    expect(desk.get_by_role("heading", name="Problems in survey-ranks.csv")).to_be_visible()
    expect(desk.get_by_text("Nothing was saved: 1 problem in 1 row.")).to_be_visible()
    problem = desk.locator("table.problems tbody tr")
    expect(problem).to_have_count(1)
    expect(problem).to_contain_text("3")
    expect(problem).to_contain_text("mentor_email")
    expect(problem).to_contain_text("ines.alvarez@example.com")
    expect(problem).to_contain_text("a mentor who is an active member of")
    shot(desk, "rank-import-problems-1280")
    assert _lists(live_server.app, draft_round) == {"Bo Chen": ["Kemi Cole"]}

    fixed = _file(
        ("Asha Rao", "Jon Berg", 1),
        ("Asha Rao", "Ines Alvarez", 2),
        ("Bo Chen", "Ines Alvarez", 1),
        ("Bo Chen", "Kemi Cole", 2),
    )
    desk.get_by_label("CSV file of rank lists").set_input_files(fixed)
    desk.get_by_role("button", name="Check the file").click()
    expect(desk.get_by_role("heading", name="Ready to import survey-ranks.csv")).to_be_visible()
    expect(
        desk.get_by_text("Check passed: 4 ranks for 2 mentees; nothing was saved.")
    ).to_be_visible()
    expect(
        desk.get_by_text(re.compile("1 of these mentees has a rank list in this round now"))
    ).to_be_visible()
    shot(desk, "rank-import-confirm-1280")
    assert _lists(live_server.app, draft_round) == {"Bo Chen": ["Kemi Cole"]}
    desk.get_by_role("button", name="Import 2 rank lists, replacing 1").click()
    expect(desk.locator(".flash")).to_contain_text("Imported 4 ranks for 2 mentees")
    expect(desk.get_by_text(re.compile("2 mentees ranked 4 mentors in all"))).to_be_visible()
    shot(desk, "rank-import-done-1280")
    assert _lists(live_server.app, draft_round) == {
        "Asha Rao": ["Jon Berg", "Ines Alvarez"],
        "Bo Chen": ["Ines Alvarez", "Kemi Cole"],
    }

    phone = pages.open("coordinator on a phone", PHONE)
    sign_in(phone, COORDINATOR)
    phone.goto(f"/coordinator/rounds/{draft_round}/preferences")
    shot(phone, "rank-import-page-390")
    phone.get_by_label("CSV file of rank lists").set_input_files(
        _file(("Asha Rao", "Jon Berg", 1), ("Asha Rao", "Kemi Cole", 3))
    )
    phone.get_by_role("button", name="Check the file").click()
    expect(phone.locator("table.problems")).to_contain_text("without a gap")
    shot(phone, "rank-import-problems-390")
    phone.get_by_label("CSV file of rank lists").set_input_files(
        _file(("Asha Rao", "Jon Berg", 1), ("Asha Rao", "Kemi Cole", 2))
    )
    phone.get_by_role("button", name="Check the file").click()
    expect(phone.get_by_role("button", name="Replace 1 rank list")).to_be_visible()
    shot(phone, "rank-import-confirm-390")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px phone"
    phone.get_by_role("link", name="Cancel").click()
    expect(phone.get_by_role("button", name="Check the file")).to_be_visible()
    assert _lists(live_server.app, draft_round)["Asha Rao"] == ["Jon Berg", "Ines Alvarez"]
    pages.assert_no_console_errors()
