"""Explanations in words on the pages: a mentor's proposal card, a round's pairs, its
unmatched mentees (named mentors, and why each was not available) and its blocking pairs."""

from __future__ import annotations

import html as html_module
import re

import pytest

from mentormatch.extensions import db
from mentormatch.models import PairRule, PairRuleKind, PairRuleSource, RoundUnmatched
from tests.helpers import general_programme_id
from tests.proposal_helpers import person, publish, run_round
from tests.web.test_rounds_web import page

BASE = "/coordinator/rounds"


def section(html: str, start: str, end: str) -> str:
    return html[html.index(f'id="{start}"') : html.index(f'id="{end}"')]


def text_of(markup: str) -> str:
    """The words a person reads: tags dropped, whitespace collapsed."""
    words = " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", markup)).split())
    return words.replace(" .", ".").replace(" ,", ",").replace(" ;", ";").replace(" :", ":")


def test_the_mentors_proposal_card_says_why_in_words(app, client, auth):
    person(
        app,
        "mentee",
        "Amina Khan",
        specialty="dermatology",
        specialty_second="cardiology",
        preferred_regions=["NY", "NJ"],
        research_interests=["case-report", "health-equity"],
        immigration_status="h1b",
        visa_needed="j1",
    )
    lee = person(app, "mentor", "Dr Lee", specialty="cardiology", state="NY",
                 research_interests=["health-equity", "case-report", "basic-lab"])  # fmt: skip
    publish(app, run_round(app))
    auth.login(lee.email)
    card = text_of(page(client, "/mentor/"))
    assert "Why you were matched" in card
    assert "Amina Khan's second choice, cardiology, is your specialty" in card
    assert "You are in New York, one of Amina Khan's preferred states" in card
    assert "You share case reports and health equity" in card
    # the numbers stay, as a secondary detail
    assert "Score 0.80 out of 1 (specialty 0.80, region 1.00, research 0.67)" in card
    assert "J-1" not in card and "H-1B" not in card and "visa" not in card.lower()


@pytest.fixture
def crowded(app):
    """Cho could have had Dr Xu (full with a mentee who scores higher with him), Dr Fox (who
    declined Cho before) or Dr Paz (paused); Dora fits only Dr Yang, below the minimum score."""
    ppl = {
        "ana": person(app, "mentee", "Ana Silva"),
        "eve": person(app, "mentee", "Eve Adeyemi"),
        "cho": person(app, "mentee", "Cho Park",
                      research_interests=["case-report", "clinical-trial"]),
        "dora": person(app, "mentee", "Dora Haddad", specialty="dermatology",
                       preferred_regions=["CA"], research_interests=["basic-lab"]),
        "xu": person(app, "mentor", "Dr Xu"),
        "fox": person(app, "mentor", "Dr Fox"),
        "paz": person(app, "mentor", "Dr Paz", capacity=0),
        "yang": person(app, "mentor", "Dr Yang", specialty="neurology", state="TX",
                       research_interests=["basic-lab", "imaging"]),
    }  # fmt: skip
    with app.app_context():
        db.session.add(
            PairRule(programme_id=general_programme_id(),
                mentee_id=ppl["cho"].id, mentor_id=ppl["fox"].id,
                     kind=PairRuleKind.FORBID, source=PairRuleSource.DECLINED)
        )  # fmt: skip
        db.session.commit()
    return ppl


@pytest.fixture
def unstable(app):
    """Ana and Dr Xu make a blocking pair: the minimum score keeps Ben from Dr Yoon, so
    matching both puts Ana with Dr Yoon and Ben with Dr Xu, though Ana and Dr Xu both score
    higher together."""
    return {
        "ana": person(app, "mentee", "Ana Silva"),
        "ben": person(app, "mentee", "Ben Osei", research_interests=["clinical-trial"]),
        "xu": person(app, "mentor", "Dr Xu"),
        "yoon": person(app, "mentor", "Dr Yoon", specialty="cardiology"),
    }


def review_page(app, client, auth) -> str:
    round_id = run_round(app, min_score=0.6)
    auth.login_as("coordinator")
    return page(client, f"{BASE}/{round_id}")


def test_an_unmatched_mentee_sees_named_mentors_and_why_each_was_not_available(
    app, client, auth, crowded
):
    review = review_page(app, client, auth)
    unmatched = text_of(section(review, "unmatched-title", "excluded-title"))
    cho = unmatched[unmatched.index("Cho Park") : unmatched.index("Dora Haddad")]
    assert "Mentors who fit best, and why they were not available:" in cho
    assert (
        "Dr Xu (score 0.85): full: its seat went to a mentee who scores higher with this "
        "mentor (1.00)."
    ) in cho
    assert "Dr Fox (score 0.85): this mentor declined Cho Park in an earlier proposal." in cho
    assert "Dr Paz (score 0.85): paused: not taking new mentees." in cho
    dora = unmatched[unmatched.index("Dora Haddad") :]
    assert (
        "Dr Yang (score 0.15): the pair scores 0.15, below the round's minimum score of 0.60."
    ) in dora
    # people read words, never the engine's codes
    for code in ("mentors_full", "no_allowed_mentor", "no_seats", "below_minimum", 'paused"'):
        assert code not in section(review, "unmatched-title", "excluded-title")
    with app.app_context():
        stored = db.session.query(RoundUnmatched).filter_by(mentee_id=crowded["cho"].id).one()
        assert [o["mentor_id"] for o in stored.details["options"]] == [
            crowded["xu"].id, crowded["fox"].id, crowded["paz"].id,
        ]  # fmt: skip


def test_the_blocking_pairs_are_listed_in_words(app, client, auth, unstable):
    review = review_page(app, client, auth)
    stability = text_of(section(review, "stability-title", "whatif-title"))
    assert "1 blocking pair" in stability
    assert (
        "Ana Silva and Dr Xu score 1.00 together. Ana Silva scores 0.85 with the proposed "
        "mentor, Dr Yoon; Dr Xu scores 0.70 with Ben Osei, the lowest of the mentees proposed "
        "to them."
    ) in stability


def test_the_pairs_of_a_round_say_why_in_words(app, client, auth, unstable):
    review = review_page(app, client, auth)
    pairs = text_of(section(review, "pairs-title", "unmatched-title"))
    ana = pairs[pairs.index("Ana Silva") :]
    assert ana.index("Dr Yoon") < ana.index(
        "Related specialties: internal medicine (the mentee's specialty interest) and "
        "cardiology (the mentor's specialty)"
    )
    assert "The mentor is in New York, the mentee's preferred state" in ana
    assert "They share case reports" in ana
