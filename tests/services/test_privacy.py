"""A person's data: the export holds theirs and nobody else's; deletion forgets them, frees the
mentor's seats, tells the other side and keeps the rounds' figures, all in one transaction."""

import json

import pytest
from sqlalchemy import func, select

from mentormatch.extensions import db
from mentormatch.models import (
    AuditEntry,
    MatchingRound,
    MenteeProfile,
    MentorProfile,
    Mentorship,
    OutboxMessage,
    PairRule,
    RoundPair,
    RoundUnmatched,
    User,
)
from mentormatch.services import accounts, audit, privacy, proposals
from mentormatch.services.errors import NotFound, ServiceError, ValidationError
from tests.helpers import TEST_PASSWORD, general_programme_id, make_user
from tests.proposal_helpers import (
    assert_capacity_invariants,
    person,
    proposal_id,
    publish,
    run_round,
    seats,
    status_of,
)


@pytest.fixture
def world(app):
    """Ana has an active mentorship with Dr Irene Mehta; of Ben and Cho (both pediatrics, TX)
    one is proposed to Dr Paul Reyes (one seat), the other left unmatched with a reason that
    names him. Ana has a coordinator's note on a forbidden pair with Dr Reyes."""
    people = {
        "ana": person(app, "mentee", "Ana Sharma", immigration_status="j1", visa_needed="j1"),
        "ben": person(app, "mentee", "Ben Okafor", specialty="pediatrics",
                      preferred_regions=["TX"], home_country="NG"),
        "cho": person(app, "mentee", "Cho Reyes-Lim", specialty="pediatrics",
                      preferred_regions=["TX"], home_country="PH"),
        "im": person(app, "mentor", "Irene Mehta", capacity=1, institution="Mount Sinai"),
        "peds": person(app, "mentor", "Paul Reyes", specialty="pediatrics", state="TX"),
    }  # fmt: skip
    round_id = run_round(app)
    assert publish(app, round_id) == 2
    with app.app_context():
        proposals.accept(proposal_id(app, people["ana"], people["im"]), people["im"].id)
        pair = db.session.scalar(select(RoundPair).where(RoundPair.mentor_id == people["peds"].id))
        proposed = "ben" if pair.mentee_id == people["ben"].id else "cho"
        db.session.add(
            PairRule(programme_id=general_programme_id(),
                mentee_id=people["ana"].id, mentor_id=people["peds"].id, kind="forbid",
                     source="coordinator", note="Ana asked not to be paired with Dr Reyes")
        )  # fmt: skip
        db.session.commit()
    people["proposed"] = people[proposed]
    people["unmatched"] = people["cho" if proposed == "ben" else "ben"]
    people["round_id"] = round_id
    return people


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def mails_to(address: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == address))
    )


def test_the_export_holds_the_persons_data_and_only_what_they_may_see_of_others(app, world):
    ana, im = world["ana"], world["im"]
    with app.app_context():
        exported = privacy.export_personal_data(ana.id)
    text = json.dumps(exported)  # JSON-ready as it is
    assert exported["account"]["email"] == ana.email
    assert exported["account"]["full_name"] == "Ana Sharma"
    assert "password_hash" not in exported["account"] and "session_token" not in text
    assert exported["profile"]["immigration_status"] == "j1"  # her own sensitive data
    assert exported["profile"]["specialty"] == "internal-medicine"
    [mentorship] = exported["mentorships"]
    assert mentorship["with"] == "Irene Mehta" and mentorship["status"] == "accepted"
    assert mentorship["with_email"] == im.email  # she sees it on her page too
    # The lock set when Dr Mehta accepted; not the coordinator's forbid with Dr Reyes, whom
    # she was never proposed to, nor its note (services.audiences).
    [rule] = exported["pair_rules"]
    assert (rule["with"], rule["kind"], rule["source"]) == ("Irene Mehta", "lock", "accepted")
    assert "note" not in rule
    assert "Paul Reyes" not in text and "Ana asked" not in text
    subjects = [m["subject"] for m in exported["mails"]]
    assert "MentorMatch has proposed a mentor for you" in subjects
    assert "Irene Mehta is your mentor" in subjects
    for other in (world["ben"], world["cho"], world["peds"]):
        assert other.email not in text
    assert "Ben Okafor" not in text and "Cho Reyes-Lim" not in text


def test_a_mentors_export_names_a_pending_mentee_without_their_contact_or_profile(app, world):
    peds, mentee = world["peds"], world["proposed"]
    with app.app_context():
        exported = privacy.export_personal_data(peds.id)
    [mentorship] = exported["mentorships"]
    assert mentorship["as"] == "mentor" and mentorship["with"] == mentee.name
    assert "with_email" not in mentorship
    assert mentee.email not in json.dumps(exported)
    assert exported["profile"]["state"] == "TX"


def test_deleting_a_mentee_forgets_them_frees_the_seat_and_tells_the_mentor(app, world):
    ana, im = world["ana"], world["im"]
    with app.app_context():
        summary_before = db.session.get(MatchingRound, world["round_id"]).summary
        pairs_before = count(RoundPair)
        user = db.session.get(User, ana.id)
        privacy.delete_account(ana.id, user)
    assert seats(app, im) == (1, 0)
    assert status_of(app, proposal_id(app, ana, im)) == "ended"
    assert_capacity_invariants(app)
    with app.app_context():
        user = db.session.get(User, ana.id)
        assert (user.email, user.full_name) == (f"deleted-{ana.id}@invalid", "Deleted user")
        assert user.password_hash is None and not user.active
        assert count(MenteeProfile, MenteeProfile.user_id == ana.id) == 0
        assert count(PairRule, PairRule.mentee_id == ana.id) == 0
        assert mails_to(ana.email) == []
        [told] = [m for m in mails_to(im.email) if m.kind == "account-deleted"]
        assert "Ana Sharma has deleted their MentorMatch account" in told.body_text
        assert "mentorship has ended" in told.body_text
        # The round keeps its pairs (by id) and its figures.
        assert count(RoundPair) == pairs_before
        assert count(RoundPair, RoundPair.mentee_id == ana.id) == 1
        assert db.session.get(MatchingRound, world["round_id"]).summary == summary_before
        assert accounts.authenticate(ana.email, TEST_PASSWORD) is None
        [entry] = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == audit.ACCOUNT_DELETED)
        ).all()
        assert (entry.target_type, entry.target_id) == ("user", ana.id)
        assert ana.email not in entry.actor_label and "Deleted user" in entry.actor_label


def test_deleting_a_mentor_withdraws_the_proposal_and_anonymises_reasons_naming_him(app, world):
    peds, mentee, unmatched = world["peds"], world["proposed"], world["unmatched"]
    with app.app_context():
        before = db.session.scalar(
            select(RoundUnmatched.message).where(RoundUnmatched.mentee_id == unmatched.id)
        )
        assert "Paul Reyes" in before
        privacy.delete_account(peds.id, db.session.get(User, peds.id))
        assert status_of(app, proposal_id(app, mentee, peds)) == "ended"
        assert count(MentorProfile, MentorProfile.user_id == peds.id) == 0
        after = db.session.scalar(
            select(RoundUnmatched.message).where(RoundUnmatched.mentee_id == unmatched.id)
        )
        assert "Paul Reyes" not in after and "Deleted user" in after
        [told] = [m for m in mails_to(mentee.email) if m.kind == "account-deleted"]
        assert "proposal of them as your mentor is withdrawn" in told.body_text
        assert "back in the pool" in told.body_text
        # The mentee can be proposed again: nothing of the withdrawn proposal holds them.
        assert count(Mentorship, Mentorship.mentee_id == mentee.id,
                     Mentorship.status.in_(("proposed", "accepted"))) == 0  # fmt: skip
    assert_capacity_invariants(app)


def test_a_failure_midway_changes_nothing(app, world, monkeypatch):
    ana, im = world["ana"], world["im"]

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(privacy, "_forget", broken)
    with app.app_context():
        entries_before = count(AuditEntry)
    with app.app_context():
        with pytest.raises(RuntimeError):
            privacy.delete_account(ana.id, db.session.get(User, ana.id))
        db.session.rollback()
    assert status_of(app, proposal_id(app, ana, im)) == "accepted"
    assert seats(app, im) == (1, 1)
    with app.app_context():
        assert db.session.get(User, ana.id).email == ana.email
        assert count(OutboxMessage, OutboxMessage.kind == "account-deleted") == 0
        assert count(AuditEntry) == entries_before


def test_only_the_person_or_a_coordinator_may_delete_an_account(app, world):
    with app.app_context():
        ben = db.session.get(User, world["ben"].id)
        with pytest.raises(NotFound):
            privacy.delete_account(world["ana"].id, ben)
        assert db.session.get(User, world["ana"].id).active
        coordinator_id, _ = make_user(app, "coordinator")
        privacy.delete_account(world["ana"].id, db.session.get(User, coordinator_id))
        entry = db.session.scalar(
            select(AuditEntry).where(AuditEntry.action == audit.ACCOUNT_DELETED)
        )
        assert entry.actor_id == coordinator_id and entry.details["by"] == "coordinator"
        with pytest.raises(ValidationError, match="already been deleted"):
            privacy.delete_account(world["ana"].id, db.session.get(User, coordinator_id))


def test_the_last_active_coordinator_cannot_delete_their_account(app):
    first_id, first_email = make_user(app, "coordinator")
    with app.app_context():
        first = db.session.get(User, first_id)
        with pytest.raises(ValidationError, match="last active coordinator"):
            privacy.delete_account(first_id, first)
        assert db.session.get(User, first_id).email == first_email
    second_id, _ = make_user(app, "coordinator")
    with app.app_context():
        privacy.delete_account(first_id, db.session.get(User, first_id))
        assert not db.session.get(User, first_id).active
        # A coordinator's actions stay attributed to them in the log.
        entry = db.session.scalar(select(AuditEntry))
        assert first_email in entry.actor_label
        second = db.session.get(User, second_id)
        with pytest.raises(ValidationError, match="last active coordinator"):
            privacy.delete_account(second_id, second)


def test_confirmation_takes_the_password_and_nothing_else(app):
    user_id, email = make_user(app, "mentee")
    with app.app_context():
        privacy.check_confirmation(user_id, TEST_PASSWORD)
        for wrong in ("", "wrong password", email, f"  {email.upper()} ", f" {TEST_PASSWORD}"):
            with pytest.raises(ValidationError, match="not your password"):
                privacy.check_confirmation(user_id, wrong)


def test_a_round_run_before_a_deletion_does_not_propose_the_deleted_person(app):
    mentee = person(app, "mentee", "Dana Cruz")
    mentor = person(app, "mentor", "Lee Park")
    round_id = run_round(app)
    with app.app_context():
        privacy.delete_account(mentee.id, db.session.get(User, mentee.id))
    with pytest.raises(ServiceError, match="no longer active"):
        publish(app, round_id)
    with app.app_context():
        assert count(Mentorship, Mentorship.mentee_id == mentee.id) == 0
        assert mails_to(f"deleted-{mentee.id}@invalid") == []
    assert seats(app, mentor)[1] == 0
