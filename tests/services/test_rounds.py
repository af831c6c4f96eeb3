"""Rounds from the database to proposals and answers, through the services."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from mentormatch.extensions import db
from mentormatch.matching import warmup
from mentormatch.models import (
    MatchingRound,
    MentorProfile,
    Mentorship,
    OutboxMessage,
    PairRule,
    ProgressStage,
    RoundPair,
    RoundUnmatched,
    User,
)
from mentormatch.services import proposals
from mentormatch.services.errors import ValidationError
from mentormatch.services.rounds import (
    export,
    figures,
    lookup,
    pair_rules,
    pairs,
    publishing,
    transitions,
)
from mentormatch.services.rounds import run as round_run
from mentormatch.services.rounds.settings import parse_settings, parse_weights
from tests.helpers import add_mentee, add_mentor


@pytest.fixture
def cohort(app):
    with app.app_context():
        people = {
            "ana": add_mentee("ana", country="IN"),
            "ben": add_mentee("ben", specialty="pediatrics", regions=("TX",), country="NG"),
            "cho": add_mentee("cho", specialty="psychiatry", regions=("CA",), country="PH"),
            "incomplete": add_mentee("incomplete", research=()),
            "dr_im": add_mentor("dr_im", capacity=1),
            "dr_peds": add_mentor("dr_peds", specialty="pediatrics", state="TX", capacity=1),
        }
        db.session.commit()
        yield {name: user.id for name, user in people.items()}


def run(name="Spring", **raw):
    settings = parse_settings({"name": name, **raw})
    created = transitions.create_round(settings, None)
    return transitions.start_round(created.id)


def pairs_of(round_id):
    rows = db.session.execute(
        select(RoundPair.mentee_id, RoundPair.mentor_id).where(RoundPair.round_id == round_id)
    ).all()
    return {tuple(row) for row in rows}


def test_a_round_runs_to_a_certified_proposal_with_reasons_and_a_summary(app, cohort):
    with app.app_context():
        matching_round = run()
        assert matching_round.status == "proposed", matching_round.error
        assert pairs_of(matching_round.id) == {
            (cohort["ana"], cohort["dr_im"]),
            (cohort["ben"], cohort["dr_peds"]),
        }
        summary = matching_round.summary
        assert summary["certified"] is True
        assert summary["mentees"] == 3 and summary["matched"] == 2
        assert {"mentee_id": cohort["incomplete"], "reason": "profile not ready for matching"} in (
            summary["excluded"]
        )
        unmatched = db.session.scalars(select(RoundUnmatched)).all()
        assert [u.mentee_id for u in unmatched] == [cohort["cho"]]
        assert unmatched[0].reason == "no_seats" or "full" in unmatched[0].message
        assert matching_round.engine_version and len(matching_round.input_fingerprint) == 64
        regions = {row["group"]: row for row in summary["fairness"]["home_region"]}
        assert regions["south-asia"]["match_rate"] == 1.0
        assert regions["east-asia-pacific"]["match_rate"] == 0.0


def test_the_same_data_gives_the_same_fingerprint_and_pairs(app, cohort):
    with app.app_context():
        first, second = run("one"), run("one")
        assert first.input_fingerprint == second.input_fingerprint
        assert pairs_of(first.id) == pairs_of(second.id)


def test_a_crash_leaves_the_round_failed_with_nothing_written(app, cohort, monkeypatch):
    from mentormatch.services.rounds import run as run_module

    def broken(problem):
        raise MemoryError("out of memory while solving")

    monkeypatch.setattr(run_module, "solve", broken)
    with app.app_context():
        matching_round = run()
        assert matching_round.status == "failed"
        assert "out of memory" in matching_round.error
        assert db.session.scalar(select(func.count()).select_from(RoundPair)) == 0
        assert db.session.scalar(select(func.count()).select_from(RoundUnmatched)) == 0


def test_a_silent_round_reads_as_failed_writes_nothing_and_runs_again(app, cohort):
    with app.app_context():
        created = transitions.create_round(parse_settings({"name": "Lost worker"}), None)
        silent_since = datetime.now(UTC) - timedelta(seconds=app.config["ROUND_STALE_SECONDS"] + 1)
        created.status = "running"
        created.started_at = created.progress_at = silent_since
        db.session.commit()
        state = transitions.state_of(lookup.get_round(created.id))
        assert state.status == "failed" and "worker running this round stopped" in state.error
        db.session.rollback()  # reading wrote nothing: the row still says running
        assert db.session.get(MatchingRound, created.id).status == "running"
        assert transitions.start_round(created.id).status == "proposed"


def test_publish_sends_proposals_takes_seats_and_cannot_happen_twice(app, cohort):
    with app.app_context():
        matching_round = run()
        assert publishing.publish_round(matching_round.id) == 2
        open_ = db.session.scalars(select(Mentorship).where(Mentorship.status == "proposed"))
        assert {(m.mentee_id, m.mentor_id) for m in open_} == pairs_of(matching_round.id)
        assert (
            db.session.scalar(
                select(MentorProfile.seats_taken).where(MentorProfile.user_id == cohort["dr_im"])
            )
            == 1
        )
        kinds = db.session.scalars(select(OutboxMessage.kind)).all()
        assert kinds.count("proposal") == 4  # one to each mentor, one to each mentee
        with pytest.raises(transitions.TransitionError, match="only a proposed round"):
            publishing.publish_round(matching_round.id)


def test_a_stale_round_publishes_nothing(app, cohort):
    with app.app_context():
        first, second = run("first"), run("second")
        publishing.publish_round(first.id)
        with pytest.raises(publishing.PublishConflictError) as error:
            publishing.publish_round(second.id)
        assert "Nothing was published" in str(error.value)
        assert db.session.get(MatchingRound, second.id).status == "proposed"
        assert db.session.scalar(select(func.count()).select_from(Mentorship)) == 2


def test_answers_shape_the_next_round(app, cohort):
    with app.app_context():
        first = run()
        publishing.publish_round(first.id)
        by_mentor = {m.mentor_id: m for m in db.session.scalars(select(Mentorship))}
        accepted = proposals.accept(by_mentor[cohort["dr_im"]].id, cohort["dr_im"])
        assert accepted.status == "accepted"
        declined = proposals.decline(by_mentor[cohort["dr_peds"]].id, cohort["dr_peds"], "busy")
        assert declined.status == "declined" and declined.response_reason == "busy"
        rules = {(r.mentee_id, r.mentor_id): r.kind for r in db.session.scalars(select(PairRule))}
        assert rules[(cohort["ana"], cohort["dr_im"])] == "lock"
        assert rules[(cohort["ben"], cohort["dr_peds"])] == "forbid"
        with pytest.raises(proposals.AnswerError, match="already accepted"):
            proposals.accept(accepted.id, cohort["dr_im"])
        # ana has a mentor: out of the pool; ben may not get dr_peds again.
        second = run("top-up")
        assert second.status == "proposed"
        assert all(mentee_id != cohort["ana"] for mentee_id, _ in pairs_of(second.id))
        assert (cohort["ben"], cohort["dr_peds"]) not in pairs_of(second.id)
        assert (
            db.session.scalar(
                select(MentorProfile.seats_taken).where(MentorProfile.user_id == cohort["dr_peds"])
            )
            == 0
        )


def test_only_the_proposed_mentor_can_answer(app, cohort):
    with app.app_context():
        publishing.publish_round(run().id)
        proposal = db.session.scalar(
            select(Mentorship).where(Mentorship.mentor_id == cohort["dr_im"])
        )
        from mentormatch.services.errors import NotFound

        with pytest.raises(NotFound):
            proposals.accept(proposal.id, cohort["dr_peds"])
        assert db.session.get(Mentorship, proposal.id).status == "proposed"


def test_expiry_and_reminders_are_idempotent(app, cohort):
    with app.app_context():
        publishing.publish_round(run().id)
        now = datetime.now(UTC)
        assert proposals.remind_due(now).done == 0  # 14 days left: too early
        soon = now + timedelta(days=12)
        assert proposals.remind_due(soon).done == 2
        assert proposals.remind_due(soon).done == 0
        later = now + timedelta(days=15)
        assert proposals.expire_due(later).done == 2
        assert proposals.expire_due(later).done == 0
        statuses = set(db.session.scalars(select(Mentorship.status)))
        assert statuses == {"expired"}
        assert set(db.session.scalars(select(MentorProfile.seats_taken))) == {0}
        assert {r.kind for r in db.session.scalars(select(PairRule))} == {"forbid"}
        kinds = db.session.scalars(select(OutboxMessage.kind)).all()
        assert kinds.count("reminder") == 2 and kinds.count("expired") == 4


def test_ending_a_mentorship_frees_the_seat(app, cohort):
    with app.app_context():
        publishing.publish_round(run().id)
        proposal = db.session.scalar(
            select(Mentorship).where(Mentorship.mentor_id == cohort["dr_im"])
        )
        proposals.accept(proposal.id, cohort["dr_im"])
        ended = proposals.end(proposal.id, db.session.get(User, cohort["ana"]))
        assert ended.status == "ended"
        assert (
            db.session.scalar(
                select(MentorProfile.seats_taken).where(MentorProfile.user_id == cohort["dr_im"])
            )
            == 0
        )
        mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "ended"))
        assert mail.to_address == "dr_im@mentor.example.org"
        # Back in the pool, but never proposed to the same mentor again.
        add_mentor("dr_im2")
        db.session.commit()
        next_round = run("after the end")
        ana_pairs = {j for i, j in pairs_of(next_round.id) if i == cohort["ana"]}
        assert ana_pairs and cohort["dr_im"] not in ana_pairs


def test_coordinator_locks_and_forbids_steer_the_round(app, cohort):
    with app.app_context():
        pair_rules.set_pair_rule(cohort["ana"], cohort["dr_im"], "forbid", None)
        pair_rules.set_pair_rule(cohort["cho"], cohort["dr_im"], "lock", None)
        matching_round = run()
        assert (cohort["cho"], cohort["dr_im"]) in pairs_of(matching_round.id)
        assert (cohort["ana"], cohort["dr_im"]) not in pairs_of(matching_round.id)
        locked = db.session.scalar(
            select(RoundPair.locked).where(RoundPair.mentee_id == cohort["cho"])
        )
        assert locked is True


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x", "objective": "fastest"}, "objective"),
        ({"name": "x", "min_score": "2"}, "min_score"),
        ({"name": "x", "weight_region": "-1"}, "weight_region"),
        ({"name": "x", "weight_specialty": "0", "weight_region": "0", "weight_research": "0"},
         "weight_specialty"),
    ],
)  # fmt: skip
def test_bad_settings_are_explained(raw, field):
    with pytest.raises(ValidationError) as error:
        parse_settings(raw)
    assert field in dict(error.value.errors)


def test_weights_from_the_command_line():
    assert parse_weights("specialty=1, region=0,research=0.5") == {
        "specialty": 1.0, "region": 0.0, "research": 0.5,
        "support": 0.0, "language": 0.0, "img_mentor": 0.0, "visa": 0.0,
    }  # fmt: skip
    with pytest.raises(ValidationError, match="name=value"):
        parse_weights("colour=1")


@pytest.mark.parametrize("who", ["nobody", "no mentors", "no mentees"])
def test_a_round_with_nobody_to_match_finishes_empty(app, who):
    with app.app_context():
        if who == "no mentors":
            add_mentee("ana")
        elif who == "no mentees":
            add_mentor("dr_im")
        db.session.commit()
        matching_round = run("empty")
        assert matching_round.status == "proposed", matching_round.error
        assert matching_round.summary["matched"] == 0
        assert pairs_of(matching_round.id) == set()


def test_a_round_in_a_cold_process_says_it_is_preparing_the_engine(app, cohort, monkeypatch):
    seen = []
    report = round_run.report_progress
    monkeypatch.setattr(
        round_run,
        "report_progress",
        lambda rid, stage, pct: (seen.append(stage), report(rid, stage, pct)),
    )
    monkeypatch.setattr(warmup, "_warm", type(warmup._warm)())  # this process: not yet warm
    with app.app_context():
        finished = run()
        summary = finished.summary
    assert seen[:3] == [ProgressStage.LOADING, ProgressStage.PREPARING, ProgressStage.SCORING]
    assert summary["timings"]["prepare_engine"] > 0
    assert warmup.is_warm()
    with app.app_context():
        run("Again")
    assert seen.count(ProgressStage.PREPARING) == 1


@pytest.fixture
def visa_cohort(app):
    """Raj needs a J-1 and shares his research with Dr None, whose institution sponsors no
    visa; Dr Sponsor's sponsors J-1 and shares Sam's research. One seat each."""
    with app.app_context():
        people = {
            "raj": add_mentee("raj", research=("case-report",), visa_needed="j1"),
            "sam": add_mentee("sam", research=("oncology",), visa_needed="none"),
            "dr_none": add_mentor("dr_none", research=("case-report",), visa_sponsorship="none"),
            "dr_sponsor": add_mentor(
                "dr_sponsor", research=("oncology",), visa_sponsorship="j1"
            ),  # fmt: skip
        }
        db.session.commit()
        return {name: user.id for name, user in people.items()}


def test_the_visa_weight_pairs_a_j1_mentee_with_a_j1_sponsoring_mentor(app, visa_cohort):
    ids = visa_cohort
    with app.app_context():
        off = run("visa off")
        assert pairs_of(off.id) == {(ids["raj"], ids["dr_none"]), (ids["sam"], ids["dr_sponsor"])}
        on = run("visa on", weight_visa="1")
        assert on.status == "proposed" and on.summary["certified"] is True
        assert pairs_of(on.id) == {(ids["raj"], ids["dr_sponsor"]), (ids["sam"], ids["dr_none"])}
        raj = db.session.scalar(
            select(RoundPair).where(RoundPair.round_id == on.id, RoundPair.mentee_id == ids["raj"])
        )
        assert (raj.visa_score, raj.support_score, raj.img_mentor_score) == (1.0, 0.5, 0.5)
        assert on.summary["component_means"]["visa"] == pytest.approx(0.75)
        # the breakdown shows the extras a round weighs, and only those
        on_parts = [c.name for c in pairs.pairs_page(on.id).items[0].components]
        assert on_parts == ["specialty", "region", "research", "visa"]
        off_parts = [c.name for c in pairs.pairs_page(off.id).items[0].components]
        assert off_parts == ["specialty", "region", "research"]
        assert [label for label, _ in figures.review(on.id).component_means] == [
            "Specialty", "Region", "Research", "Visa",
        ]  # fmt: skip


def test_a_round_saved_before_the_extras_still_reviews_and_exports(app, cohort):
    """Settings without the extras' weights and pairs without their values (older rounds)."""
    with app.app_context():
        matching_round = run("older")
        settings = dict(matching_round.settings)
        settings["weights"] = {"specialty": 0.5, "region": 0.2, "research": 0.3}
        matching_round.settings = settings
        db.session.execute(
            update(RoundPair).values(
                support_score=None, language_score=None, img_mentor_score=None, visa_score=None
            )
        )
        db.session.commit()
        page = pairs.pairs_page(matching_round.id)
        assert [c.name for c in page.items[0].components] == ["specialty", "region", "research"]
        assert list(figures.review(matching_round.id).weights) == [
            "specialty", "region", "research",
        ]  # fmt: skip
        lines = list(export.iter_export_csv(matching_round.id))
        assert lines[0].startswith("mentee_email,mentor_email,score,specialty_score")
        header, row = lines[0].rstrip().split(","), lines[1].rstrip().split(",")
        cells = dict(zip(header, row, strict=True))
        extras = ("support_score", "language_score", "img_mentor_score", "visa_score")
        assert [cells[name] for name in extras] == ["", "", "", ""]  # empty for older rounds
        assert cells["locked"] == "no"
