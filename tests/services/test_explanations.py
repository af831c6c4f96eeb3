"""Why a pair was proposed, in words, for mentors, mentees and coordinators."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from mentormatch.extensions import db
from mentormatch.models import MenteeProfile, MentorProfile, OutboxMessage, User
from mentormatch.services.explanations import PHRASES, Audience, pair_words
from mentormatch.services.rounds.settings import WEIGHT_NAMES
from tests.proposal_helpers import person, publish, run_round

WEIGHTS = {"specialty": 0.5, "region": 0.2, "research": 0.3}


def people(mentee_fields=None, mentor_fields=None):
    mentee = User(full_name="Amina Khan", role="mentee")
    mentee.mentee_profile = MenteeProfile(
        **{
            "specialty": "internal-medicine",
            "preferred_regions": ["NY"],
            "research_interests": ["case-report"],
            **(mentee_fields or {}),
        }
    )
    mentor = User(full_name="Dr Lee", role="mentor")
    mentor.mentor_profile = MentorProfile(
        **{
            "specialty": "internal-medicine",
            "state": "NY",
            "research_interests": ["case-report"],
            **(mentor_fields or {}),
        }
    )
    return mentee, mentor


def words(audience=Audience.MENTOR, weights=None, values=None, **fields):
    mentee, mentor = people(fields.get("mentee"), fields.get("mentor"))
    weights = weights or WEIGHTS
    values = values or dict.fromkeys(weights, 0.5)
    found = pair_words(mentee, mentor, values, weights, 0.9, audience)
    return {reason.component: reason.text for reason in found.reasons}


def test_same_specialty_and_the_second_choice_in_words():
    assert words()["specialty"] == "Same specialty (internal medicine)"
    second = words(mentee={"specialty": "dermatology", "specialty_second": "cardiology"},
                   mentor={"specialty": "cardiology"})  # fmt: skip
    assert second["specialty"] == "Amina Khan's second choice, cardiology, is your specialty"
    coordinator = words(
        Audience.COORDINATOR,
        mentee={"specialty": "dermatology", "specialty_second": "cardiology"},
        mentor={"specialty": "cardiology"},
    )
    assert coordinator["specialty"] == (
        "The mentee's second choice, cardiology, is the mentor's specialty"
    )
    sub = words(mentee={"specialty": "cardiology"}, mentor={"subspecialty": "cardiology"})
    assert sub["specialty"] == "Amina Khan's specialty interest, cardiology, is your subspecialty"
    family = words(mentee={"specialty": "cardiology"})
    assert family["specialty"] == (
        "Related specialties: cardiology (Amina Khan's specialty interest) and internal "
        "medicine (your specialty)"
    )
    primary = words(Audience.MENTEE, mentee={"specialty": "pediatrics"})
    assert primary["specialty"] == (
        "Both primary care: pediatrics (your specialty interest) and internal medicine "
        "(Dr Lee's specialty)"
    )


@pytest.mark.parametrize(
    ("preferred", "state", "expected"),
    [
        (["NY", "NJ"], "NY", "You are in New York, one of Amina Khan's preferred states"),
        (["NY"], "NY", "You are in New York, Amina Khan's preferred state"),
        (["middle-atlantic"], "NY",
         "You are in New York, in the Middle Atlantic division, which Amina Khan prefers"),
        (["NY", "NJ"], "PA", "You are in Pennsylvania, in the same census division "
         "(Middle Atlantic) as Amina Khan's preferred states (New York and New Jersey)"),
        (["NY"], "MA", "You are in Massachusetts, in the same census region (Northeast) as "
         "Amina Khan's preferred state (New York)"),
        (["TX"], "NY", "You are in New York, outside Amina Khan's preferred state (Texas)"),
        ([], "NY", "Amina Khan has no regional preference"),
    ],
)  # fmt: skip
def test_the_region_in_words(preferred, state, expected):
    found = words(mentee={"preferred_regions": preferred}, mentor={"state": state})
    assert found["region"] == expected


def test_a_mentee_who_chose_anywhere_has_no_regional_preference():
    found = words(
        Audience.COORDINATOR, mentee={"regions_anywhere": True, "preferred_regions": ["TX"]}
    )
    assert found["region"] == "The mentee has no regional preference"


def test_shared_research_is_named_up_to_three():
    two = words(mentee={"research_interests": ["case-report", "health-equity", "imaging"]},
                mentor={"research_interests": ["health-equity", "case-report"]})  # fmt: skip
    assert two["research"] == "You share case reports and health equity"
    many = ["case-report", "health-equity", "global-health", "img-workforce", "cardiology"]
    five = words(Audience.COORDINATOR, mentee={"research_interests": many},
                 mentor={"research_interests": many})  # fmt: skip
    assert five["research"] == ("They share case reports, health equity, global health and 2 more")
    none = words(mentor={"research_interests": ["basic-lab"]})
    assert none["research"] == "No research interests in common"


def test_the_optional_components_have_words():
    weights = {"support": 0.25, "language": 0.25, "img_mentor": 0.25, "visa": 0.25}
    found = words(
        Audience.COORDINATOR,
        weights=weights,
        mentee={"support_sought": ["interview-prep", "usce-access"], "languages": ["es", "en"],
                "prefers_img_mentor": True, "visa_needed": "j1"},
        mentor={"support_offered": ["usce-access", "interview-prep"], "languages": ["en", "es"],
                "is_img": True, "visa_sponsorship": "both"},
    )  # fmt: skip
    assert found == {
        "support": "The mentor offers interview prep and US clinical experience (USCE) access, "
        "which the mentee is looking for",
        "language": "They both speak Spanish and English",
        "img_mentor": "The mentee prefers an IMG mentor, and the mentor is an IMG too",
        "visa": "The mentor's institution sponsors J-1 and H-1B visas, which the mentee needs",
    }
    assert set(WEIGHT_NAMES) <= set(PHRASES)  # every component a round weighs has words


def test_a_mentor_never_reads_the_mentees_visa_need():
    weights = {**WEIGHTS, "visa": 0.2}
    mentee, mentor = people({"visa_needed": "j1"}, {"visa_sponsorship": "j1"})
    values = dict.fromkeys(weights, 1.0)
    for_mentor = pair_words(mentee, mentor, values, weights, 1.0, Audience.MENTOR)
    assert [r.component for r in for_mentor.reasons] == ["specialty", "region", "research"]
    assert "visa" not in for_mentor.numbers and "J-1" not in str(for_mentor)
    for_mentee = pair_words(mentee, mentor, values, weights, 1.0, Audience.MENTEE)
    assert for_mentee.reasons[-1].text == (
        "Dr Lee's institution sponsors J-1 visas, which you need"
    )


def test_a_component_the_round_did_not_weigh_is_not_a_reason():
    found = words(weights={"specialty": 0.7, "region": 0.0, "research": 0.3})
    assert set(found) == {"specialty", "research"}


def test_the_proposal_mails_say_why_in_words(app):
    amina = person(
        app,
        "mentee",
        "Amina Khan",
        specialty="dermatology",
        specialty_second="cardiology",
        preferred_regions=["NY", "NJ"],
        research_interests=["case-report", "health-equity"],
    )
    lee = person(app, "mentor", "Dr Lee", specialty="cardiology", state="NY",
                 research_interests=["health-equity", "case-report", "basic-lab"])  # fmt: skip
    assert publish(app, run_round(app)) == 1
    with app.app_context():
        mails = {m.to_address: m.body_text for m in db.session.scalars(select(OutboxMessage))}
    to_mentor, to_mentee = mails[lee.email], mails[amina.email]
    assert "Why we propose Amina Khan to you:" in to_mentor
    assert "- Amina Khan's second choice, cardiology, is your specialty" in to_mentor
    assert "- You are in New York, one of Amina Khan's preferred states" in to_mentor
    assert "- You share case reports and health equity" in to_mentor
    assert "(Score 0.80 out of 1: specialty 0.80, region 1.00, research 0.67.)" in to_mentor
    assert "- Your second choice, cardiology, is Dr Lee's specialty" in to_mentee
    assert "- Dr Lee is in New York, one of your preferred states" in to_mentee
    assert "- You and Dr Lee share case reports and health equity" in to_mentee
