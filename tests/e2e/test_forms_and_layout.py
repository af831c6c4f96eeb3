"""Long forms, long names, the header, wide tables and the import page, in headless chromium on
a phone (390 px) and a desktop (1280 px)."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from mentormatch.extensions import db
from mentormatch.models import User
from mentormatch.services import accounts
from tests.e2e.conftest import DESKTOP, PHONE

PASSWORD = "e2e-correct-horse-battery"
# The longest name an account may have (200 characters; PostgreSQL holds the column to it),
# with no space to break at.
LONG_NAME = ("Dr " + "Abcdefghij" * 20)[:200]

pytestmark = pytest.mark.slow


def person(live_server, role: str, email: str, full_name: str = "Dr Test Person") -> int:
    with live_server.app.app_context():
        found = accounts.find_by_email(email)
        if found is not None:
            return found.id
        account = accounts.NewAccount(email, PASSWORD, "Placeholder", role)
        if role == "coordinator":
            user = accounts.create_coordinator(account)
        else:
            user = accounts.register(account)
        db.session.get(User, user.id).full_name = full_name  # longer than a form allows
        db.session.commit()
        return user.id


def sign_in(page, email: str) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".flash").filter(has_text="Signed in as")).to_be_visible()


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def in_viewport(locator) -> bool:
    box = locator.bounding_box()
    size = locator.page.viewport_size
    return (
        box is not None and box["y"] >= 0 and box["y"] + min(box["height"], 40) <= size["height"]
    )


# --- item 8: a refused form says everything at its top --------------------------------------


@pytest.mark.parametrize("device", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_refused_profile_starts_at_its_problems_and_each_links_to_its_field(
    pages, live_server, device
):
    email = f"step2-{device['viewport']['width']}@example.org"
    person(live_server, "mentee", email)
    page = pages.open("mentee", device)
    sign_in(page, email)
    page.goto("/mentee/profile")
    page.get_by_label("USMLE Step 2 CK").select_option("score")
    page.get_by_label("Step 2 CK score").fill("4000")
    page.get_by_label("Graduation year").fill("1950")
    page.get_by_role("button", name="Save profile").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # a screen reader starts here too
    assert in_viewport(summary) and page.evaluate("window.scrollY") == 0
    expect(summary.get_by_role("heading")).to_have_text("2 problems to fix")
    link = summary.get_by_role("link", name=re.compile(r"^Step 2 CK score: Give the Step 2 CK"))
    expect(link).to_be_visible()
    field = page.get_by_label("Step 2 CK score")
    assert not in_viewport(field)  # far down the page
    link.click()
    expect(field).to_be_focused()
    assert in_viewport(field)
    expect(page.locator("#usmle_step2ck_score-error")).to_contain_text("from 180 to 300")
    assert fits_the_screen(page)


def test_without_javascript_the_problems_are_still_the_first_thing_on_the_page(
    chromium, live_server
):
    email = "nojs@example.org"
    person(live_server, "mentor", email)
    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False, **PHONE)
    try:
        page = context.new_page()
        sign_in(page, email)
        page.goto("/mentor/profile")
        page.get_by_label("How many mentees can you take at once?").fill("-1")
        page.get_by_role("button", name="Save profile").click()
        summary = page.locator("[data-error-summary]")
        expect(summary).to_contain_text("Must be 0 to 20 (0 pauses matching); got -1.")
        assert in_viewport(summary)
        summary.get_by_role("link").click()  # a plain link to the field
        assert page.url.endswith("#capacity")
        assert in_viewport(page.get_by_label("How many mentees can you take at once?"))
    finally:
        context.close()


def test_a_cleared_capacity_is_refused_and_kept(pages, live_server):
    email = "cleared@example.org"
    person(live_server, "mentor", email)
    page = pages.open("mentor", PHONE)
    sign_in(page, email)
    page.goto("/mentor/profile")
    page.get_by_label("How many mentees can you take at once?").fill("")
    page.get_by_role("button", name="Save profile").click()
    expect(page.locator("[data-error-summary]")).to_contain_text(
        "Required: a whole number from 0 to 20 (0 pauses matching)."
    )
    page.goto("/mentor/")
    expect(page.locator(".seats dd").first).to_have_text("2")  # the default, unchanged


# --- item 9: research interests in groups -----------------------------------------------------


def test_research_interests_in_groups_keep_the_phone_profile_short(pages, live_server):
    email = "groups@example.org"
    person(live_server, "mentee", email)
    page = pages.open("mentee phone", PHONE)
    sign_in(page, email)
    page.goto("/mentee/profile")
    height = page.evaluate("document.documentElement.scrollHeight")
    print(f"\nA new mentee's profile form on a 390 px phone: {height} px tall")
    assert height < 6000  # the flat list of 56 boxes made it about 7,600
    case_report = page.get_by_label("Case report", exact=True)
    expect(case_report).to_be_hidden()
    summary = page.locator("summary", has_text="Study types")
    expect(summary).to_contain_text("(0 chosen)")
    summary.tap()
    case_report.check()
    expect(summary).to_contain_text("(1 chosen)")
    assert fits_the_screen(page)


# --- item 11: long names, the header, wide tables, the import page ----------------------------


@pytest.mark.parametrize("device", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_longest_name_wraps_in_headings_and_tables(pages, live_server, device):
    mentee_id = person(live_server, "mentee", "long.name@example.org", LONG_NAME)
    person(live_server, "coordinator", "coordinator@example.org", "Grace Coordinator")
    page = pages.open("coordinator", device)
    sign_in(page, "coordinator@example.org")
    page.goto("/coordinator/mentees?query=abcdefghij")
    expect(page.get_by_role("link", name=LONG_NAME)).to_be_visible()
    assert fits_the_screen(page)
    cell = page.locator("td.long-text").first.bounding_box()
    table = page.locator(".table-wrap").first.bounding_box()
    assert cell["x"] + cell["width"] <= table["x"] + table["width"] + 1
    page.goto(f"/people/{mentee_id}")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(LONG_NAME)
    assert heading.bounding_box()["width"] <= device["viewport"]["width"]
    assert fits_the_screen(page)

    mentor = pages.open("mentor", device)
    person(live_server, "mentor", "long.mentor@example.org", LONG_NAME)
    sign_in(mentor, "long.mentor@example.org")  # "Welcome, <name>" and the flash
    expect(mentor.get_by_role("heading", name=f"Welcome, {LONG_NAME}")).to_be_visible()
    assert fits_the_screen(mentor)


def test_the_coordinators_links_fit_one_line_at_1280_and_fold_on_a_phone(pages, live_server):
    person(live_server, "coordinator", "coordinator@example.org", "Grace Coordinator")
    desktop = pages.open("desktop", DESKTOP)
    sign_in(desktop, "coordinator@example.org")
    tops = desktop.locator(".nav-links > li").evaluate_all(
        "items => items.map(item => Math.round(item.getBoundingClientRect().top))"
    )
    assert len(tops) >= 10 and len(set(tops)) == 1, tops  # all on one line
    assert desktop.locator(".site-header").bounding_box()["height"] < 70
    expect(desktop.get_by_role("button", name="Menu")).to_be_hidden()

    phone = pages.open("phone", PHONE)
    sign_in(phone, "coordinator@example.org")
    rounds = phone.get_by_role("link", name="Rounds", exact=True)
    expect(rounds).to_be_hidden()
    menu = phone.get_by_role("button", name="Menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    menu.tap()
    expect(menu).to_have_attribute("aria-expanded", "true")
    rounds.tap()
    expect(phone.get_by_role("heading", name="Matching rounds")).to_be_visible()
    assert fits_the_screen(phone)
    pages.assert_no_console_errors()


def test_a_table_wider_than_a_phone_scrolls_and_says_so(pages, live_server):
    person(live_server, "mentee", "wide.table@example.org", "Dr Wide Table")
    person(live_server, "coordinator", "coordinator@example.org", "Grace Coordinator")
    phone = pages.open("phone", PHONE)
    sign_in(phone, "coordinator@example.org")
    phone.goto("/coordinator/mentees")
    wrap = phone.locator(".table-wrap").first
    assert wrap.evaluate("w => w.scrollWidth > w.clientWidth")
    assert fits_the_screen(phone)  # the table scrolls inside its frame, not the page
    expect(phone.get_by_text("The table is wider than the screen")).to_be_visible()
    expect(wrap).to_have_attribute("tabindex", "0")
    assert "gradient" in wrap.evaluate("w => getComputedStyle(w).backgroundImage")

    desktop = pages.open("desktop", DESKTOP)
    sign_in(desktop, "coordinator@example.org")
    desktop.goto("/coordinator/mentees")
    assert not desktop.locator(".table-wrap").first.evaluate("w => w.scrollWidth > w.clientWidth")
    expect(desktop.get_by_text("The table is wider than the screen")).to_be_hidden()
    pages.assert_no_console_errors()


@pytest.mark.parametrize("device", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_import_page_offers_templates_states_formats_and_caps_its_report(
    pages, live_server, device
):
    person(live_server, "coordinator", "coordinator@example.org", "Grace Coordinator")
    page = pages.open("coordinator", device)
    sign_in(page, "coordinator@example.org")
    page.goto("/coordinator/import")
    formats = page.get_by_label("Accepted files")
    expect(formats).to_contain_text("UTF-8, UTF-16, Windows-1252")
    expect(formats).to_contain_text("comma, semicolon or tab")
    expect(formats).to_contain_text("up to 5 MB")
    assert fits_the_screen(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Mentee template (CSV)").click()
    template = download.value
    assert template.suggested_filename == "mentormatch-mentees-template.csv"
    text = template.path().read_text(encoding="utf-8-sig")
    header, example = list(csv.reader(io.StringIO(text)))
    assert header[:6] == [
        "email", "full_name", "home_country", "specialty", "preferred_regions",
        "research_interests",
    ]  # fmt: skip
    assert len(example) == len(header)

    rows = "".join(f"p{i}@example.org,P {i},ZZ,dentistry,,knitting\n" for i in range(150))
    bad = "email,full_name,home_country,specialty,preferred_regions,research_interests\n" + rows
    page.locator("#csv_file").set_input_files(
        files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": bad.encode("cp1252")}]
    )
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_text("Nothing was saved: 450 problems in 150 rows.")).to_be_visible()
    expect(page.locator("table.problems tbody tr")).to_have_count(200)
    expect(page.locator("#problems-shown")).to_contain_text("250 more problems in 84 rows")
    assert fits_the_screen(page)
