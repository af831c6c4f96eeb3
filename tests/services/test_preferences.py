"""Stated preferences through the services: windows, rank lists, marks, the round's use of
them, the figures it keeps, the mails, and the mentee's outcome after publishing."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from mentormatch.extensions import db
from mentormatch.models import (
    MatchingRound,
    OutboxMessage,
    PairRule,
    Programme,
    RoundPair,
)
from mentormatch.services import proposals
from mentormatch.services.errors import NotFound, ValidationError
from mentormatch.services.preferences import choices, windows
from mentormatch.services.rounds import publishing, transitions
from mentormatch.services.rounds.settings import parse_settings
from tests.helpers import add_mentee, add_mentor, general_programme_id

NOW = datetime.now(UTC)


@pytest.fixture
def people(app):
    """Three mentees and three mentors, all alike: only preferences can tell them apart."""
    with app.app_context():
        found = {
            **{name: add_mentee(name) for name in ("ana", "ben", "cho")},
            **{name: add_mentor(name, capacity=1) for name in ("dr_a", "dr_b", "dr_c")},
        }
        db.session.commit()
        yield {name: user.id for name, user in found.items()}


def draft_round(open_window=True, **raw) -> int:
    created = transitions.create_round(parse_settings({"name": "Spring", **raw}), None)
    if open_window:
        windows.set_window(created.id, None, NOW - timedelta(hours=1), NOW + timedelta(days=3))
    return created.id


def pairs_of(round_id):
    return dict(
        db.session.execute(
            select(RoundPair.mentee_id, RoundPair.mentor_id).where(RoundPair.round_id == round_id)
        ).all()
    )


def test_each_mentee_gets_their_first_choice_when_the_profiles_tie(app, people):
    with app.app_context():
        round_id = draft_round()
        p = people
        choices.save_ranking(p["ana"], round_id, [p["dr_c"], p["dr_a"]])
        choices.save_ranking(p["ben"], round_id, [p["dr_a"], p["dr_c"]])
        choices.save_ranking(p["cho"], round_id, [p["dr_b"]])
        transitions.start_round(round_id)
        assert pairs_of(round_id) == {
            p["ana"]: p["dr_c"],
            p["ben"]: p["dr_a"],
            p["cho"]: p["dr_b"],
        }
        figures = db.session.get(MatchingRound, round_id).summary["preferences"]
        assert figures["rankers"] == 3 and figures["first_choice"] == 3
        assert figures["blocking_pairs"] == 0
        assert figures["other_mode"]["first_choice_share"] == 1.0


def test_the_review_names_who_took_the_seats_of_an_unmatched_mentees_choices(app, people):
    with app.app_context():
        p = people
        db.session.get(Programme, general_programme_id()).preference_unranked_pairs = False
        db.session.commit()
        round_id = draft_round()
        for name in ("ana", "ben", "cho"):
            choices.save_ranking(p[name], round_id, [p["dr_a"]])
        transitions.start_round(round_id)
        figures = db.session.get(MatchingRound, round_id).summary["preferences"]
        # only ranked pairs may be made: one seat for three mentees
        assert len(pairs_of(round_id)) == 1
        assert figures["over_requested"][0] == {
            "mentor_id": p["dr_a"],
            "requests": 3,
            "first_choice": 3,
            "seats": 1,
        }
        assert figures["unmatched_all_full_count"] == 2
        taken_by = figures["unmatched_all_full"][0]["choices"][0]["taken_by"]
        assert taken_by == list(pairs_of(round_id))


def test_a_ranking_is_checked_and_final_when_the_window_closes(app, people):
    with app.app_context():
        p = people
        round_id = draft_round()
        with pytest.raises(ValidationError, match="at most 2"):
            db.session.get(Programme, general_programme_id()).preference_max_ranks = 2
            db.session.commit()
            choices.save_ranking(p["ana"], round_id, [p["dr_a"], p["dr_b"], p["dr_c"]])
        with pytest.raises(ValidationError, match="once"):
            choices.save_ranking(p["ana"], round_id, [p["dr_a"], p["dr_a"]])
        with pytest.raises(ValidationError, match="no free seat"):
            choices.save_ranking(p["ana"], round_id, [p["ben"]])
        choices.save_ranking(p["ana"], round_id, [p["dr_b"], p["dr_a"]])
        later = NOW + timedelta(days=4)
        with pytest.raises(ValidationError, match="closed"):
            choices.save_ranking(p["ana"], round_id, [p["dr_c"]], now=later)
        assert [r.mentor_id for r in choices.ranking_of(p["ana"], round_id)] == [
            p["dr_b"],
            p["dr_a"],
        ]


def test_an_avoid_mark_is_a_forbid_rule_with_its_reason_and_is_honoured(app, people):
    with app.app_context():
        p = people
        round_id = draft_round()
        choices.save_ranking(p["ana"], round_id, [p["dr_a"]])
        _, rankers = choices.rankers_of(p["dr_a"], round_id)
        assert [(r.label, r.name) for r in rankers] == [("Mentee 1", None)]  # anonymous
        with pytest.raises(ValidationError, match="why"):
            choices.set_mark(p["dr_a"], rankers[0].ranking_id, "avoid", "")
        with pytest.raises(NotFound):
            choices.set_mark(p["dr_b"], rankers[0].ranking_id, "prefer")
        choices.set_mark(p["dr_a"], rankers[0].ranking_id, "avoid", "we worked together before")
        rule = db.session.scalar(select(PairRule).where(PairRule.mentee_id == p["ana"]))
        assert (rule.kind, rule.source, rule.note) == (
            "forbid",
            "avoided",
            "we worked together before",
        )
        transitions.start_round(round_id)
        assert pairs_of(round_id).get(p["ana"]) not in (None, p["dr_a"])


def test_clearing_an_avoid_mark_removes_only_its_own_rule(app, people):
    with app.app_context():
        p = people
        round_id = draft_round()
        choices.save_ranking(p["ana"], round_id, [p["dr_a"]])
        _, rankers = choices.rankers_of(p["dr_a"], round_id)
        choices.set_mark(p["dr_a"], rankers[0].ranking_id, "avoid", "conflict of interest")
        choices.set_mark(p["dr_a"], rankers[0].ranking_id, "prefer")
        assert db.session.scalar(select(func.count(PairRule.id))) == 0


def test_named_rankers_when_the_programme_says_so(app, people):
    with app.app_context():
        p = people
        db.session.get(Programme, general_programme_id()).preference_rankers_named = True
        db.session.commit()
        round_id = draft_round()
        choices.save_ranking(p["ben"], round_id, [p["dr_b"], p["dr_a"]])
        _, rankers = choices.rankers_of(p["dr_a"], round_id)
        assert [r.name for r in rankers] == ["Ben"]


def test_window_mails_go_once_each(app, people):
    with app.app_context():
        p = people
        round_id = draft_round()
        choices.save_ranking(p["ana"], round_id, [p["dr_a"]])
        first = windows.send_window_mails(NOW)
        again = windows.send_window_mails(NOW)
        assert (first.opened, again.opened) == (3, 0)
        reminder = windows.send_window_mails(NOW + timedelta(days=2, hours=1))
        assert reminder.reminded == 2  # ben and cho ranked nobody
        closed = windows.send_window_mails(NOW + timedelta(days=4))
        assert closed.closed == 1
        assert windows.send_window_mails(NOW + timedelta(days=5)) == windows.WindowMails()
        kinds = db.session.scalars(select(OutboxMessage.subject)).all()
        assert sum("Choose your mentors" in s for s in kinds) == 3


def test_after_publishing_a_mentee_sees_which_choice_they_got_and_may_decline(app, people):
    with app.app_context():
        p = people
        round_id = draft_round()
        choices.save_ranking(p["ana"], round_id, [p["dr_b"], p["dr_c"], p["dr_a"]])
        choices.save_ranking(p["ben"], round_id, [p["dr_b"]])
        transitions.start_round(round_id)
        publishing.publish_round(round_id)
        (outcome,) = choices.outcomes_for(p["ana"])
        assert outcome.choices == ("Dr_B", "Dr_C", "Dr_A")
        assert (outcome.mentor_name, outcome.rank) == ("Dr_C", 2)
        mentorship = proposals.for_mentee(p["ana"])["current"][0]
        with pytest.raises(ValidationError):
            proposals.decline_as_mentee(mentorship.id, p["ana"], " ")
        with pytest.raises(NotFound):
            proposals.decline_as_mentee(mentorship.id, p["ben"], "not mine")
        declined = proposals.decline_as_mentee(mentorship.id, p["ana"], "I moved to Texas")
        assert (declined.status, declined.response_reason) == ("declined", "I moved to Texas")
        rule = db.session.scalar(select(PairRule).where(PairRule.mentee_id == p["ana"]))
        assert rule.source == "mentee-no"


def test_a_stable_programme_proposes_the_stable_matching_and_keeps_the_optimum_beside(app, people):
    with app.app_context():
        p = people
        db.session.get(Programme, general_programme_id()).preference_mode = "stable"
        db.session.commit()
        round_id = draft_round()
        choices.save_ranking(p["ana"], round_id, [p["dr_a"], p["dr_b"]])
        choices.save_ranking(p["ben"], round_id, [p["dr_a"], p["dr_c"]])
        transitions.start_round(round_id)
        summary = db.session.get(MatchingRound, round_id).summary
        assert summary["certified"] is False  # a stable matching, not the certified optimum
        figures = summary["preferences"]
        assert figures["mode"] == "stable" and figures["blocking_pairs"] == 0
        assert figures["other_mode"]["mode"] == "optimal"
        # dr_a holds the mentee it ranks higher (equal scores: the lower index, ana)
        got = pairs_of(round_id)
        assert got[p["ana"]] == p["dr_a"] and got[p["ben"]] == p["dr_c"]


def test_a_round_without_choices_is_the_round_it_was(app, people):
    with app.app_context():
        round_id = draft_round(open_window=False)
        transitions.start_round(round_id)
        summary = db.session.get(MatchingRound, round_id).summary
        assert "preferences" not in summary and summary["certified"] is True


def test_a_stable_round_says_why_a_mentee_is_left_out(app, people):
    from mentormatch.models import RoundUnmatched
    from mentormatch.services.rounds.unmatched import unmatched_groups

    with app.app_context():
        p = people
        programme = db.session.get(Programme, general_programme_id())
        programme.preference_mode, programme.preference_unranked_pairs = "stable", False
        db.session.commit()
        round_id = draft_round()
        choices.save_ranking(p["ana"], round_id, [p["dr_a"]])
        choices.save_ranking(p["ben"], round_id, [p["dr_a"], p["dr_b"]])
        ben_first = choices.ranking_of(p["ben"], round_id)[0]  # dr_a
        choices.set_mark(p["dr_a"], ben_first.id, "prefer")
        transitions.start_round(round_id)
        # stable: dr_a keeps ben, whom it prefers; the optimum would place ana there and ben
        # with dr_b. cho ranked nobody, and only ranked pairs may be made.
        assert pairs_of(round_id) == {p["ben"]: p["dr_a"]}
        left = dict(
            db.session.execute(select(RoundUnmatched.mentee_id, RoundUnmatched.reason)).all()
        )
        assert left == {p["ana"]: "stable_full", p["cho"]: "no_allowed_mentor"}
        texts = " ".join(g.explanation for g in unmatched_groups(round_id))
        assert "stable on the mentees' choices" in texts


def test_the_choices_weight_is_a_round_setting_kept_with_the_round():
    settings = parse_settings({"name": "R", "preference_weight": "2"})
    assert settings.preference_weight == 2.0
    assert settings.from_json(settings.as_json()).preference_weight == 2.0
    assert parse_settings({"name": "R"}).preference_weight == 0.5
    with pytest.raises(ValidationError, match="between 0 and 10"):
        parse_settings({"name": "R", "preference_weight": "11"})


# -- the reviewer's findings (issue 16) ----------------------------------------------------


def test_rankers_who_ranked_anonymously_cannot_be_named_afterwards(app, people):
    with app.app_context():
        p = people
        programme_id = general_programme_id()
        round_id = draft_round()
        # no rankings yet: the switch is free both ways
        windows.update_programme_settings(programme_id, None, "5", True, True, "optimal")
        windows.update_programme_settings(programme_id, None, "5", False, True, "optimal")
        choices.save_ranking(p["ana"], round_id, [p["dr_a"]])
        with pytest.raises(ValidationError, match="told that their names stay hidden"):
            windows.update_programme_settings(programme_id, None, "5", True, True, "optimal")
        db.session.rollback()
        assert db.session.get(Programme, programme_id).preference_rankers_named is False
        _, rankers = choices.rankers_of(p["dr_a"], round_id)
        assert [r.name for r in rankers] == [None]
        # once the round has run, a later round may name its rankers
        transitions.start_round(round_id)
        windows.update_programme_settings(programme_id, None, "5", True, True, "optimal")
        assert db.session.get(Programme, programme_id).preference_rankers_named is True


def test_an_avoid_mark_on_a_pair_the_coordinators_locked_is_refused_and_not_saved(app, people):
    from mentormatch.models import MentorMark, PairRuleKind, PairRuleSource

    with app.app_context():
        p = people
        round_id = draft_round()
        choices.save_ranking(p["ana"], round_id, [p["dr_a"]])
        db.session.add(
            PairRule(programme_id=general_programme_id(), mentee_id=p["ana"],
                     mentor_id=p["dr_a"], kind=PairRuleKind.LOCK,
                     source=PairRuleSource.COORDINATOR, note="agreed at the kickoff")
        )  # fmt: skip
        db.session.commit()
        _, rankers = choices.rankers_of(p["dr_a"], round_id)
        with pytest.raises(ValidationError, match="coordinators have fixed this pair"):
            choices.set_mark(p["dr_a"], rankers[0].ranking_id, "avoid", "a conflict")
        db.session.rollback()
        assert db.session.scalar(select(func.count(MentorMark.id))) == 0
        rule = db.session.scalar(select(PairRule))
        assert (rule.kind, rule.source) == ("lock", "coordinator")
        choices.set_mark(p["dr_a"], rankers[0].ranking_id, "prefer")  # prefer is fine


def test_rankers_of_a_round_whose_lists_were_imported_without_a_window(app, people):
    from mentormatch.models import MenteeRanking

    with app.app_context():
        p = people
        round_id = draft_round(open_window=False)
        db.session.add(MenteeRanking(round_id=round_id, mentee_id=p["ana"],
                                     mentor_id=p["dr_a"], rank=1))  # fmt: skip
        db.session.commit()
        matching_round, rankers = choices.rankers_of(p["dr_a"], round_id)
        assert matching_round.id == round_id and [r.label for r in rankers] == ["Mentee 1"]


def test_a_mentor_sees_a_rankers_specialty_only_when_the_profile_is_theirs_to_see(app, people):
    from mentormatch.models import Mentorship

    with app.app_context():
        p = people
        programme_id = general_programme_id()
        round_id = draft_round()
        choices.save_ranking(p["ana"], round_id, [p["dr_a"]])
        _, (anonymous,) = choices.rankers_of(p["dr_a"], round_id)
        assert (anonymous.name, anonymous.specialty) == (None, None)
        db.session.get(Programme, programme_id).preference_rankers_named = True
        db.session.commit()
        _, (named,) = choices.rankers_of(p["dr_a"], round_id)
        assert (named.name, named.specialty) == ("Ana", None)  # a name, not her profile
        db.session.add(Mentorship(programme_id=programme_id, mentee_id=p["ana"],
                                  mentor_id=p["dr_a"], status="accepted"))  # fmt: skip
        db.session.commit()
        _, (partner,) = choices.rankers_of(p["dr_a"], round_id)
        assert partner.specialty == "internal-medicine"  # her open partner sees her profile


def test_saving_the_window_again_does_not_send_its_reminder_again(app, people):
    with app.app_context():
        round_id = draft_round()
        window = windows.window_of(round_id)
        opens, closes = window.opens_at, window.closes_at
        near_close = NOW + timedelta(days=2, hours=1)
        assert windows.send_window_mails(near_close).reminded == 3
        windows.set_window(round_id, None, opens, closes)  # the form saved again, unchanged
        assert windows.send_window_mails(near_close).reminded == 0
        windows.set_window(round_id, None, opens, closes + timedelta(days=1))  # moved
        assert windows.send_window_mails(NOW + timedelta(days=3, hours=1)).reminded == 3


def test_the_closing_mail_goes_only_to_rankers_still_in_the_programme(app, people):
    from mentormatch.models import ProgrammeMember, User

    with app.app_context():
        p = people
        round_id = draft_round()
        for name in ("ana", "ben", "cho"):
            choices.save_ranking(p[name], round_id, [p["dr_a"]])
        db.session.get(User, p["ben"]).active = False
        db.session.scalar(
            select(ProgrammeMember).where(ProgrammeMember.user_id == p["cho"])
        ).status = "left"
        db.session.commit()
        assert windows.send_window_mails(NOW + timedelta(days=4)).closed == 1
        subjects = db.session.scalars(select(OutboxMessage.to_address)).all()
        assert subjects == ["ana@mentee.example.org"]


def test_a_double_submit_of_a_list_or_a_mark_is_told_not_a_server_error(app, people):
    from sqlalchemy import event, insert

    from mentormatch.models import MenteeRanking, MentorMark

    with app.app_context():
        p = people
        round_id = draft_round()
        choices.save_ranking(p["ana"], round_id, [p["dr_b"]])

        def other_tab(row_table, values):
            """The other tab's save lands between this one's delete and its insert."""

            def insert_once(session, _context):
                event.remove(db.session(), "after_flush_postexec", insert_once)
                session.execute(insert(row_table).values(**values))

            event.listen(db.session(), "after_flush_postexec", insert_once)

        other_tab(MenteeRanking, dict(round_id=round_id, mentee_id=p["ana"],
                                      mentor_id=p["dr_a"], rank=1))  # fmt: skip
        with pytest.raises(ValidationError, match="another tab"):
            choices.save_ranking(p["ana"], round_id, [p["dr_a"], p["dr_c"]])
        assert [r.mentor_id for r in choices.ranking_of(p["ana"], round_id)] == [p["dr_b"]]
        ranking_id = choices.ranking_of(p["ana"], round_id)[0].id
        other_tab(MentorMark, dict(round_id=round_id, mentor_id=p["dr_b"], mentee_id=p["ana"],
                                   kind="prefer"))  # fmt: skip
        with pytest.raises(ValidationError, match="another tab"):
            choices.set_mark(p["dr_b"], ranking_id, "avoid", "a conflict")
        assert db.session.scalar(select(func.count(MentorMark.id))) == 0
        assert db.session.scalar(select(func.count(PairRule.id))) == 0


def test_the_input_fingerprint_tells_optimal_from_stable(app, people):
    from mentormatch.services.rounds.inputs import load_inputs
    from mentormatch.services.rounds.settings import RoundSettings

    with app.app_context():
        p = people
        round_id = draft_round()
        choices.save_ranking(p["ana"], round_id, [p["dr_a"]])
        settings = RoundSettings.from_json(db.session.get(MatchingRound, round_id).settings)
        optimal = load_inputs(settings, round_id).fingerprint
        db.session.get(Programme, general_programme_id()).preference_mode = "stable"
        db.session.commit()
        assert load_inputs(settings, round_id).fingerprint != optimal
