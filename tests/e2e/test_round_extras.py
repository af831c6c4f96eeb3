"""A coordinator switches on an optional extra (the visa weight) in a real browser and the
review shows it: the J-1 mentee goes to the mentor whose institution sponsors J-1."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from mentormatch.extensions import db
from mentormatch.services import accounts
from tests.e2e.conftest import PHONE
from tests.helpers import add_mentee, add_mentor

PASSWORD = "e2e-correct-horse-battery"
ROUND_TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def visa_programme(live_server) -> None:
    """Raj needs a J-1 and shares his research with Dr None (no sponsorship); Dr Sponsor's
    institution sponsors J-1 and shares Sam's research. One seat each."""
    with live_server.app.app_context():
        accounts.create_coordinator(
            accounts.NewAccount("extras@example.org", PASSWORD, "Ines Coordinator", "coordinator")
        )
        add_mentee("raj", research=("case-report",), visa_needed="j1")
        add_mentee("sam", research=("oncology",), visa_needed="none")
        add_mentor("dr_none", research=("case-report",), visa_sponsorship="none")
        add_mentor("dr_sponsor", research=("oncology",), visa_sponsorship="j1")
        db.session.commit()


def sign_in(page) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email").fill("extras@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.slow
def test_a_round_with_the_visa_weight_on_shows_it_and_uses_it(pages, visa_programme):
    phone = pages.open("coordinator on a phone", PHONE)
    sign_in(phone)
    phone.goto("/coordinator/rounds/new")
    extras = phone.get_by_role("group", name="Optional extras for IMGs")
    expect(extras).to_be_visible()
    for label in ("Support weight", "Language weight", "IMG mentor weight", "Visa weight"):
        expect(extras.get_by_label(label)).to_have_value("0")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page = pages.open("coordinator")
    sign_in(page)
    page.goto("/coordinator/rounds/new")
    page.get_by_label("Round name").fill("Visa first")
    page.get_by_label("Visa weight").fill("1")
    page.get_by_role("button", name="Create and run").click()
    expect(page.get_by_role("heading", name="Proposed pairs", exact=True)).to_be_visible(
        timeout=ROUND_TIMEOUT_MS
    )
    expect(page.locator("p.hint").filter(has_text="weights")).to_contain_text("Visa 0.50")
    table = page.locator("table.pairs")
    expect(table.locator("thead")).to_contain_text("Visa")
    expect(table.locator("thead")).not_to_contain_text("Support")
    raj = table.locator("tbody tr").filter(has_text="Raj")
    expect(raj).to_contain_text("Dr_Sponsor")
    visa_cell = raj.locator("td").nth(6)
    assert re.match(r"\s*1\.00", visa_cell.inner_text()), visa_cell.inner_text()
    expect(page.get_by_role("img", name="Mean component scores")).to_be_visible()
    pages.assert_no_console_errors()
