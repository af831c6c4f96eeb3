"""Programmes through the services: settings validated, membership rules, rounds, rules and
seats per programme, and bad input that saves nothing."""

import pytest
from sqlalchemy import func, select

from mentormatch.extensions import db
from mentormatch.models import (
    MatchingRound,
    MentorProfile,
    Mentorship,
    Programme,
    ProgrammeMember,
    User,
)
from mentormatch.services import accounts, seats
from mentormatch.services.errors import NotFound, ValidationError
from mentormatch.services.programmes import access, catalogue, membership
from mentormatch.services.rounds import pair_rules, publishing, transitions
from mentormatch.services.rounds.settings import parse_settings
from tests.helpers import TEST_PASSWORD, add_mentee, add_mentor, general_programme_id

RESEARCH = {
    "slug": "research-2027",
    "name": "Research mentorship 2027",
    "kind": "research",
    "signup_mode": "approval",
    "mentorship_months": "6",
    "eligible_specialties": "internal-medicine, cardiology",
    "eligible_match_years": "2027,2028",
}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def join_research(user, programme) -> None:
    membership.join(programme, user, membership.Via.COORDINATOR)
    db.session.commit()


def run_and_publish(name: str, programme_id: int) -> MatchingRound:
    created = transitions.create_round(
        parse_settings({"name": name, "programme_id": programme_id}), None
    )
    matching_round = transitions.start_round(created.id)
    assert matching_round.status == "proposed", matching_round.error
    publishing.publish_round(matching_round.id)
    return matching_round


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"slug": "Research 2027"}, "slug", "lower-case letters"),
        ({"slug": "general"}, "slug", "already uses 'general'"),
        ({"kind": "hobby"}, "kind", "'hobby' is not one of"),
        ({"starts_on": "2027-06-01", "ends_on": "2027-01-01"}, "ends_on", "before the start"),
        ({"eligible_specialties": "astrology"}, "eligible_specialties", "'astrology' is not"),
        ({"eligible_match_years": "27"}, "eligible_match_years", "'27' is not a year"),
        ({"mentorship_months": "0"}, "mentorship_months", "between 1 and 60"),
        ({"weight_specialty": "-1"}, "weight_specialty", "between 0 and 100"),
    ],
)
def test_a_programme_with_a_bad_field_is_named_and_not_saved(app, change, field, words):
    with app.app_context():
        before = count(Programme)
        with pytest.raises(ValidationError) as refused:
            catalogue.create({**RESEARCH, **change}, None)
        assert [f for f, _ in refused.value.errors] == [field]
        assert words in refused.value.errors[0][1]
        assert count(Programme) == before


def test_commands_name_the_programme_or_are_told_the_choices(app):
    with app.app_context():
        assert catalogue.resolve(None).slug == "general"  # the only one
        catalogue.create(RESEARCH, None)
        with pytest.raises(ValidationError, match="general, research-2027"):
            catalogue.resolve(None)
        with pytest.raises(NotFound, match="'nope' does not exist. Programmes: general"):
            catalogue.resolve("nope")
        assert catalogue.resolve("research-2027").mentorship_months == 6
        catalogue.archive(catalogue.by_slug("research-2027").id, None)
        with pytest.raises(NotFound, match="is archived"):
            catalogue.resolve("research-2027")
        assert catalogue.resolve(None).slug == "general"  # archived ones do not count


def test_an_ineligible_applicant_gets_the_reason_and_no_account(app):
    with app.app_context():
        programme = catalogue.create(RESEARCH, None)
        users = count(User)
        account = accounts.NewAccount(
            "late@example.org", TEST_PASSWORD, "Late Applicant", "mentee"
        )
        with pytest.raises(ValidationError) as refused:
            accounts.register(
                account, programme, answers={"specialty": "dermatology", "target_match_year": 2030}
            )
        assert dict(refused.value.errors) == {
            "specialty": "Research mentorship 2027 is for mentees aiming for one of: "
            "Internal medicine, Cardiology.",
            "target_match_year": "Research mentorship 2027 is for mentees applying to the "
            "Match in 2027, 2028.",
        }
        assert count(User) == users
        assert count(ProgrammeMember) == 0


def test_an_eligible_applicant_awaits_approval_and_both_sides_are_told(app):
    with app.app_context():
        programme = catalogue.create(RESEARCH, None)
        coordinator = accounts.create_coordinator(
            accounts.NewAccount("pc@example.org", TEST_PASSWORD, "Pat Coordinator", "coordinator"),
            programme_ids=[programme.id],
        )
        account = accounts.NewAccount("ada@example.org", TEST_PASSWORD, "Ada Applicant", "mentee")
        user = accounts.register(
            account, programme, answers={"specialty": "cardiology", "target_match_year": "2027"}
        )
        row = membership.member(programme.id, user.id)
        assert row.status == "pending"
        assert user.mentee_profile.target_match_year == 2027
        # the general programme is not joined: she signed up for this one
        assert membership.member(general_programme_id(), user.id) is None
        assert access.programme_ids_for(coordinator) == frozenset({programme.id})
        decided = membership.decide(row.id, True, coordinator)
        assert decided.status == "active"
        with pytest.raises(ValidationError, match="already answered"):
            membership.decide(row.id, False, coordinator)


def test_invitation_only_needs_the_key_and_a_declined_applicant_cannot_reapply(app):
    with app.app_context():
        programme = catalogue.create({**RESEARCH, "signup_mode": "invitation"}, None)
        mentee = add_mentee("ina", specialty="cardiology", target_match_year=2027)
        db.session.commit()
        with pytest.raises(ValidationError, match="by invitation only"):
            membership.join(programme, mentee, membership.Via.PUBLIC, invitation_key="wrong")
        row = membership.join(programme, mentee, membership.Via.PUBLIC, programme.invitation_key)
        assert (row.status, row.joined_via) == ("active", "invitation")


def test_seats_in_a_programme_stay_within_the_overall_capacity(app):
    with app.app_context():
        programme = catalogue.create(RESEARCH, None)
        mentor = add_mentor("sam", capacity=2)
        db.session.commit()
        join_research(mentor, programme)
        with pytest.raises(ValidationError, match="above Sam's overall capacity of 2"):
            membership.set_seats(programme.id, mentor.id, 3, None)
        assert membership.member(programme.id, mentor.id).seats is None
        membership.set_seats(programme.id, mentor.id, 1, None)
        # one seat in research, then it is full there while the overall capacity has room
        assert seats.take_seat(mentor.id, programme.id)
        assert not seats.take_seat(mentor.id, programme.id)
        assert seats.take_seat(mentor.id, general_programme_id())
        # overall capacity 2 reached: full in every programme
        assert not seats.take_seat(mentor.id, general_programme_id())
        db.session.commit()
        profile = db.session.get(MentorProfile, mentor.mentor_profile.id)
        assert profile.seats_taken == 2


def test_a_mentee_in_two_programmes_gets_a_mentor_in_each_within_capacity(app):
    with app.app_context():
        research = catalogue.create({**RESEARCH, "signup_mode": "open"}, None)
        ana = add_mentee("ana", specialty="cardiology")
        lee = add_mentor("lee", specialty="cardiology", capacity=2)
        add_mentor("kim", specialty="cardiology", capacity=1)
        db.session.commit()
        join_research(ana, research)
        join_research(lee, research)
        run_and_publish("General spring", general_programme_id())
        run_and_publish("Research spring", research.id)
        held = dict(
            db.session.execute(
                select(Mentorship.programme_id, Mentorship.mentor_id).where(
                    Mentorship.mentee_id == ana.id, Mentorship.status == "proposed"
                )
            ).all()
        )
        # one open proposal in each programme; the research round saw only its members
        assert set(held) == {general_programme_id(), research.id}
        assert held[research.id] == lee.id
        for profile in db.session.scalars(select(MentorProfile)):
            assert profile.seats_taken <= profile.capacity


def test_a_round_never_mixes_programmes_and_saves_nothing(app):
    with app.app_context():
        research = catalogue.create(RESEARCH, None)
        ana = add_mentee("ana")
        ben = add_mentee("ben")
        db.session.commit()
        join_research(ana, research)
        rounds = count(MatchingRound)
        with pytest.raises(ValidationError, match=r"#\d+ is not an active member of Research"):
            transitions.create_round(
                parse_settings(
                    {"name": "Mixed", "programme_id": research.id, "mentee_ids": [ana.id, ben.id]}
                ),
                None,
            )
        with pytest.raises(ValidationError, match="choose one with --programme"):
            transitions.create_round(parse_settings({"name": "Which?"}), None)
        catalogue.archive(research.id, None)
        with pytest.raises(ValidationError, match="archived: it runs no new rounds"):
            transitions.create_round(
                parse_settings({"name": "Late", "programme_id": research.id}), None
            )
        assert count(MatchingRound) == rounds


def test_a_forbid_in_one_programme_does_not_hold_in_another(app):
    with app.app_context():
        research = catalogue.create({**RESEARCH, "signup_mode": "open"}, None)
        ana = add_mentee("ana", specialty="cardiology")
        lee = add_mentor("lee", specialty="cardiology", capacity=2)
        db.session.commit()
        join_research(ana, research)
        join_research(lee, research)
        pair_rules.set_pair_rule(
            ana.id, lee.id, "forbid", None, programme_id=general_programme_id()
        )
        general = run_and_publish("General", general_programme_id())
        assert general.pairs == []
        run_and_publish("Research", research.id)
        (held,) = db.session.scalars(select(Mentorship).where(Mentorship.mentee_id == ana.id))
        assert (held.programme_id, held.mentor_id) == (research.id, lee.id)


def test_a_new_programme_answers_within_the_service_default_unless_it_sets_its_own(app):
    app.config["PROPOSAL_DAYS"] = 9
    with app.app_context():
        assert catalogue.create(RESEARCH, None).answer_days == 9
        own = catalogue.create({**RESEARCH, "slug": "own", "answer_days": "21"}, None)
        assert own.answer_days == 21
