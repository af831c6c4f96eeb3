"""Outcomes in headless chromium: a mentee on her phone records her Match result and shares it;
a coordinator at a desktop finds it from her profile and verifies it; the mentee corrects its
date (the edit form warns that a change ends the verification, and it does); the coordinator
edits it too, ticking "verified" again; the programme's dashboard (counting verified results
only) then shows it in its match rate, as a chart and in its table, on a phone and a desktop
without sideways scrolling; the CSV holds the same figure.

Four other mentees of the programme have verified results already, so the journey's mentee is
the fifth: before her result is verified the figure reads "fewer than 5".
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from mentormatch.extensions import db
from mentormatch.models import User
from mentormatch.services.outcomes import records
from tests.e2e.conftest import PHONE
from tests.helpers import TEST_PASSWORD, make_user
from tests.proposal_helpers import person


def sign_in(page, email: str) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def shot(page, folder: Path, name: str) -> None:
    """A full-page screenshot to look at (MENTORMATCH_TEST_SCREENSHOTS names the folder)."""
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def verified_results(app, coordinator_id: int, results: list[str]) -> None:
    with app.app_context():
        coordinator = db.session.get(User, coordinator_id)
        for k, result in enumerate(results):
            someone = person(app, "mentee", f"Earlier Mentee {k}")
            mentee = db.session.get(User, someone.id)
            raw = {
                "kind": "match-result",
                "achieved_on": "2026-03-20",
                "match_result": result,
                "match_year": "2026",
                "specialty": "" if result == "not-matched" else "internal-medicine",
            }
            outcome = records.record(mentee.id, mentee, records.parse(raw, date(2026, 12, 1)))
            records.verify(outcome.id, coordinator)  # fmt: skip


@pytest.mark.slow
def test_a_match_result_recorded_verified_and_on_the_dashboard(pages, live_server, tmp_path):
    app = live_server.app
    shots = Path(os.environ.get("MENTORMATCH_TEST_SCREENSHOTS") or tmp_path)
    coordinator_id, coordinator_email = make_user(app, "coordinator")
    verified_results(app, coordinator_id, ["matched", "matched", "soap", "not-matched"])
    mentee_person = person(app, "mentee", "Leila Haddad", specialty="pediatrics")

    # the mentee, on her phone, records her Match result
    mentee = pages.open("mentee phone", PHONE)
    sign_in(mentee, mentee_person.email)
    mentee.get_by_role("button", name="Menu").click()  # the phone folds the links behind it
    mentee.get_by_role("link", name="Outcomes").click()
    expect(mentee.get_by_role("heading", name="Your outcomes")).to_be_visible()
    mentee.get_by_label("What you achieved").select_option(label="Match result")
    mentee.get_by_label("Date").fill("2026-03-02")  # a slip: Match Day was the 20th
    mentee.get_by_label("Match result").select_option(label="Matched in the Main Residency Match")
    mentee.get_by_label("Match year").fill("2026")
    mentee.get_by_role("button", name="Record").click()
    # the form names what is missing: the specialty she matched into
    expect(mentee.get_by_text("Give the specialty you matched into.").first).to_be_visible()
    mentee.get_by_label("Specialty").select_option(label="Pediatrics")
    mentee.get_by_role("button", name="Record").click()
    expect(mentee.locator(".flash").filter(has_text="Recorded: Match result.")).to_be_visible()
    entry = mentee.locator(".outcome").first
    expect(entry).to_contain_text("Matched in the Main Residency Match (2026)")
    expect(entry).to_contain_text("not verified yet")
    mentee.get_by_label("Share my outcomes with my mentor").check()
    mentee.get_by_role("button", name="Save sharing").click()
    expect(mentee.get_by_text("Your mentor can now see your outcomes.")).to_be_visible()
    assert fits_the_screen(mentee)
    shot(mentee, shots, "mentee-outcomes-390")

    # the coordinator finds it from her profile and verifies it
    coordinator = pages.open("coordinator desktop")
    sign_in(coordinator, coordinator_email)
    coordinator.goto("/coordinator/dashboard?verified=1")
    headline = coordinator.locator(".headline").filter(has_text="Match rate")
    expect(headline).to_contain_text("fewer than 5")  # four verified results so far
    coordinator.goto(f"/people/{mentee_person.id}")
    expect(coordinator.get_by_role("heading", name="Outcomes")).to_be_visible()
    coordinator.get_by_role("link", name="Record or verify outcomes").click()
    expect(coordinator.get_by_role("heading", name="Outcomes of Leila Haddad")).to_be_visible()
    coordinator.get_by_role("button", name="Verify").click()
    expect(coordinator.locator(".flash").filter(has_text="Outcome verified.")).to_be_visible()
    expect(coordinator.locator(".outcome").first).to_contain_text("verified by a coordinator")
    assert fits_the_screen(coordinator)
    shot(coordinator, shots, "mentee-outcomes-coordinator-1280")

    # she corrects the date on her phone: the form says first that the change ends the
    # verification, and the flash says it did
    mentee.reload()
    expect(mentee.locator(".outcome").first).to_contain_text("verified by a coordinator")
    mentee.get_by_role("link", name="Edit Match result of 02 Mar 2026").click()
    expect(mentee.get_by_role("heading", name="Edit an outcome")).to_be_visible()
    expect(mentee.locator("#verified-notice")).to_contain_text(
        "it will no longer be verified until a coordinator")  # fmt: skip
    expect(mentee.get_by_label("Date")).to_have_value("2026-03-02")
    expect(mentee.get_by_label("Specialty")).to_have_value("pediatrics")
    mentee.get_by_label("Date").fill("2026-03-20")
    assert fits_the_screen(mentee)
    shot(mentee, shots, "outcome-edit-390")
    mentee.get_by_role("button", name="Save changes").click()
    expect(mentee.locator(".flash")).to_contain_text(
        "Saved: Match result. Changed: date. It is no longer verified until a coordinator"
    )
    entry = mentee.locator(".outcome").first
    expect(entry).to_contain_text("20 Mar 2026")
    expect(entry).to_contain_text("not verified yet")
    assert fits_the_screen(mentee)
    shot(mentee, shots, "outcome-edited-390")

    # the coordinator edits it too: ticking "verified" again keeps it verified
    coordinator.reload()
    expect(coordinator.locator(".outcome").first).to_contain_text("not verified yet")
    coordinator.get_by_role("link", name="Edit Match result of 20 Mar 2026").click()
    expect(coordinator.get_by_role("heading", name="Edit an outcome of Leila Haddad")
           ).to_be_visible()  # fmt: skip
    # the Match letter says she matched through SOAP: corrected and verified in one save
    coordinator.get_by_label("Match result").select_option(label="Matched through SOAP")
    coordinator.get_by_label("Verified: I have seen proof").check()
    assert fits_the_screen(coordinator)
    shot(coordinator, shots, "outcome-edit-coordinator-1280")
    coordinator.get_by_role("button", name="Save changes").click()
    expect(coordinator.locator(".flash")).to_contain_text(
        "Saved: Match result. Changed: Match result. You verified it.")  # fmt: skip
    entry = coordinator.locator(".outcome").first
    expect(entry).to_contain_text("Matched through SOAP (2026)")
    expect(entry).to_contain_text("verified by a coordinator")
    shot(coordinator, shots, "outcome-edited-coordinator-1280")

    # the dashboard now counts five verified results: 4 of 5 matched
    coordinator.get_by_role("link", name="Programmes").first.click()  # the coordinator's home
    coordinator.get_by_role("link", name="Dashboard: engagement and outcomes").click()
    expect(
        coordinator.get_by_role("heading", name="Dashboard: all your programmes")
    ).to_be_visible()
    coordinator.get_by_role("link", name="Count verified results only").click()
    expect(headline).to_contain_text("80% of 5")
    specialty = coordinator.locator("figure").filter(has_text="by first-choice specialty")
    expect(specialty).to_contain_text("fewer than 5")  # 4 internal medicine, 1 pediatrics
    expect(specialty).to_contain_text("nothing to draw")  # no bar of a hidden group
    cohort = coordinator.get_by_role("img", name="Match rate by cohort (the year they joined)")
    expect(cohort).to_be_visible()
    assert fits_the_screen(coordinator)
    shot(coordinator, shots, "dashboard-1280")
    with coordinator.expect_download() as download:
        coordinator.get_by_role("link", name="Download CSV").click()
    text = Path(download.value.path()).read_text()
    assert "Outcomes,headline,Match rate,percent,80.0,5" in text

    # the same dashboard on a phone
    phone = pages.open("coordinator phone", PHONE)
    sign_in(phone, coordinator_email)
    phone.goto("/coordinator/dashboard?verified=1")
    expect(phone.locator(".headline").filter(has_text="Match rate")).to_contain_text("80% of 5")
    assert fits_the_screen(phone)
    shot(phone, shots, "dashboard-390")
    for key in ("engagement", "outcomes"):  # each section alone, to read at its real size
        phone.locator(f"section:has(#section-{key})").screenshot(
            path=str(shots / f"dashboard-390-{key}.png"))  # fmt: skip
    # the coordinator's edit form on a phone, and the mentee's on a desktop
    with app.app_context():
        [outcome] = records.of_mentee(mentee_person.id)
    phone.goto(f"/coordinator/outcomes/{outcome.id}/edit")
    expect(phone.locator("#verified-notice")).to_contain_text("unless you tick")
    assert fits_the_screen(phone)
    shot(phone, shots, "outcome-edit-coordinator-390")
    mentee_desktop = pages.open("mentee desktop")
    sign_in(mentee_desktop, mentee_person.email)
    mentee_desktop.goto(f"/mentee/outcomes/{outcome.id}/edit")
    expect(mentee_desktop.get_by_label("Match result")).to_have_value("soap")
    assert fits_the_screen(mentee_desktop)
    shot(mentee_desktop, shots, "outcome-edit-1280")
    # she saves a change while the coordinator's phone still shows the page from before:
    # their save is told what the outcome now reads instead of undoing her change
    mentee_desktop.get_by_label("Match result").select_option(
        label="Matched in the Main Residency Match")  # fmt: skip
    mentee_desktop.get_by_role("button", name="Save changes").click()
    expect(mentee_desktop.locator(".flash")).to_contain_text("It is no longer verified")
    phone.get_by_label("Verified: I have seen proof").check()
    phone.get_by_role("button", name="Save changes").click()
    summary = phone.locator(".error-summary")
    expect(summary).to_contain_text("This outcome was changed since you opened this page")
    expect(summary).to_contain_text("It now reads: Match result of 20 Mar 2026: Matched in the "
                                    "Main Residency Match (2026)")  # fmt: skip
    expect(phone.locator("#verified-notice")).to_have_count(0)  # not verified any more
    expect(phone.get_by_label("Verified: I have seen proof")).not_to_be_checked()  # again
    assert fits_the_screen(phone)
    shot(phone, shots, "outcome-edit-changed-meanwhile-390")
    # printed from the desktop, for a funder: no menus or buttons, every figure kept
    coordinator.emulate_media(media="print")
    expect(coordinator.locator(".site-header")).to_be_hidden()
    expect(coordinator.locator(".report-tools")).to_be_hidden()
    expect(coordinator.locator(".headline").filter(has_text="Match rate")).to_contain_text(
        "80% of 5")  # fmt: skip
    shot(coordinator, shots, "dashboard-print-1280")
    # the two refused forms answered 400 on purpose; nothing else went wrong in the pages
    refused = (
        f"400 (BAD REQUEST) ({live_server.url}/mentee/outcomes)",
        f"400 (BAD REQUEST) ({live_server.url}/coordinator/outcomes/{outcome.id}/edit)",
    )
    pages.console_errors = [e for e in pages.console_errors if not e.endswith(refused)]
    pages.assert_no_console_errors()
