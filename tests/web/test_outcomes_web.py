"""The outcome pages and the dashboard over HTTP: a mentee records, shares and removes her
outcomes; bad input is named on its field and nothing is saved; a coordinator records one
for her and verifies it; the mentor sees them only while she shares them; the dashboard, its
CSV and the programme scope."""

from __future__ import annotations

import csv
import io
import itertools
import re

from sqlalchemy import func, select, text

from mentormatch.extensions import db
from mentormatch.models import Outcome
from tests.helpers import TEST_PASSWORD, make_user
from tests.meeting_helpers import accepted_pair
from tests.programme_helpers import (
    add_member,
    general_id,
    new_programme,
    programme_coordinator,
)
from tests.proposal_helpers import person

NUMBERS = itertools.count()

MATCHED = {"kind": "match-result", "achieved_on": "2026-03-20", "match_result": "matched",
           "match_year": "2026", "specialty": "internal-medicine"}  # fmt: skip


def sign_in(app, email):
    client = app.test_client()
    response = client.post("/auth/login", data={"email": email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def outcome_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Outcome))


def test_a_mentee_records_shares_and_removes_an_outcome(app):
    pair = accepted_pair(app)
    mentee, mentor = sign_in(app, pair.mentee.email), sign_in(app, pair.mentor.email)
    page = mentee.get("/mentee/outcomes")
    assert page.status_code == 200 and "No outcomes recorded yet" in page.get_data(as_text=True)
    done = mentee.post("/mentee/outcomes", data=MATCHED, follow_redirects=True)
    body = done.get_data(as_text=True)
    assert "Recorded: Match result." in body
    assert "Matched in the Main Residency Match (2026)" in body and "Internal medicine" in body
    assert "not verified yet" in body
    # her own profile shows them; her mentor's view does not until she shares
    assert "Matched in the Main Residency Match" in mentee.get(
        f"/people/{pair.mentee.id}").get_data(as_text=True)  # fmt: skip
    profile = mentor.get(f"/people/{pair.mentee.id}").get_data(as_text=True)
    assert "Matched in the Main Residency Match" not in profile and "Outcomes" not in profile
    mentee.post("/mentee/outcomes/sharing", data={"shared": "y"})
    profile = mentor.get(f"/people/{pair.mentee.id}").get_data(as_text=True)
    assert "Matched in the Main Residency Match" in profile and "shares these with you" in profile
    mentee.post("/mentee/outcomes/sharing", data={})
    assert "Matched in the Main Residency Match" not in mentor.get(
        f"/people/{pair.mentee.id}").get_data(as_text=True)  # fmt: skip
    with app.app_context():
        outcome_id = db.session.scalar(select(Outcome.id))
    # removing asks first, and says it cannot be undone
    asked = mentee.post(f"/mentee/outcomes/{outcome_id}/remove")
    assert asked.status_code == 200 and "Removing it cannot be undone" in asked.get_data(
        as_text=True)  # fmt: skip
    assert outcome_count(app) == 1
    removed = mentee.post(f"/mentee/outcomes/{outcome_id}/remove", data={"confirm": "yes"})
    assert removed.status_code == 302
    assert outcome_count(app) == 0


def test_bad_input_is_named_on_its_field_and_nothing_is_saved(app):
    pair = accepted_pair(app)
    mentee = sign_in(app, pair.mentee.email)
    cases = [
        ({**MATCHED, "specialty": ""}, "Give the specialty you matched into."),
        ({**MATCHED, "achieved_on": "2999-01-01"}, "The date cannot be in the future."),
        ({**MATCHED, "match_year": "1999"}, "The Match year must be from 2000 to 2100"),
        ({"kind": "publication", "achieved_on": "2026-01-05", "description": "A review",
          "doi": "doi:11.1/x"}, "A DOI looks like 10.1000/xyz123"),
        ({"kind": "publication", "achieved_on": "2026-01-05", "description": "A review",
          "pmid": "PMC123"}, "A PMID is a number of up to 8 digits"),
        ({"kind": "applications", "achieved_on": "2025-09-15", "specialty": "pediatrics",
          "number": "0"}, "from 1 to 999"),
        ({"kind": "exam-passed", "achieved_on": "2025-09-15"}, "Choose the exam you passed."),
    ]  # fmt: skip
    for form, message in cases:
        response = mentee.post("/mentee/outcomes", data=form)
        assert response.status_code == 400, form
        assert message in response.get_data(as_text=True), message
    assert outcome_count(app) == 0
    # a DOI given as a link is kept as the DOI itself; a PMID as digits
    good = {"kind": "publication", "achieved_on": "2026-01-05", "description": "A review",
            "doi": "https://doi.org/10.1056/NEJMoa2034577", "pmid": "33301246"}  # fmt: skip
    assert mentee.post("/mentee/outcomes", data=good).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Outcome.doi)) == "10.1056/NEJMoa2034577"
    # one Match result per year
    assert mentee.post("/mentee/outcomes", data=MATCHED).status_code == 302
    again = mentee.post("/mentee/outcomes", data={**MATCHED, "match_result": "soap"})
    assert again.status_code == 400
    assert "A Match result for 2026 is already recorded" in again.get_data(as_text=True)
    assert outcome_count(app) == 2


def test_a_coordinator_records_and_verifies_and_the_audit_log_says_so(app):
    pair = accepted_pair(app)
    _, email = make_user(app, "coordinator")
    coordinator = sign_in(app, email)
    page = coordinator.get(f"/coordinator/people/{pair.mentee.id}/outcomes")
    assert page.status_code == 200
    recorded = coordinator.post(f"/coordinator/people/{pair.mentee.id}/outcomes",
                                data={"kind": "ecfmg-certified", "achieved_on": "2025-06-01"},
                                follow_redirects=True)  # fmt: skip
    assert "Recorded for Ana Sharma: ECFMG certified." in recorded.get_data(as_text=True)
    with app.app_context():
        outcome_id = db.session.scalar(select(Outcome.id))
    verified = coordinator.post(f"/coordinator/outcomes/{outcome_id}/verify",
                                follow_redirects=True)  # fmt: skip
    assert "verified by a coordinator" in verified.get_data(as_text=True)
    with app.app_context():
        actions = (
            db.session.execute(
                text("SELECT action FROM audit_entries WHERE action LIKE 'outcome.%' ORDER BY id")
            )
            .scalars()
            .all()
        )
    assert actions == ["outcome.recorded", "outcome.verified"]
    asked = coordinator.post(f"/coordinator/outcomes/{outcome_id}/remove")
    text_asked = asked.get_data(as_text=True)
    assert "Remove this outcome?" in text_asked and "a coordinator verifies it again" in text_asked
    assert outcome_count(app) == 1
    # the mentee sees it as verified
    mentee_page = sign_in(app, pair.mentee.email).get("/mentee/outcomes").get_data(as_text=True)
    assert "ECFMG certified" in mentee_page and "verified by a coordinator" in mentee_page


def _results(app, programme_id, how_many, result="matched"):
    """``how_many`` mentees of ``programme_id`` with a Match result, recorded by themselves."""
    for _ in range(how_many):
        someone = person(app, "mentee", f"Mentee {next(NUMBERS)}")
        add_member(app, programme_id, someone.id)
        client = sign_in(app, someone.email)
        assert client.post("/mentee/outcomes", data={**MATCHED, "match_result": result}
                           ).status_code == 302  # fmt: skip


def test_the_dashboard_its_csv_and_the_programme_scope(app):
    general = general_id(app)
    research = new_programme(app, "research-b", "=Research B")
    _results(app, general, 5)
    _results(app, general, 1, "not-matched")
    _results(app, research, 2)
    _, org_email = make_user(app, "coordinator")
    org = sign_in(app, org_email)
    page = org.get("/coordinator/dashboard")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<svg" in body and "Programmes compared" in body
    # research has 2 mentees with a result: hidden, and so is general (5 of 6), which the
    # roll-up's headline (7 of 8) would otherwise give away
    assert "fewer than 5" in body and "83% of 6" not in body
    assert "<script" not in body.split("<main", 1)[1]  # the charts are drawn by the server
    one = org.get(f"/coordinator/programmes/{general}/dashboard").get_data(as_text=True)
    assert "83% of 6" in one and "Programmes compared" not in one
    exported = org.get(f"/coordinator/programmes/{research}/dashboard.csv")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True))))
    [rate] = [row for row in rows if row[:3] == ["Outcomes", "headline", "Match rate"]]
    assert rate[4:] == ["fewer than 5", "fewer than 5"]
    assert rows[0] == ["programmes", "'=Research B"]  # never run as a spreadsheet formula
    # a coordinator of programme B only: B's dashboard, never general's
    b_email = "coord-b@example.org"
    programme_coordinator(app, b_email, research)
    b = sign_in(app, b_email)
    assert b.get(f"/coordinator/programmes/{general}/dashboard").status_code == 404
    assert b.get(f"/coordinator/programmes/{general}/dashboard.csv").status_code == 404
    rolled = b.get("/coordinator/dashboard").get_data(as_text=True)
    assert "=Research B" in rolled and "General" not in re.sub(r"<nav.*?</nav>", "", rolled,
                                                              flags=re.S)  # fmt: skip
    assert "83%" not in rolled
    assert "Programmes compared" not in rolled  # one programme: no comparison


def test_outcomes_to_verify_lists_only_the_coordinators_programmes(app):
    general = general_id(app)
    research = new_programme(app, "research-b", "Research B")
    _results(app, general, 1)
    _results(app, research, 1)
    b_email = "coord-b@example.org"
    programme_coordinator(app, b_email, research)
    with app.app_context():
        names = dict(db.session.execute(
            text("SELECT o.id, u.full_name FROM outcomes o JOIN users u ON u.id = o.mentee_id"
                 " ORDER BY o.id")).all())  # fmt: skip
    [(general_outcome, general_name), (research_outcome, research_name)] = names.items()
    b = sign_in(app, b_email)
    page = b.get("/coordinator/outcomes").get_data(as_text=True)
    assert research_name in page and general_name not in page
    assert b.post(f"/coordinator/outcomes/{general_outcome}/verify").status_code == 404
    verified = b.post(f"/coordinator/outcomes/{research_outcome}/verify", data={"back": "list"},
                      follow_redirects=True)  # fmt: skip
    body = verified.get_data(as_text=True)
    assert "Outcome verified." in body and "Nothing to verify" in body
    _, org_email = make_user(app, "coordinator")
    everything = sign_in(app, org_email).get("/coordinator/outcomes").get_data(as_text=True)
    assert general_name in everything and research_name not in everything  # verified now
