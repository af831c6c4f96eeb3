"""Pair health over time and check-in scores on the dashboard, against figures this test
works out by hand from the rows it wrote: each pair's state at the ends of April and May 2026
is stated below with the reason, and the check-in figures are counted plainly. A programme of
three pairs is suppressed on its own and counted in the roll-up.

The general programme (monthly cadence), every pair accepted on 1 March 2026:
- g0 met 20 April and 20 May: on track at both ends;
- g1 met 5 March only: meeting due at the end of April (57 days), overdue at the end of May;
- g2 never met: never met at both ends;
- g3 met 25 April, a problem reported 10 May, no note: on track, then at risk;
- g4 met 25 April, a check-in scored 2 on 5 May, a coordinator's note on 8 May: on track,
  then meeting due (37 days, the warning handled);
- g5 met 10 March; a meeting booked on 20 April for 5 May was cancelled on 28 April: meeting
  due at the end of April (nothing booked any more), overdue at the end of May;
- g6 ended on 15 April and a declined proposal: counted at neither end.
The research programme: three pairs accepted on 1 March that never met.
"""

from __future__ import annotations

import statistics
from datetime import UTC, date, datetime

from mentormatch.extensions import db
from mentormatch.models import AuditEntry, CheckIn, Meeting, Mentorship, PairNote
from mentormatch.services import audit
from mentormatch.services.dashboard import export, report
from mentormatch.services.dashboard.figures import SUPPRESSED_TEXT
from mentormatch.services.programmes import catalogue
from tests.helpers import add_mentee, add_mentor, general_programme_id

TODAY = date(2026, 6, 15)
ACCEPTED = datetime(2026, 3, 1, 9, tzinfo=UTC)


def day(month: int, d: int) -> datetime:
    return datetime(2026, month, d, 15, tzinfo=UTC)


EXPECTED = {
    "Apr 2026": {"on-track": 3, "meeting-due": 2, "overdue": 0, "never-met": 1, "at-risk": 0},
    "May 2026": {"on-track": 1, "meeting-due": 1, "overdue": 2, "never-met": 1, "at-risk": 1},
}
# (pair, by its mentor?, kind, answered on or None, score); r* pairs are the research
# programme's
CHECK_INS = [
    ("g0", False, "fit", day(4, 21), 5),
    ("g1", False, "fit", day(3, 6), 4),
    ("g3", False, "fit", day(4, 26), 3),
    ("g4", False, "fit", day(5, 5), 2),
    ("g5", False, "fit", day(3, 11), 4),
    ("g2", False, "pulse", None, None),
    ("r0", False, "fit", day(5, 2), 3),
    ("r0", True, "fit", day(5, 3), 4),
    ("r1", False, "fit", day(5, 4), 5),
    ("r2", False, "fit", day(5, 6), 5),
]


def programme_of(pair: str) -> str:
    return "research" if pair.startswith("r") else "general"


def build(app) -> dict:
    with app.app_context():
        general = general_programme_id()
        research = catalogue.create({"slug": "research", "name": "Research"}, None).id
        mentor = add_mentor("mentor", capacity=20)
        db.session.flush()
        pairs: dict[str, Mentorship] = {}

        def pair(name, programme, **fields):
            mentee = add_mentee(name)
            db.session.flush()
            values = {"status": "accepted", "responded_at": ACCEPTED,
                      "ends_on": date(2027, 3, 1), **fields}  # fmt: skip
            mentorship = Mentorship(programme_id=programme, mentee_id=mentee.id,
                                    mentor_id=mentor.id, **values)  # fmt: skip
            db.session.add(mentorship)
            db.session.flush()
            pairs[name] = mentorship
            return mentorship

        def meeting(mentorship, starts, status="held", created=None, cancelled=None):
            db.session.add(Meeting(
                mentorship_id=mentorship.id, starts_at=starts, duration_minutes=60,
                time_zone="UTC", channel="video", agenda="Plan", status=status,
                uid=f"m{mentorship.id}-{starts.isoformat()}@test",
                created_at=created or starts, proposed_at=created or starts,
                cancelled_at=cancelled,
            ))  # fmt: skip

        for name in ("g0", "g1", "g2", "g3", "g4", "g5"):
            pair(name, general)
        pair("g6", general, status="ended", ended_at=day(4, 15))
        pair("g7", general, status="declined", ends_on=None)
        for k in range(3):
            pair(f"r{k}", research)
        meeting(pairs["g0"], day(4, 20))
        meeting(pairs["g0"], day(5, 20))
        meeting(pairs["g1"], day(3, 5))
        meeting(pairs["g3"], day(4, 25))
        meeting(pairs["g4"], day(4, 25))
        meeting(pairs["g5"], day(3, 10))
        meeting(pairs["g5"], day(5, 5), status="cancelled", created=day(4, 20),
                cancelled=day(4, 28))  # fmt: skip
        meeting(pairs["g6"], day(3, 20))
        db.session.add(AuditEntry(at=day(5, 10), actor_label="Mentee g3",
                                  action=audit.PROBLEM_REPORTED, target_type="mentorship",
                                  target_id=pairs["g3"].id))  # fmt: skip
        db.session.add(PairNote(mentorship_id=pairs["g4"].id, body="Spoke to both.",
                                created_at=day(5, 8)))  # fmt: skip
        for name, by_mentor, kind, answered, score in CHECK_INS:
            mentorship = pairs[name]
            db.session.add(CheckIn(
                mentorship_id=mentorship.id,
                user_id=mentorship.mentor_id if by_mentor else mentorship.mentee_id,
                kind=kind, number=0, created_at=day(3, 1), answered_at=answered, score=score,
            ))  # fmt: skip
        db.session.commit()
        return {"general": general, "research": research}


def health_table(board) -> dict[str, dict[str, object]]:
    [section] = [s for s in board.sections if s.key == "health"]
    [table] = section.tables
    return {label: {row.series: row.figure for row in rows} for label, rows in table.stacks()}


def check_in_tables(board) -> dict[str, dict[str, object]]:
    [section] = [s for s in board.sections if s.key == "check-ins"]
    return {t.key: {row.label: row.figure for row in t.rows} for t in section.tables}


def test_health_at_month_ends_equals_the_states_worked_out_by_hand(app):
    ids = build(app)
    with app.app_context():
        board = report.dashboard(frozenset({ids["general"]}), TODAY)
        shown = health_table(board)
        assert list(shown)[-1] == "May 2026" and len(shown) == 12
        for month, counts in EXPECTED.items():
            for state, count in counts.items():
                figure = shown[month][state]
                assert (figure.count, figure.group) == (count, 6), (month, state)
                assert figure.text == f"{round(100 * count / 6)}% of 6"
        # at the end of February none was accepted yet: nothing shown
        assert all(f.group == 0 and f.suppressed for f in shown["Feb 2026"].values())
        # the end of March: g6 still ran (7 pairs); g1, g5 and g6 had met that month, the
        # other four had not 31 days after acceptance (never met)
        march = shown["Mar 2026"]
        assert march["on-track"].count == 3 and march["never-met"].count == 4
        assert march["on-track"].group == 7

        # three pairs alone: suppressed on the page, the CSV and the chart's words
        alone = report.dashboard(frozenset({ids["research"]}), TODAY)
        for figure in health_table(alone)["May 2026"].values():
            assert figure.group == 3 and figure.suppressed and figure.text == SUPPRESSED_TEXT
        csv_text = export.as_csv(alone)
        assert f"May 2026: Never met,share of running mentorships,{SUPPRESSED_TEXT}" in csv_text
        assert ",3\r\n" not in csv_text.split("Pair health over time", 1)[1].split("Check")[0]

        # rolled up: nine pairs; the research pairs never met
        both = report.dashboard(None, TODAY)
        may = health_table(both)["May 2026"]
        assert (may["never-met"].count, may["never-met"].group) == (1 + 3, 9)
        assert may["on-track"].count == 1


def test_check_in_scores_equal_those_counted_by_hand(app):
    ids = build(app)
    with app.app_context():
        for scope, programmes in (
            (frozenset({ids["general"]}), {"general"}),
            (frozenset({ids["research"]}), {"research"}),
            (None, {"general", "research"}),
        ):
            board = report.dashboard(scope, TODAY)
            tables = check_in_tables(board)
            mine = [c for c in CHECK_INS if programme_of(c[0]) in programmes]
            for kind, title in (("fit", "Fit check"), ("pulse", "Pulse check")):
                asked = [c for c in mine if c[2] == kind]
                scores = [c[4] for c in asked if c[3] is not None]
                rate = tables["answer-rates"][title]
                assert (rate.count, rate.group) == (len(scores), len(asked))
                assert rate.suppressed == (len(asked) < 5)
                mean = tables["mean-scores"][title]
                assert mean.suppressed == (len(scores) < 5)
                if not mean.suppressed:
                    assert mean.value == statistics.fmean(scores)
                else:
                    assert mean.text == SUPPRESSED_TEXT
            may = [c[4] for c in mine if c[3] is not None and c[3].month == 5]
            figure = tables["scores-by-month"]["May 2026"]
            assert figure.group == len(may)
            assert figure.suppressed == (len(may) < 5)
            if may and not figure.suppressed:
                assert figure.value == statistics.fmean(may)
        # the roll-up: 9 of 10 answered, a mean of the nine; May's five answers shown
        rolled = check_in_tables(report.dashboard(None, TODAY))
        assert rolled["mean-scores"]["Fit check"].value == statistics.fmean(
            [5, 4, 3, 2, 4, 3, 4, 5, 5]
        )
        assert rolled["scores-by-month"]["May 2026"].value == statistics.fmean([2, 3, 4, 5, 5])
        # the research programme alone: four answers, every figure suppressed
        alone = report.dashboard(frozenset({ids["research"]}), TODAY)
        line = (
            f"Mean score by kind (1 to 5),Fit check,mean score,{SUPPRESSED_TEXT},{SUPPRESSED_TEXT}"
        )
        assert line in export.as_csv(alone)
