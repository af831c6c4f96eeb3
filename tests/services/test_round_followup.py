"""Following up a round, through the services: re-runs that keep the earlier result, what
publishing would do (or why it cannot), the mentors' answers, extending deadlines, reminding
now, and a top-up round for the mentees whose mentor said no."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from mentormatch.extensions import db
from mentormatch.models import (
    AuditEntry,
    MatchingRound,
    MentorProfile,
    Mentorship,
    MentorshipStatus,
    OutboxMessage,
    RoundPair,
    User,
)
from mentormatch.services import proposals
from mentormatch.services.errors import NotFound, ValidationError
from mentormatch.services.rounds import export, followup, pairs, publishing, transitions
from mentormatch.services.rounds.settings import parse_settings
from tests.proposal_helpers import person, publish, run_round
from tests.round_followup_helpers import (
    DECLINE_REASON,
    build_programme,
    deadline_of,
    move_deadline,
)


@pytest.fixture
def programme(app):
    return build_programme(app)


def pairs_of(round_id):
    rows = db.session.execute(
        select(RoundPair.mentee_id, RoundPair.mentor_id).where(RoundPair.round_id == round_id)
    ).all()
    return {tuple(row) for row in rows}


def outbox(kind: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)))


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


# --- item 6: a re-run is a new round ---------------------------------------------------------


def test_a_rerun_is_a_new_round_linked_to_its_predecessor_which_keeps_its_result(app):
    ana = person(app, "mentee", "Ana Sharma")
    irene = person(app, "mentor", "Irene Mehta")
    person(app, "mentor", "Omar Haddad", state="NJ")
    first = run_round(app, "Spring")
    with app.app_context():
        before = pairs_of(first)
        assert before == {(ana.id, irene.id)}
        from mentormatch.services.rounds import pair_rules

        pair_rules.set_pair_rule(ana.id, irene.id, "forbid", None)
        second = transitions.rerun_round(first, None)
        assert second.id != first and second.rerun_of_id == first
        assert second.name == "Spring (re-run 2)" and second.status == "proposed"
        assert pairs_of(first) == before  # the earlier result is kept
        assert (ana.id, irene.id) not in pairs_of(second.id)
        # changed settings, a re-run of the re-run: still counted from the first run
        third = transitions.rerun_round(
            second.id, None, parse_settings({"name": "Spring (re-run 2)", "objective": "score"})
        )
        assert third.name == "Spring (re-run 3)" and third.rerun_of_id == second.id
        assert third.settings["objective"] == "score"
        named = transitions.rerun_round(first, None, parse_settings({"name": "What if"}))
        assert named.name == "What if" and named.rerun_of_id == first
        assert db.session.get(MatchingRound, first).status == "proposed"
        # a proposed round is never run in place
        with pytest.raises(transitions.TransitionError, match="cannot be started"):
            transitions.start_round(first)
        assert db.session.scalar(select(func.count()).select_from(MatchingRound)) == 4


def test_a_draft_or_failed_round_runs_in_place_and_a_rerun_keeps_its_mentees(app):
    ana = person(app, "mentee", "Ana Sharma")
    person(app, "mentee", "Ben Okafor")
    person(app, "mentor", "Irene Mehta", capacity=2)
    with app.app_context():
        draft = transitions.create_round(
            parse_settings({"name": "Only Ana", "mentee_ids": [ana.id]}), None
        )
        started = transitions.rerun_round(draft.id, None, parse_settings({"name": "Ana only"}))
        assert started.id == draft.id and started.name == "Ana only"
        assert started.settings["mentee_ids"] == [ana.id]
        rerun = transitions.rerun_round(draft.id, None)
        assert rerun.settings["mentee_ids"] == [ana.id]
        assert {mentee for mentee, _ in pairs_of(rerun.id)} == {ana.id}


# --- item 5: what publishing would do, or why it cannot --------------------------------------


def test_the_preview_counts_whom_publishing_emails(app):
    for name, state in (("Ana Sharma", "NY"), ("Ben Okafor", "NY"), ("Cho Lim", "NJ")):
        person(app, "mentee", name, preferred_regions=[state])
    person(app, "mentor", "Irene Mehta", capacity=2)
    person(app, "mentor", "Omar Haddad", state="NJ")
    round_id = run_round(app)
    with app.app_context():
        preview = publishing.preview(round_id)
        assert (preview.proposals, preview.mentors, preview.people) == (3, 2, 5)
        assert preview.publishable and preview.blockers == []


def test_a_round_overtaken_by_another_says_which_pairs_and_why_by_name(app):
    ana = person(app, "mentee", "Ana Sharma")
    ben = person(app, "mentee", "Ben Okafor", specialty="pediatrics", preferred_regions=["TX"])
    person(app, "mentor", "Irene Mehta", capacity=1)
    paul = person(app, "mentor", "Paul Reyes", specialty="pediatrics", state="TX", capacity=2)
    first = run_round(app, "Fresh", mentee_ids=[ana.id])
    stale = run_round(app, "Stale")
    publish(app, first)
    with app.app_context():
        # Paul lowers his capacity to one and takes another mentee elsewhere: full
        other = person(app, "mentee", "Eve Adams", specialty="pediatrics")
        publish(app, run_round(app, "Paul's", mentee_ids=[other.id]))
        db.session.execute(
            update(MentorProfile).where(MentorProfile.user_id == paul.id).values(capacity=1)
        )
        db.session.commit()
        preview = publishing.preview(stale)
        assert not preview.publishable
        reasons = {(b.mentee.name, b.mentor.name): b.reason for b in preview.blockers}
        assert reasons == {
            ("Ana Sharma", "Irene Mehta"): f"the mentee already has a pending proposal from "
            f"round #{first} \u201cFresh\u201d",
            ("Ben Okafor", "Paul Reyes"): "the mentor is full: no free seat is left for another "
            "mentee",
        }
        assert [r.id for r in preview.published_since] == [first]
        # publishing it says the same, in names, and changes nothing
        outbox_before = db.session.scalar(select(func.count()).select_from(OutboxMessage))
        with pytest.raises(publishing.PublishConflictError) as error:
            publishing.publish_round(stale)
        message = str(error.value)
        assert "Ana Sharma with Irene Mehta: the mentee already has a pending proposal" in message
        assert "Ben Okafor with Paul Reyes: the mentor is full" in message
        assert "@example.org" not in message and "->" not in message
        assert db.session.get(MatchingRound, stale).status == "proposed"
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == outbox_before
        assert ben.id not in set(db.session.scalars(select(Mentorship.mentee_id)))


def test_a_deactivated_person_blocks_their_pair(app):
    ana = person(app, "mentee", "Ana Sharma")
    person(app, "mentor", "Irene Mehta")
    round_id = run_round(app)
    with app.app_context():
        db.session.get(User, ana.id).active = False
        db.session.commit()
        (blocker,) = publishing.preview(round_id).blockers
        assert blocker.reason == "the mentee's account is no longer active"


# --- item 2: the answers of a published round ------------------------------------------------


def test_each_pair_carries_its_answer_and_the_totals_add_up(app, programme):
    with app.app_context():
        rows = {row.mentee_name: row for row in pairs.pairs_page(programme.round_id).items}
        assert {name: row.answer.label for name, row in rows.items()} == {
            "Ana Sharma": "accepted", "Ben Okafor": "declined", "Cho Lim": "expired",
            "Dev Patel": "pending",
        }  # fmt: skip
        assert rows["Ben Okafor"].answer.reason == DECLINE_REASON
        assert rows["Dev Patel"].answer.expires_at is not None
        declined = pairs.pairs_page(programme.round_id, state=MentorshipStatus.DECLINED)
        assert [row.mentee_name for row in declined.items] == ["Ben Okafor"]
        totals = followup.answer_totals(programme.round_id)
        assert totals.total == 4 and totals.pending == 1 and totals.overdue == 0
        assert totals.counts[MentorshipStatus.EXPIRED] == 1
        assert totals.rematchable == 2  # Ben and Cho


def test_the_export_has_each_answer_and_the_decline_reason(app, programme):
    with app.app_context():
        lines = list(export.iter_export_csv(programme.round_id))
        assert lines[0].rstrip().endswith("locked,answer,deadline,answered_at,decline_reason")
        by_mentee = {line.split(",")[0]: line for line in lines[1:]}
        assert ",declined,,20" in by_mentee[programme["ben"].email]
        assert DECLINE_REASON in by_mentee[programme["ben"].email]
        assert ",pending,20" in by_mentee[programme["dev"].email]
        only = list(export.iter_export_csv(programme.round_id, MentorshipStatus.ACCEPTED))
        assert len(only) == 2 and only[1].startswith(programme["ana"].email)


def test_extend_one_or_all_pending_deadlines_bounded_audited_and_mailed(app, programme):
    dev = programme.proposals["dev"]
    before = deadline_of(app, dev)
    with app.app_context():
        for days in (0, 31, -2):
            with pytest.raises(ValidationError, match="Extend by 1 to 30 days"):
                proposals.extend_deadlines(programme.round_id, days)
        with pytest.raises(NotFound):  # another round's proposal
            proposals.extend_deadlines(programme.round_id + 1, 3, mentorship_id=dev)
        with pytest.raises(proposals.AnswerError, match="Paul Reyes already answered"):
            proposals.extend_deadlines(programme.round_id, 3, mentorship_id=programme.proposals[
                "ben"])  # fmt: skip
        assert outbox("deadline-extended") == []
        assert proposals.extend_deadlines(programme.round_id, 5, None, dev) == 1
    assert deadline_of(app, dev) - before == timedelta(days=5)
    with app.app_context():
        (mail,) = outbox("deadline-extended")
        assert mail.to_address == programme["nia"].email
        assert "5 more days" in mail.body_text and "Dev Patel" in mail.body_text
        assert (datetime.now(UTC) + timedelta(days=19)).strftime("%d %B %Y") in mail.body_text
        assert audit_actions().count("proposals.extended") == 1
        # all pending of the round: one here; a proposal past its deadline counts from now
        move_deadline(dev, -timedelta(hours=1))
        assert proposals.extend_deadlines(programme.round_id, 2) == 1
    assert abs(deadline_of(app, dev) - (datetime.now(UTC) + timedelta(days=2))) < timedelta(
        minutes=1
    )
    with app.app_context():
        # the expiry sweep leaves an extended proposal alone
        assert proposals.expire_due().done == 0
        assert db.session.get(Mentorship, dev).status == "proposed"


def test_remind_now_mails_once_a_day_and_the_deadline_reminder_still_comes(app, programme):
    dev = programme.proposals["dev"]
    with app.app_context():
        first = proposals.remind_now(programme.round_id)
        again = proposals.remind_now(programme.round_id, mentorship_id=dev)
        assert (first.sent, first.already_today) == (1, 0)
        assert (again.sent, again.already_today) == (0, 1)
        (mail,) = outbox("reminder")
        assert mail.to_address == programme["nia"].email and "Dev Patel" in mail.body_text
        assert audit_actions().count("proposals.reminded") == 1
        # the next day, once more
        db.session.execute(
            update(Mentorship).where(Mentorship.id == dev)
            .values(reminded_at=datetime.now(UTC) - timedelta(days=1))
        )  # fmt: skip
        db.session.commit()
        assert proposals.remind_now(programme.round_id).sent == 1
        # the reminder near the deadline is sent although a coordinator reminded earlier
        near = datetime.now(UTC) + timedelta(days=12)
        assert proposals.remind_due(near).done == 1
        assert proposals.remind_due(near).done == 0
        assert len(outbox("reminder")) == 3


def test_a_top_up_rematches_only_the_declined_and_expired_never_with_the_same_mentor(
    app, programme
):
    with app.app_context():
        top_up = followup.start_top_up(programme.round_id)
        assert top_up.status == "proposed", top_up.error
        assert top_up.top_up_of_id == programme.round_id and top_up.name == "Spring (top-up)"
        assert sorted(top_up.settings["mentee_ids"]) == sorted(
            [programme["ben"].id, programme["cho"].id]
        )
        made = pairs_of(top_up.id)
        assert {mentee for mentee, _ in made} == {programme["ben"].id, programme["cho"].id}
        assert (programme["ben"].id, programme["paul"].id) not in made
        assert (programme["cho"].id, programme["sam"].id) not in made
        assert (programme["ben"].id, programme["rosa"].id) in made
        assert followup.top_ups_of(programme.round_id) == [top_up]
        # once they hold a proposal again, nobody is left to re-match
        publishing.publish_round(top_up.id)
        assert followup.rematch_candidates(programme.round_id) == []
        with pytest.raises(ValidationError, match="No mentee of this round is waiting"):
            followup.start_top_up(programme.round_id)


def test_only_a_published_round_has_a_top_up(app):
    person(app, "mentee", "Ana Sharma")
    person(app, "mentor", "Irene Mehta")
    round_id = run_round(app)
    with app.app_context(), pytest.raises(ValidationError, match="Only a published round"):
        followup.start_top_up(round_id)
