"""Editing a recorded outcome (services.outcomes.records.edit): the mentee edits hers and a
coordinator of her programmes edits them too, nobody else; the form is checked as a new
outcome is, each problem on its field, and nothing is saved on any error; one Match result per
mentee and year; a changed outcome is no longer verified unless the coordinator who changes it
ticks "verified"; one audit entry naming the fields changed, never their values."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select, text, update

from mentormatch.extensions import db
from mentormatch.models import AuditEntry, Outcome, User
from mentormatch.services.errors import NotFound, ValidationError
from mentormatch.services.outcomes import records
from tests.helpers import make_user
from tests.meeting_helpers import accepted_pair
from tests.programme_helpers import new_programme, programme_coordinator

TODAY = date(2026, 12, 1)
TITLE = "Visa barriers of IMGs: a scoping review"
PUBLICATION = {"kind": "publication", "achieved_on": "2026-02-02", "description": TITLE,
               "doi": "10.1056/NEJMoa2034577"}  # fmt: skip
RESULT_2026 = {"kind": "match-result", "achieved_on": "2026-03-20", "match_result": "matched",
               "match_year": "2026", "specialty": "internal-medicine"}  # fmt: skip
RESULT_2027 = {**RESULT_2026, "achieved_on": "2026-11-20", "match_result": "soap",
               "match_year": "2027", "specialty": "pediatrics"}  # fmt: skip

TAKEN_2026 = (
    "A Match result for 2026 is already recorded; edit that one instead, or remove it first."
)


@pytest.fixture
def people(app):
    """Ana (a mentee) and her mentor; an organisation coordinator; a coordinator of another
    programme only; another mentee."""
    pair = accepted_pair(app)
    coordinator_id, _ = make_user(app, "coordinator")
    other_coordinator_id, _ = make_user(app, "coordinator")
    elsewhere = programme_coordinator(app, "coord-b@example.org",
                                      new_programme(app, "research-b"))  # fmt: skip
    stranger_id, _ = make_user(app, "mentee")
    with app.app_context():
        yield {
            name: db.session.get(User, user_id)
            for name, user_id in (
                ("ana", pair.mentee.id), ("mentor", pair.mentor.id),
                ("coordinator", coordinator_id), ("other_coordinator", other_coordinator_id),
                ("elsewhere", elsewhere), ("stranger", stranger_id),
            )
        }  # fmt: skip


def recorded(mentee: User, raw: dict) -> int:
    return records.record(mentee.id, mentee, records.parse(raw, TODAY)).id


def row(outcome_id: int) -> dict:
    db.session.expire_all()
    return dict(
        db.session.execute(select(Outcome.__table__).where(Outcome.id == outcome_id))
        .mappings()
        .one()
    )


def edits() -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.action.like("outcome.%")).order_by(AuditEntry.id)
        )
    )


def test_the_mentee_edits_her_outcome_and_the_audit_names_the_fields_not_the_values(people):
    ana = people["ana"]
    outcome_id = recorded(ana, PUBLICATION)
    before = row(outcome_id)
    changed = {**PUBLICATION, "achieved_on": "2026-02-09", "doi": "https://doi.org/10.1000/xyz123",
               "pmid": "31452104"}  # fmt: skip
    edited = records.edit(outcome_id, ana, changed, TODAY)
    assert edited.changed == ("achieved_on", "doi", "pmid")
    assert edited.changed_words == "date, DOI, PMID"
    assert edited.verification == records.Verification.UNCHANGED
    after = row(outcome_id)
    assert after["achieved_on"] == date(2026, 2, 9)
    assert after["doi"] == "10.1000/xyz123"  # kept as the DOI itself, as when recorded
    assert after["pmid"] == "31452104" and after["description"] == TITLE
    assert after["recorded_by_id"] == ana.id and after["recorded_at"] == before["recorded_at"]
    [entry] = edits()  # her own recording is not audited; her edit is
    assert entry.action == "outcome.edited" and entry.actor_id == ana.id
    assert (entry.target_type, entry.target_id) == ("user", ana.id)
    assert entry.details == {"outcome_id": outcome_id, "kind": "publication",
                             "changed": "achieved_on, doi, pmid"}  # fmt: skip
    logged = json.dumps(entry.details)
    assert "2026-02-09" not in logged and "xyz123" not in logged and "31452104" not in logged


def test_a_form_sent_back_unchanged_changes_nothing_and_writes_no_entry(people):
    ana = people["ana"]
    outcome_id = recorded(ana, PUBLICATION)
    records.verify(outcome_id, people["coordinator"])
    before = row(outcome_id)
    raw = records.form_values(db.session.get(Outcome, outcome_id))  # what the edit form shows
    edited = records.edit(outcome_id, ana, raw, TODAY)
    assert edited.changed == () and edited.verification == records.Verification.UNCHANGED
    assert row(outcome_id) == before  # still verified
    assert [e.action for e in edits()] == ["outcome.verified"]


def test_changing_the_kind_empties_what_the_new_kind_does_not_use(people):
    ana = people["ana"]
    outcome_id = recorded(ana, {"kind": "exam-passed", "achieved_on": "2025-05-01",
                                "exam": "usmle-step2ck"})  # fmt: skip
    edited = records.edit(outcome_id, ana, {"kind": "ecfmg-certified", "achieved_on": "2025-05-01",
                                            "exam": "usmle-step2ck"}, TODAY)  # fmt: skip
    assert edited.changed == ("kind", "exam")
    after = row(outcome_id)
    assert after["kind"] == "ecfmg-certified" and after["exam"] is None


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"achieved_on": "2999-01-01"}, "achieved_on", "The date cannot be in the future."),
        ({"achieved_on": "20/03/2026"}, "achieved_on", "Give the date as YYYY-MM-DD."),
        ({"match_year": "1999"}, "match_year", "The Match year must be from 2000 to 2100"),
        ({"specialty": ""}, "specialty", "Give the specialty you matched into."),
        ({"match_result": "won"}, "match_result", "Choose matched, matched through SOAP"),
        ({"kind": "publication"}, "description", "Give the title."),
        ({"kind": "publication", "description": "A review", "doi": "doi:11.1/x"}, "doi",
         "A DOI looks like 10.1000/xyz123"),
        ({"kind": "applications", "number": "1000"}, "number",
         "Number of programmes applied to must be from 1 to 999"),
        ({"kind": "graduated"}, "kind", "Choose what you achieved."),
    ],
)  # fmt: skip
def test_each_problem_is_named_on_its_field_and_nothing_is_saved(people, change, field, message):
    ana = people["ana"]
    outcome_id = recorded(ana, RESULT_2026)
    records.verify(outcome_id, people["coordinator"])
    before, entries = row(outcome_id), len(edits())
    with pytest.raises(ValidationError) as refused:
        records.edit(outcome_id, people["coordinator"], {**RESULT_2026, **change}, TODAY,
                     verified=True)  # fmt: skip
    assert any(f == field and message in m for f, m in refused.value.errors), refused.value.errors
    assert row(outcome_id) == before  # its values, and still verified
    assert len(edits()) == entries


def test_a_match_result_cannot_be_edited_into_a_year_that_has_one(people):
    ana = people["ana"]
    first, second = recorded(ana, RESULT_2026), recorded(ana, RESULT_2027)
    publication = recorded(ana, PUBLICATION)
    records.verify(second, people["coordinator"])
    before = {i: row(i) for i in (first, second, publication)}
    for outcome_id, raw in ((second, {**RESULT_2027, "match_year": "2026"}),
                            (publication, {**RESULT_2026, "match_result": "soap"})):  # fmt: skip
        with pytest.raises(ValidationError) as refused:
            records.edit(outcome_id, ana, raw, TODAY)
        assert refused.value.errors == [("match_year", TAKEN_2026)]
        assert {i: row(i) for i in before} == before  # nothing half-saved, still verified
    assert [e.action for e in edits()] == ["outcome.verified"]
    # a result keeps its own year while other fields change: no conflict with itself
    edited = records.edit(first, ana, {**RESULT_2026, "match_result": "soap"}, TODAY)
    assert edited.changed == ("match_result",)
    # and moves to a year that is free
    assert records.edit(second, ana, {**RESULT_2027, "match_year": "2028"}, TODAY).changed == (
        "match_year",)  # fmt: skip


def test_a_changed_outcome_is_no_longer_verified_when_the_mentee_changes_it(people):
    ana, coordinator = people["ana"], people["coordinator"]
    outcome_id = recorded(ana, RESULT_2026)
    records.verify(outcome_id, coordinator)
    edited = records.edit(outcome_id, ana, {**RESULT_2026, "specialty": "pediatrics"}, TODAY)
    assert edited.verification == records.Verification.CLEARED
    after = row(outcome_id)
    assert after["verified_at"] is None and after["verified_by_id"] is None
    assert after["specialty"] == "pediatrics"
    assert edits()[-1].details["verification"] == "cleared"
    # she cannot verify it herself, even by sending the coordinator's box
    with pytest.raises(ValidationError) as refused:
        records.edit(outcome_id, ana, RESULT_2026, TODAY, verified=True)
    assert [f for f, _ in refused.value.errors] == ["verified"]
    assert row(outcome_id)["specialty"] == "pediatrics"


def test_a_coordinator_keeps_it_verified_only_by_ticking_verified_again(people):
    ana, coordinator = people["ana"], people["coordinator"]
    other = people["other_coordinator"]
    outcome_id = recorded(ana, RESULT_2026)
    records.verify(outcome_id, coordinator)
    first_verification = row(outcome_id)["verified_at"]
    # changed without the tick: not verified any more
    edited = records.edit(outcome_id, other, {**RESULT_2026, "achieved_on": "2026-03-21"}, TODAY)
    assert edited.verification == records.Verification.CLEARED
    assert row(outcome_id)["verified_at"] is None
    # changed with the tick: verified by the coordinator who changed it
    edited = records.edit(outcome_id, other, {**RESULT_2026, "achieved_on": "2026-03-19"}, TODAY,
                          verified=True)  # fmt: skip
    assert edited.verification == records.Verification.ADDED
    after = row(outcome_id)
    assert after["verified_by_id"] == other.id and after["verified_at"] is not None
    edited = records.edit(outcome_id, coordinator, {**RESULT_2026, "achieved_on": "2026-03-20"},
                          TODAY, verified=True)  # fmt: skip
    assert edited.verification == records.Verification.RENEWED
    renewed = row(outcome_id)
    assert renewed["verified_by_id"] == coordinator.id
    assert renewed["verified_at"] >= after["verified_at"] >= first_verification
    # ticked on an unchanged, verified outcome: the first verification stays
    edited = records.edit(outcome_id, other, RESULT_2026, TODAY, verified=True)
    assert edited.changed == () and edited.verification == records.Verification.UNCHANGED
    assert row(outcome_id) == renewed
    # ticked on an unchanged, unverified one: the Verify button's entry
    plain = recorded(ana, PUBLICATION)
    edited = records.edit(plain, other, PUBLICATION, TODAY, verified=True)
    assert edited.changed == () and edited.verification == records.Verification.ADDED
    assert row(plain)["verified_by_id"] == other.id
    assert [(e.action, e.actor_id, e.details.get("changed"), e.details.get("verification"))
            for e in edits()] == [
        ("outcome.verified", coordinator.id, None, None),
        ("outcome.edited", other.id, "achieved_on", "cleared"),
        ("outcome.edited", other.id, "achieved_on", "added"),
        ("outcome.edited", coordinator.id, "achieved_on", "renewed"),
        ("outcome.verified", other.id, None, None),
    ]  # fmt: skip


def test_a_verification_made_after_the_outcome_was_read_is_told_not_overwritten(app, people):
    """A coordinator verifies while the mentee's edit is on its way: the edit is refused with
    the outcome as it now reads (verified), and the verification stays until she saves
    again, knowing it."""
    ana, coordinator = people["ana"], people["coordinator"]
    outcome_id = recorded(ana, RESULT_2026)
    seen = db.session.get(Outcome, outcome_id)  # read by this request, unverified
    assert not seen.verified
    with db.engine.begin() as elsewhere:  # another request's verification, committed
        elsewhere.execute(
            update(Outcome.__table__)
            .where(Outcome.__table__.c.id == outcome_id)
            .values(verified_at=text("CURRENT_TIMESTAMP"), verified_by_id=coordinator.id)
        )
    changed = {**RESULT_2026, "specialty": "pediatrics"}
    with pytest.raises(ValidationError) as refused:
        records.edit(outcome_id, ana, changed, TODAY)
    [(field, message)] = refused.value.errors
    assert field == "seen" and "changed since you opened this page" in message
    assert "Internal medicine, verified." in message
    after = row(outcome_id)
    assert after["specialty"] == "internal-medicine" and after["verified_by_id"] == coordinator.id
    assert edits() == []
    edited = records.edit(outcome_id, ana, changed, TODAY)  # again, now knowing it
    assert edited.verification == records.Verification.CLEARED


def test_a_form_older_than_the_last_change_is_told_not_saved(people):
    """The coordinator opened the edit form; meanwhile Ana corrected the specialty. The
    coordinator's save (with the old specialty, ticked verified) would undo her correction and
    verify what she had fixed: refused, until they save again from the outcome as it is."""
    ana, coordinator = people["ana"], people["coordinator"]
    outcome_id = recorded(ana, RESULT_2026)
    opened = records.version(db.session.get(Outcome, outcome_id))
    assert records.form_values(db.session.get(Outcome, outcome_id))["specialty"] == (
        "internal-medicine")  # fmt: skip
    records.edit(outcome_id, ana, {**RESULT_2026, "specialty": "pediatrics"}, TODAY, seen=opened)
    before = row(outcome_id)
    stale = {**RESULT_2026, "achieved_on": "2026-03-21"}  # the old specialty with it
    with pytest.raises(ValidationError) as refused:
        records.edit(outcome_id, coordinator, stale, TODAY, verified=True, seen=opened)
    [(field, message)] = refused.value.errors
    assert field == "seen" and "It now reads: Match result of 20 Mar 2026" in message
    assert "Pediatrics" in message
    assert row(outcome_id) == before and [e.actor_id for e in edits()] == [ana.id]
    current = records.version(db.session.get(Outcome, outcome_id))
    assert current != opened
    edited = records.edit(outcome_id, coordinator, {**RESULT_2026, "specialty": "pediatrics"},
                          TODAY, verified=True, seen=current)  # fmt: skip
    assert edited.verification == records.Verification.ADDED


def test_nobody_else_edits_her_outcomes(people):
    ana = people["ana"]
    outcome_id = recorded(ana, RESULT_2026)
    db.session.execute(text("UPDATE mentee_profiles SET outcomes_shared = true "
                            "WHERE user_id = :id"), {"id": ana.id})  # fmt: skip
    db.session.commit()
    before = row(outcome_id)
    # her mentor sees them while she shares them, but never edits them; a coordinator of
    # another programme and another mentee do not even see them
    for who in ("mentor", "elsewhere", "stranger"):
        with pytest.raises(NotFound):
            records.edit(outcome_id, people[who], {**RESULT_2026, "match_year": "2027"}, TODAY)
        # refused before the form is read: a bad form gives nothing away either
        with pytest.raises(NotFound):
            records.edit(outcome_id, people[who], {"kind": "nonsense"}, TODAY)
    assert row(outcome_id) == before and edits() == []
    with pytest.raises(NotFound):
        records.edit(outcome_id + 1000, ana, RESULT_2026, TODAY)


def test_an_outcome_removed_after_it_was_read_is_not_found_and_nothing_is_logged(people):
    ana = people["ana"]
    outcome_id = recorded(ana, RESULT_2026)
    seen = db.session.get(Outcome, outcome_id)  # read by this request
    with db.engine.begin() as elsewhere:  # removed by another request, committed
        elsewhere.execute(Outcome.__table__.delete().where(Outcome.__table__.c.id == outcome_id))
    with pytest.raises(NotFound):
        records.edit(seen.id, ana, {**RESULT_2026, "specialty": "pediatrics"}, TODAY)
    assert edits() == [] and db.session.scalar(select(Outcome.id)) is None


def test_a_verify_from_a_page_shown_before_her_edit_is_refused(app, people):
    # found in review: the Verify button of a page shown before she corrected the outcome
    # verified what the coordinator never saw
    ana, boss = people["ana"], people["coordinator"]
    outcome_id = recorded(ana, RESULT_2026)
    shown = records.version(db.session.get(Outcome, outcome_id))  # the coordinator's page
    records.edit(outcome_id, ana, {**RESULT_2026, "specialty": "pediatrics"}, TODAY)
    with pytest.raises(ValidationError) as refused:
        records.verify(outcome_id, boss, seen=shown)
    assert "was changed since you opened this page" in refused.value.errors[0][1]
    assert "Pediatrics" in refused.value.errors[0][1]
    assert row(outcome_id)["verified_at"] is None
    now = records.version(db.session.get(Outcome, outcome_id))
    assert records.verify(outcome_id, boss, seen=now).verified
