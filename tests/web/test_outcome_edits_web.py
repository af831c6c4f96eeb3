"""Editing an outcome over HTTP: the mentee from her list, a coordinator from the mentee's
outcomes page; the form comes pre-filled and says before saving that a change clears the
verification, and the flash says so after; bad input is named on its field and nothing is
saved; her mentor, other mentees and a coordinator of another programme are refused, and
a POST without the CSRF token too."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select, text

from mentormatch.app import create_app
from mentormatch.extensions import db
from mentormatch.models import Outcome, User
from mentormatch.models.times import utcnow
from mentormatch.services.outcomes import records
from tests.helpers import TEST_PASSWORD, csrf_token_from, make_user
from tests.meeting_helpers import accepted_pair
from tests.programme_helpers import new_programme, programme_coordinator
from tests.proposal_helpers import person

RESULT = {
    "kind": "match-result",
    "achieved_on": "2026-03-20",
    "match_result": "matched",
    "match_year": "2026",
    "specialty": "internal-medicine",
}
UNTICKED = '<input id="verified" name="verified" type="checkbox" value="y">'
NO_LONGER = "It is no longer verified until a coordinator of your programme checks it again."


def sign_in(app, email):
    client = app.test_client()
    response = client.post("/auth/login", data={"email": email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def record(app, mentee_id: int, raw: dict, verified_by: int | None = None) -> int:
    with app.app_context():
        mentee = db.session.get(User, mentee_id)
        values = records.parse(raw, utcnow().date())
        outcome_id = records.record(mentee_id, mentee, values).id
        if verified_by is not None:
            records.verify(outcome_id, db.session.get(User, verified_by))
        return outcome_id


def stored(app, outcome_id: int) -> dict:
    with app.app_context():
        return dict(
            db.session.execute(select(Outcome.__table__).where(Outcome.id == outcome_id))
            .mappings()
            .one()
        )


def audit_actions(app) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                text("SELECT action FROM audit_entries WHERE action LIKE 'outcome.%' ORDER BY id")
            )
        )


def test_the_mentee_edits_from_her_list_with_the_form_pre_filled(app):
    pair = accepted_pair(app)
    coordinator_id, _ = make_user(app, "coordinator")
    outcome_id = record(app, pair.mentee.id, RESULT, verified_by=coordinator_id)
    mentee = sign_in(app, pair.mentee.email)
    listed = mentee.get("/mentee/outcomes").get_data(as_text=True)
    assert f'href="/mentee/outcomes/{outcome_id}/edit"' in listed
    page = mentee.get(f"/mentee/outcomes/{outcome_id}/edit")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'value="2026-03-20"' in body and 'value="2026"' in body
    assert re.search(r'<option selected value="match-result">', body)
    assert re.search(r'<option selected value="internal-medicine">', body)
    # said before saving: this one is verified, and a change ends that
    assert "This outcome is verified by a coordinator." in body
    assert "it will no longer be verified until a coordinator" in body
    assert "I have seen proof" not in body  # the coordinator's box is not hers
    # the box sent anyway does not verify: her form has no such field
    saved = mentee.post(
        f"/mentee/outcomes/{outcome_id}/edit",
        data={**RESULT, "specialty": "pediatrics", "verified": "y"},
    )
    assert saved.status_code == 302
    assert saved.headers["Location"].endswith(f"/mentee/outcomes#outcome-{outcome_id}")
    after = mentee.get(saved.headers["Location"]).get_data(as_text=True)
    assert f"Saved: Match result. Changed: specialty. {NO_LONGER}" in after
    assert "Pediatrics" in after and "not verified yet" in after
    row = stored(app, outcome_id)
    assert row["specialty"] == "pediatrics" and row["verified_at"] is None
    assert audit_actions(app) == ["outcome.verified", "outcome.edited"]
    # the same form again changes nothing
    again = mentee.post(
        f"/mentee/outcomes/{outcome_id}/edit",
        data={**RESULT, "specialty": "pediatrics"},
        follow_redirects=True,
    )
    assert "Nothing changed: the outcome is as it was." in again.get_data(as_text=True)
    assert audit_actions(app) == ["outcome.verified", "outcome.edited"]


def test_bad_input_and_a_taken_year_are_named_and_nothing_is_saved(app):
    pair = accepted_pair(app)
    first = record(app, pair.mentee.id, RESULT)
    second = record(
        app, pair.mentee.id, {**RESULT, "match_year": "2027", "achieved_on": "2026-11-20"}
    )
    mentee = sign_in(app, pair.mentee.email)
    before = stored(app, first), stored(app, second)
    cases = [
        (first, {**RESULT, "achieved_on": "2999-01-01"}, "The date cannot be in the future."),
        (first, {**RESULT, "specialty": ""}, "Give the specialty you matched into."),
        (first, {**RESULT, "kind": "publication"}, "Give the title."),
        (second, RESULT, "A Match result for 2026 is already recorded; edit that one instead"),
    ]
    for outcome_id, form, message in cases:
        response = mentee.post(f"/mentee/outcomes/{outcome_id}/edit", data=form)
        body = response.get_data(as_text=True)
        assert response.status_code == 400, message
        assert message in body, message
        assert "problem to fix" in body  # the summary at the top links to the field
        # the form keeps what she typed, to correct it
        assert f'value="{form["achieved_on"]}"' in body
    assert (stored(app, first), stored(app, second)) == before
    assert audit_actions(app) == []


def test_a_coordinator_edits_and_keeps_it_verified_only_by_ticking_the_box(app):
    pair = accepted_pair(app)
    coordinator_id, email = make_user(app, "coordinator")
    outcome_id = record(app, pair.mentee.id, RESULT, verified_by=coordinator_id)
    coordinator = sign_in(app, email)
    listed = coordinator.get(f"/coordinator/people/{pair.mentee.id}/outcomes")
    assert f'href="/coordinator/outcomes/{outcome_id}/edit"' in listed.get_data(as_text=True)
    page = coordinator.get(f"/coordinator/outcomes/{outcome_id}/edit").get_data(as_text=True)
    assert "Edit an outcome of Ana Sharma" in page and 'value="2026-03-20"' in page
    assert "it will no longer be verified, unless you tick" in page
    assert "Verified: I have seen proof of this outcome as it reads now" in page
    assert UNTICKED in page  # not ticked beforehand
    # changed, box left empty: no longer verified, and the flash says what to do
    saved = coordinator.post(
        f"/coordinator/outcomes/{outcome_id}/edit",
        data={**RESULT, "match_result": "soap"},
        follow_redirects=True,
    )
    body = saved.get_data(as_text=True)
    assert "Saved: Match result. Changed: Match result. It is no longer verified: verify it" in (
        body
    )
    assert "Matched through SOAP (2026)" in body and stored(app, outcome_id)["verified_at"] is None
    # changed with the box ticked: verified again, by them
    saved = coordinator.post(
        f"/coordinator/outcomes/{outcome_id}/edit",
        data={**RESULT, "match_result": "matched", "verified": "y"},
        follow_redirects=True,
    )
    assert "Saved: Match result. Changed: Match result. You verified it." in saved.get_data(
        as_text=True
    )
    row = stored(app, outcome_id)
    assert row["match_result"] == "matched" and row["verified_by_id"] == coordinator_id
    with app.app_context():
        details = (
            db.session.execute(
                text(
                    "SELECT details FROM audit_entries WHERE action = 'outcome.edited' ORDER BY id"
                )
            )
            .scalars()
            .all()
        )
    assert [d if isinstance(d, dict) else json.loads(d) for d in details] == [
        {
            "outcome_id": outcome_id,
            "kind": "match-result",
            "changed": "match_result",
            "verification": "cleared",
        },
        {
            "outcome_id": outcome_id,
            "kind": "match-result",
            "changed": "match_result",
            "verification": "added",
        },
    ]


SEEN = re.compile(r'name="seen" type="hidden" value="([0-9a-f]+)"')


def test_a_page_opened_before_someone_elses_change_is_told_and_saves_only_when_sent_again(app):
    pair = accepted_pair(app)
    coordinator_id, email = make_user(app, "coordinator")
    outcome_id = record(app, pair.mentee.id, RESULT)
    url = f"/coordinator/outcomes/{outcome_id}/edit"
    coordinator = sign_in(app, email)
    [opened] = SEEN.findall(coordinator.get(url).get_data(as_text=True))
    # meanwhile she corrects the specialty
    mentee = sign_in(app, pair.mentee.email)
    [hers] = SEEN.findall(mentee.get(f"/mentee/outcomes/{outcome_id}/edit").get_data(as_text=True))
    assert hers == opened
    assert (
        mentee.post(
            f"/mentee/outcomes/{outcome_id}/edit",
            data={**RESULT, "specialty": "pediatrics", "seen": hers},
        ).status_code
        == 302
    )
    # the coordinator's page still shows internal medicine: saving it would undo her change
    stale = {**RESULT, "achieved_on": "2026-03-19", "verified": "y", "seen": opened}
    refused = coordinator.post(url, data=stale)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "This outcome was changed since you opened this page" in body
    assert (
        "It now reads: Match result of 20 Mar 2026: Matched in the Main Residency Match "
        "(2026) · Pediatrics. Check the form and save again." in body
    )
    assert 'value="2026-03-19"' in body  # what the coordinator typed is kept
    assert UNTICKED in body  # but the box is empty again
    [current] = SEEN.findall(body)
    assert current != opened
    row = stored(app, outcome_id)
    assert row["specialty"] == "pediatrics" and row["verified_at"] is None
    # sent again from this page (they have seen her change): saved as they chose
    again = coordinator.post(url, data={**stale, "specialty": "pediatrics", "seen": current})
    assert again.status_code == 302
    row = stored(app, outcome_id)
    assert (
        row["achieved_on"].isoformat() == "2026-03-19" and row["verified_by_id"] == coordinator_id
    )


def test_only_she_and_her_programmes_coordinators_may_edit(app):
    pair = accepted_pair(app)
    outcome_id = record(app, pair.mentee.id, RESULT)
    with app.app_context():  # she shares them: her mentor sees them, still never edits them
        db.session.execute(
            text("UPDATE mentee_profiles SET outcomes_shared = true WHERE user_id = :id"),
            {"id": pair.mentee.id},
        )
        db.session.commit()
    other_mentee = person(app, "mentee", "Ben Okafor")
    programme_b = new_programme(app, "research-b")
    programme_coordinator(app, "coord-b@example.org", programme_b)
    before = stored(app, outcome_id)
    changed = {**RESULT, "match_year": "2027"}
    refusals = [
        (other_mentee.email, f"/mentee/outcomes/{outcome_id}/edit", 404),
        (pair.mentor.email, f"/mentee/outcomes/{outcome_id}/edit", 403),
        (pair.mentor.email, f"/coordinator/outcomes/{outcome_id}/edit", 403),
        (pair.mentee.email, f"/coordinator/outcomes/{outcome_id}/edit", 403),
        ("coord-b@example.org", f"/coordinator/outcomes/{outcome_id}/edit", 404),
        (pair.mentee.email, f"/mentee/outcomes/{outcome_id + 1}/edit", 404),
    ]
    for email, url, status in refusals:
        client = sign_in(app, email)
        for response in (client.get(url), client.post(url, data=changed)):
            assert response.status_code == status, (email, url)
            assert "Internal medicine" not in response.get_data(as_text=True)
    assert stored(app, outcome_id) == before and audit_actions(app) == []
    # the mentor sees the outcome she shares, with no way to edit it
    profile = sign_in(app, pair.mentor.email).get(f"/people/{pair.mentee.id}")
    body = profile.get_data(as_text=True)
    assert "Matched in the Main Residency Match" in body and "/edit" not in body


@pytest.fixture
def csrf_app(app_config):
    return create_app({**app_config, "WTF_CSRF_ENABLED": True})


def test_an_edit_without_the_csrf_token_is_refused(csrf_app):
    app = csrf_app
    pair = accepted_pair(app)
    outcome_id = record(app, pair.mentee.id, RESULT)
    client = app.test_client()
    token = csrf_token_from(client.get("/auth/login").get_data(as_text=True))
    client.post(
        "/auth/login",
        data={"email": pair.mentee.email, "password": TEST_PASSWORD, "csrf_token": token},
    )
    url = f"/mentee/outcomes/{outcome_id}/edit"
    changed = {**RESULT, "specialty": "pediatrics"}
    assert client.post(url, data=changed).status_code == 400
    assert stored(app, outcome_id)["specialty"] == "internal-medicine"
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    assert client.post(url, data={**changed, "csrf_token": token}).status_code == 302
    assert stored(app, outcome_id)["specialty"] == "pediatrics"
