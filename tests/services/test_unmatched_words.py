"""An unmatched mentee's best mentors and why each was not available, stored when the round
runs and read in words."""

from __future__ import annotations

from mentormatch.extensions import db
from mentormatch.models import PairRule, PairRuleKind, PairRuleSource, RoundUnmatched
from mentormatch.services.rounds.unmatched import option_text, unmatched
from tests.helpers import general_programme_id
from tests.proposal_helpers import person, publish, run_round

CHO_RESEARCH = ["case-report", "clinical-trial"]  # 0.85 with the default mentor, others 1.00


def rule(mentee, mentor, kind, source=PairRuleSource.COORDINATOR):
    db.session.add(
        PairRule(
            programme_id=general_programme_id(),
            mentee_id=mentee.id,
            mentor_id=mentor.id,
            kind=kind,
            source=source,
        )
    )


def options_of(app, round_id: int, name: str) -> dict[str, str]:
    with app.app_context():
        (row,) = [row for row in unmatched(round_id) if row.name == name]
        return {option.mentor.name: option.text for option in row.options}, row


def test_a_full_mentor_a_locked_one_and_a_coordinators_forbid_in_words(app):
    ana = person(app, "mentee", "Ana Silva")
    person(app, "mentee", "Eve Adeyemi")
    person(app, "mentee", "Gus Moreno")
    cho = person(app, "mentee", "Cho Park", research_interests=CHO_RESEARCH)
    person(app, "mentor", "Dr Xu", capacity=2)
    kim = person(app, "mentor", "Dr Kim")
    # Dr Fox fits only Cho (0.15), above the minimum score; nobody else may take his seat
    fox = person(app, "mentor", "Dr Fox", specialty="neurology", state="TX",
                 research_interests=["clinical-trial", "basic-lab"])  # fmt: skip
    with app.app_context():
        rule(ana, kim, PairRuleKind.LOCK)
        rule(cho, fox, PairRuleKind.FORBID)
        db.session.commit()
    said, row = options_of(app, run_round(app, min_score=0.1), "Cho Park")
    assert said == {
        "Dr Xu": "full: both its seats went to mentees who score higher with this mentor "
        "(lowest 1.00)",
        "Dr Kim": "full: every seat is held by a locked pair",
        "Dr Fox": "a coordinator forbade this pair",
    }
    assert list(said) == ["Dr Xu", "Dr Kim", "Dr Fox"]  # best score first
    assert row.competing == (
        "3 mentees compete for the 2 seats of 1 mentor; none of them has another allowed mentor "
        "with a free seat."
    )


def test_a_mentor_full_before_the_round_and_a_seat_held_by_a_locked_pair(app):
    dan = person(app, "mentee", "Dan Levi")
    person(app, "mentor", "Dr Busy")
    publish(app, run_round(app, name="First", mentee_ids=[dan.id]))  # Dr Busy takes Dan
    ana = person(app, "mentee", "Ana Silva")
    person(app, "mentee", "Eve Adeyemi")
    person(app, "mentee", "Cho Park", research_interests=CHO_RESEARCH)
    xu = person(app, "mentor", "Dr Xu", capacity=2)
    with app.app_context():
        rule(ana, xu, PairRuleKind.LOCK)
        db.session.commit()
    said, _ = options_of(app, run_round(app, name="Second"), "Cho Park")
    assert said == {
        "Dr Xu": "full: its seat went to a mentee who scores higher with this mentor (1.00); "
        "1 more seat held by locked pairs",
        "Dr Busy": "no free seat: its seat is taken by a current mentee or an open proposal",
    }


def test_option_text_for_the_other_reasons():
    assert option_text({"why": "full", "score": 0.8, "seats": 3, "weakest": 0.8}, "Cho") == (
        "full: all 3 of its seats went to mentees who score as high with this mentor (lowest 0.80)"
    )
    assert option_text({"why": "no_free_seat", "score": 0.8, "capacity": 2}, "Cho") == (
        "no free seat: all 2 of its seats are taken by current mentees or open proposals"
    )
    assert option_text({"why": "forbidden", "score": 0.8, "source": "expired"}, "Cho") == (
        "this mentor let an earlier proposal to Cho expire"
    )
    assert option_text({"why": "free_seat", "score": 0.8}, "Cho").startswith(
        "a seat stayed free, but this pair would lower the total score"
    )


def test_rows_of_an_older_run_read_without_codes(app):
    cho = person(app, "mentee", "Cho Park")
    round_id = run_round(app)  # no mentor at all: Cho is unmatched
    with app.app_context():
        stored = db.session.query(RoundUnmatched).one()
        assert stored.details == {"options": []}
        stored.details = None  # as a row written before details were kept
        db.session.commit()
        (row,) = unmatched(round_id)
    assert row.mentee_id == cho.id and row.options == [] and not row.has_details
    assert row.message and "no_allowed_mentor" not in row.explanation + row.message
