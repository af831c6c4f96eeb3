"""The demo cohort: realistic, valid, reproducible, written without duplicates, able to log in."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import func, select

from mentormatch import codes
from mentormatch.countries import country_names, language_names
from mentormatch.demo import generator, seeding, tables
from mentormatch.extensions import db
from mentormatch.models import MenteeProfile, MentorProfile, User
from mentormatch.services import accounts
from mentormatch.services.errors import ValidationError
from mentormatch.services.profile_fields import parse_mentee, parse_mentor
from mentormatch.services.profiles import completeness

YEAR = dt.date.today().year


def _mentees(seed: int, count: int) -> list[generator.GeneratedPerson]:
    return [generator.mentee(seed, number, YEAR) for number in range(1, count + 1)]


def _mentors(seed: int, count: int) -> list[generator.GeneratedPerson]:
    return [generator.mentor(seed, number) for number in range(1, count + 1)]


def _as_form_input(profile: dict) -> dict:
    """What a person would type: USCE as 'type:months' items."""
    return {**profile, "usce": [f"{e['type']}:{e['months']}" for e in profile.get("usce", [])]}


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- the generator ---------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_people_and_another_seed_others():
    assert _mentees(7, 40) == _mentees(7, 40)
    assert _mentors(7, 20) == _mentors(7, 20)
    other = _mentees(8, 40)
    assert {p.email for p in other}.isdisjoint(p.email for p in _mentees(7, 40))
    assert [p.profile for p in other] != [p.profile for p in _mentees(7, 40)]


def test_a_larger_cohort_starts_with_the_smaller_one():
    assert _mentees(3, 60)[:25] == _mentees(3, 25)


def test_emails_are_unique_lowercase_and_name_the_person():
    people = _mentees(1, 300) + _mentors(1, 100)
    emails = [p.email for p in people]
    assert len(set(emails)) == len(emails)
    assert all(e == e.lower() and e.isascii() for e in emails)
    first = people[0]
    assert first.email.endswith(".1-1@demo-mentee.mentormatch.org")
    assert first.email.startswith(generator.email_slug(first.full_name.split()[0]) + ".")
    assert generator.email_slug("María José") == "mariajose"
    assert generator.email_slug("O'Brien") == "obrien"


def test_every_generated_profile_passes_the_shared_validation_unchanged():
    for person in _mentees(11, 300):
        assert parse_mentee(_as_form_input(person.profile)).as_dict() == person.profile
    for person in _mentors(11, 150):
        assert parse_mentor(person.profile).as_dict() == person.profile


def test_mentee_shares_look_like_img_applicants():
    people = _mentees(5, 2000)
    specialties = Counter(p.profile["specialty"] for p in people)
    ranked = [code for code, _ in specialties.most_common()]
    assert ranked[0] == "internal-medicine"
    assert 0.3 < specialties["internal-medicine"] / len(people) < 0.5
    assert set(ranked[1:4]) == {"pediatrics", "family-medicine", "psychiatry"}
    countries = Counter(p.profile["home_country"] for p in people)
    assert countries.most_common(1)[0][0] == "IN"
    assert {c for c, _ in countries.most_common(5)} == {"IN", "PK", "EG", "NG", "PH"}
    assert len(countries) > 30

    by_country = {p.profile["home_country"]: p.profile["degree"] for p in people}
    assert (by_country["IN"], by_country["KE"], by_country["BR"]) == ("mbbs", "mbchb", "md")
    assert sum(p.profile["regions_anywhere"] for p in people) / len(people) == pytest.approx(
        0.25, abs=0.05
    )
    assert sum(p.profile["prefers_img_mentor"] for p in people) / len(people) == pytest.approx(
        0.4, abs=0.05
    )
    scores = [p.profile["usmle_step2ck_score"] for p in people if p.profile["usmle_step2ck_score"]]
    assert 240 < sum(scores) / len(scores) < 250
    assert all(180 <= s <= 300 for s in scores)
    assert Counter(p.profile["usmle_step1"] for p in people).most_common(1)[0][0] == "passed"
    assert Counter(p.profile["visa_needed"] for p in people).most_common(1)[0][0] == "j1"
    assert all(p.profile["specialty"] in p.profile["research_interests"] for p in people)
    assert all(p.profile["languages"][0] == "en" for p in people)
    assert all(2 <= p.profile["hours_per_month"] <= 20 for p in people)
    assert max(p.profile["graduation_year"] for p in people) <= YEAR


def test_mentors_are_spread_over_the_states_with_realistic_capacities():
    people = _mentors(5, 800)
    capacities = Counter(p.profile["capacity"] for p in people)
    assert set(capacities) <= set(range(0, 21))
    assert 0.02 < capacities[0] / len(people) < 0.09  # paused
    assert sum(capacities[c] for c in range(1, 5)) / len(people) > 0.7
    assert any(capacities[c] for c in range(5, 9))
    states = Counter(p.profile["state"] for p in people)
    assert len(states) >= 35
    assert states.most_common(1)[0][0] in {"NY", "CA"}
    assert sum(p.profile["is_img"] for p in people) / len(people) == pytest.approx(0.4, abs=0.06)
    subspecialties = {p.profile["subspecialty"] for p in people} - {None}
    assert {"cardiology", "neonatology"} <= subspecialties
    for person in people:
        sub = person.profile["subspecialty"]
        assert sub is None or codes.SPECIALTY_PARENT[sub] == person.profile["specialty"]
        assert len(person.profile["support_offered"]) >= 2


def test_the_data_covers_every_value_the_generator_can_draw():
    countries = set(tables.HOME_COUNTRY_WEIGHTS)
    assert countries <= set(country_names())
    assert countries <= set(tables.MEDICAL_SCHOOLS)
    assert countries <= set(tables.LANGUAGES_BY_COUNTRY)
    assert countries <= set(tables.NAME_TRADITION)
    assert set(tables.NAME_TRADITION.values()) <= set(tables.NAMES)
    spoken = {
        code
        for always, sometimes in tables.LANGUAGES_BY_COUNTRY.values()
        for code in always + sometimes
    }
    assert spoken <= set(language_names())
    assert set(tables.MENTOR_STATE_WEIGHTS) == set(codes.STATES)
    assert set(tables.STATE_SITES) == set(codes.STATES)
    assert set(tables.PREFERRED_STATE_WEIGHTS) <= set(codes.STATES)
    assert set(tables.RESEARCH_INSTITUTES) <= set(codes.STATES)
    assert set(tables.RESEARCH_TAGS) == set(codes.SPECIALTY_CODES)
    assert set(tables.MENTEE_SPECIALTY_WEIGHTS) <= set(codes.SPECIALTY_CODES)
    assert set(tables.MENTOR_SPECIALTY_WEIGHTS) <= set(codes.SPECIALTY_CODES)


# --- writing the cohort ----------------------------------------------------------------------


def test_seeding_writes_the_cohort_and_a_rerun_duplicates_nobody(app):
    with app.app_context():
        first = seeding.seed_demo(mentees=150, mentors=40, seed=3)
        assert (first.mentees_created, first.mentors_created) == (150, 40)
        assert (first.mentees_skipped, first.mentors_skipped) == (0, 0)
        # the generated people plus one demo mentee and one demo mentor
        assert (_count(MenteeProfile), _count(MentorProfile)) == (151, 41)
        assert _count(User) == 150 + 40 + len(seeding.DEMO_LOGINS)

        again = seeding.seed_demo(mentees=150, mentors=40, seed=3)
        assert (again.mentees_created, again.mentors_created) == (0, 0)
        assert (again.mentees_skipped, again.mentors_skipped) == (150, 40)
        assert _count(User) == 150 + 40 + len(seeding.DEMO_LOGINS)

        larger = seeding.seed_demo(mentees=170, mentors=40, seed=3)
        assert (larger.mentees_created, larger.mentees_skipped) == (20, 150)
        other_seed = seeding.seed_demo(mentees=10, mentors=5, seed=4)
        assert (other_seed.mentees_created, other_seed.mentors_created) == (10, 5)
        assert _count(User) == 170 + 10 + 40 + 5 + len(seeding.DEMO_LOGINS)


def test_stored_profiles_are_the_generated_ones(app):
    with app.app_context():
        seeding.seed_demo(mentees=30, mentors=10, seed=9)
        for person, model, role in (
            (generator.mentee(9, 17, YEAR), MenteeProfile, "mentee"),
            (generator.mentor(9, 4), MentorProfile, "mentor"),
        ):
            user = accounts.find_by_email(person.email)
            assert (user.full_name, user.role, user.active) == (person.full_name, role, True)
            profile = db.session.scalar(select(model).where(model.user_id == user.id))
            assert {name: getattr(profile, name) for name in person.profile} == person.profile
            assert completeness(profile).ready_for_matching


def test_everyone_seeded_can_log_in_with_the_demo_password(app, auth):
    with app.app_context():
        report = seeding.seed_demo(mentees=5, mentors=3, seed=2)
    generated = [
        ("mentee", generator.mentee(2, 5, YEAR).email),
        ("mentor", generator.mentor(2, 3).email),
    ]
    for role, email in [(login.role, login.email) for login in report.logins] + generated:
        response = auth.login(email, seeding.DEMO_PASSWORD)
        assert response.headers["Location"] == f"/{role}/", email
        auth.logout()
    assert auth.login(generated[0][1], "wrong-password-here").status_code != 302


def test_demo_mentee_and_mentor_have_complete_profiles(app):
    with app.app_context():
        seeding.seed_demo(mentees=0, mentors=0)
        mentee = accounts.find_by_email("mentee@demo.mentormatch.org")
        mentor = accounts.find_by_email("mentor@demo.mentormatch.org")
        assert completeness(mentee.mentee_profile).percent == 100
        assert completeness(mentor.mentor_profile).percent == 100
        assert mentee.mentee_profile.home_country == "IN"
        assert mentor.mentor_profile.state in mentee.mentee_profile.preferred_regions


def test_a_demo_login_with_an_empty_profile_gets_the_demo_profile(app):
    with app.app_context():
        accounts.register(
            accounts.NewAccount(
                "mentee@demo.mentormatch.org", "some-long-password", "Earlier Demo", "mentee"
            )
        )
        assert (
            accounts.find_by_email("mentee@demo.mentormatch.org").mentee_profile.specialty is None
        )
        seeding.seed_demo(mentees=0, mentors=0)
        user = accounts.find_by_email("mentee@demo.mentormatch.org")
        assert user.mentee_profile.specialty == "internal-medicine"
        assert user.full_name == "Earlier Demo"  # the account itself is left alone


def test_impossible_sizes_are_refused_with_what_to_do(app):
    with app.app_context():
        with pytest.raises(ValidationError) as caught:
            seeding.seed_demo(mentees=-1, mentors=5, seed=-2)
        fields = [field for field, _ in caught.value.errors]
        assert fields == ["mentees", "seed"]
        assert _count(User) == 0
