"""A test clock drives six pairs through six months (meetings proposed, accepted and logged,
check-ins asked every day and answered, a coordinator's note), and the programme dashboard
then shows, at each month end, the health states this test expects, which are also what the
live work queue said at that very moment; and check-in answer rates and mean scores equal to
those this test computes from the answers it gave.

The pairs (the programme meets monthly unless the pair agreed otherwise), in days from T0:
- steady: meets every 25 days: on track at every month end;
- stops: agreed to meet every two weeks, met on days 7 and 21, then stopped: on track at the
  end of January, overdue from the end of February;
- silent: never meets: never met at every month end;
- poor: met on day 10, its mentee answered the fit check with a 1 on day 11 (at risk at the
  end of January); a coordinator's note on day 45 handles it; it meets monthly after;
- lapsing: met on days 5 and 40, then nothing booked: meeting due at the end of March,
  overdue at the ends of April and May; met again on day 160: on track at the end of June;
- booked: met on day 8, then booked on day 50 a meeting for day 70: 47 days without a meeting
  at the end of February, but one booked, so on track; monthly after.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from mentormatch.extensions import db
from mentormatch.models import CheckIn, User
from mentormatch.services import meetings, proposals
from mentormatch.services.dashboard import export, report
from mentormatch.services.dashboard.figures import SUPPRESSED_TEXT
from mentormatch.services.mentorships import agreement, checkins, health, notes
from tests.helpers import general_programme_id, make_user
from tests.proposal_helpers import person, proposal_id, publish, run_round

T0 = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
DAYS = 183
SPECIALTIES = ("internal-medicine", "pediatrics", "psychiatry", "neurology", "dermatology",
               "pathology")  # fmt: skip
NAMES = ("steady", "stops", "silent", "poor", "lapsing", "booked")
# (day proposed, day held) of every meeting, per pair
MEETINGS = {
    "steady": [(d - 2, d) for d in range(5, DAYS, 25)],
    "stops": [(5, 7), (19, 21)],
    "silent": [],
    "poor": [(8, 10)] + [(d - 2, d) for d in range(40, DAYS, 30)],
    "lapsing": [(3, 5), (38, 40), (145, 160)],
    "booked": [(6, 8), (50, 70)] + [(d - 2, d) for d in range(100, DAYS, 30)],
}
# the mentee's fit check answer, per pair (every mentor answers 4)
FIT_SCORES = {"steady": 5, "stops": 4, "poor": 1, "lapsing": 3, "booked": 4}
PULSE_SCORE = {"steady": 4, "stops": 3, "silent": 3, "poor": 4, "lapsing": 3, "booked": 5}
ON, DUE, OVER, NEVER, RISK = (health.HealthState.ON_TRACK, health.HealthState.MEETING_DUE,
                              health.HealthState.OVERDUE, health.HealthState.NEVER_MET,
                              health.HealthState.AT_RISK)  # fmt: skip
# the month (that ended) -> each pair's state at its end
EXPECTED = {
    "Jan 2027": {"steady": ON, "stops": ON, "silent": NEVER, "poor": RISK, "lapsing": ON,
                 "booked": ON},
    "Feb 2027": {"steady": ON, "stops": OVER, "silent": NEVER, "poor": ON, "lapsing": ON,
                 "booked": ON},
    "Mar 2027": {"steady": ON, "stops": OVER, "silent": NEVER, "poor": ON, "lapsing": DUE,
                 "booked": ON},
    "Apr 2027": {"steady": ON, "stops": OVER, "silent": NEVER, "poor": ON, "lapsing": OVER,
                 "booked": ON},
    "May 2027": {"steady": ON, "stops": OVER, "silent": NEVER, "poor": ON, "lapsing": OVER,
                 "booked": ON},
    "Jun 2027": {"steady": ON, "stops": OVER, "silent": NEVER, "poor": ON, "lapsing": ON,
                 "booked": ON},
}  # fmt: skip


def at(day: int, hour: int = 12) -> datetime:
    return T0 + timedelta(days=day, hours=hour - 9)


def month_ends_between(start: datetime, end: datetime) -> list[datetime]:
    """Midnights UTC on a month's first day in (start, end]."""
    found, moment = [], datetime(start.year, start.month, 1, tzinfo=UTC)
    while moment <= end:
        if moment > start:
            found.append(moment)
        moment = datetime(moment.year + moment.month // 12, moment.month % 12 + 1, 1,
                          tzinfo=UTC)  # fmt: skip
    return found


@pytest.mark.slow
def test_six_months_show_on_the_dashboard(app):
    mentees = [person(app, "mentee", f"Mentee {n}", specialty=s)
               for n, s in zip(NAMES, SPECIALTIES, strict=True)]  # fmt: skip
    mentors = [person(app, "mentor", f"Mentor {n}", specialty=s)
               for n, s in zip(NAMES, SPECIALTIES, strict=True)]  # fmt: skip
    assert publish(app, run_round(app, "Spring")) == 6
    coordinator_id, _ = make_user(app, "coordinator", "coord@example.org")
    ids = {n: proposal_id(app, mentees[k], mentors[k]) for k, n in enumerate(NAMES)}
    pair_of = {m: n for n, m in ids.items()}
    side = {n: (mentees[k].id, mentors[k].id) for k, n in enumerate(NAMES)}
    with app.app_context():
        for n in NAMES:
            proposals.accept(ids[n], side[n][1])
        db.session.execute(text("UPDATE mentorships SET responded_at = :t"), {"t": T0})
        db.session.commit()
        for who in side["stops"]:
            agreement.confirm(ids["stops"], who,
                              {"cadence": "fortnightly", "channel": "video",
                               "confidentiality": "y"})  # fmt: skip
        coordinator = db.session.get(User, coordinator_id)
        programme_id = general_programme_id()

        live: dict[str, dict[str, health.HealthState]] = {}  # the queue at each month end
        answers: list[tuple[str, datetime, int]] = []  # (kind, answered at, score)
        booked: dict[tuple[str, int], int] = {}  # (pair, day held) -> meeting id
        for day in range(DAYS):
            for moment in month_ends_between(at(day - 1), at(day)):
                month = (moment - timedelta(days=1)).strftime("%b %Y")
                live[month] = {
                    pair_of[row.mentorship.id]: row.health.state
                    for row in health.work_queue(coordinator, now=moment, include_on_track=True)
                }
            for n in NAMES:
                mentee_id, mentor_id = side[n]
                for proposed, held in MEETINGS[n]:
                    if day == proposed:
                        raw = {"date": at(held, 10).date().isoformat(), "time": "10:00",
                               "time_zone": "UTC", "duration_minutes": "60",
                               "channel": "video", "agenda": "Next steps"}  # fmt: skip
                        meeting = meetings.propose(ids[n], mentee_id, raw, now=at(day))
                        meetings.accept(ids[n], meeting.id, mentor_id, now=at(day))
                        booked[(n, held)] = meeting.id
                    if day == held:
                        meetings.log(ids[n], booked[(n, held)], mentor_id, {"notes": "Fine"},
                                     now=at(day, 11))  # fmt: skip
            if day == 45:
                notes.add(ids["poor"], coordinator, "Called them both; they will go on.",
                          now=at(day))  # fmt: skip
            checkins.send_due(at(day))
            # yesterday's requests are answered today: every fit check, the mentees' pulses
            for check_in in db.session.scalars(
                select(CheckIn).where(CheckIn.answered_at.is_(None),
                                      CheckIn.created_at < at(day)).order_by(CheckIn.id)
            ).all():  # fmt: skip
                n = pair_of[check_in.mentorship_id]
                by_mentee = check_in.user_id == side[n][0]
                if check_in.kind == "fit":
                    score = FIT_SCORES[n] if by_mentee else 4
                elif check_in.kind == "pulse" and by_mentee:
                    score = PULSE_SCORE[n]
                else:
                    continue
                checkins.answer(check_in.id, check_in.mentorship_id, check_in.user_id,
                                str(score), "", now=at(day))  # fmt: skip
                answers.append((check_in.kind, at(day), score))

        # the live queue at each month end said what this test expects
        assert live == EXPECTED

        board = report.dashboard(frozenset({programme_id}), at(DAYS - 1).date())
        sections = {s.key: s for s in board.sections}
        table = sections["health"].tables[0]
        stacks = dict(table.stacks())
        assert list(stacks)[-6:] == list(EXPECTED)
        for month, states in EXPECTED.items():
            counts = defaultdict(int)
            for state in states.values():
                counts[state] += 1
            shown = {row.series: row.figure for row in stacks[month]}
            for state in health.HealthState:
                assert shown[state.value].count == counts[state], (month, state)
                assert shown[state.value].group == len(NAMES)
                assert not shown[state.value].suppressed
        # before the cohort began no mentorship ran: nothing to show, and it says so
        for month in list(stacks)[:-6]:
            assert all(row.figure.group == 0 and row.figure.suppressed for row in stacks[month])
        csv_text = export.as_csv(board)
        assert f"Jan 2027: At risk,share of running mentorships,{100 / 6:.1f},6" in csv_text
        assert f"Jul 2026: On track,share of running mentorships,{SUPPRESSED_TEXT}" in csv_text

        # check-in scores: asked, answered and means, from what this test did
        asked = defaultdict(int)
        for kind in db.session.scalars(select(CheckIn.kind)):
            asked[kind] += 1
        # fits after the first meeting (5 pairs met), pulses on days 60, 120 and 180: both
        # sides of each of the 6 pairs
        assert asked == {"fit": 10, "pulse": 36}
        scores = {
            t.key: {row.label: row.figure for row in t.rows} for t in sections["check-ins"].tables
        }
        for kind, title in (("fit", "Fit check"), ("pulse", "Pulse check")):
            mine = [score for k, _, score in answers if k == kind]
            rate = scores["answer-rates"][title]
            assert (rate.count, rate.group) == (len(mine), asked[kind])
            mean = scores["mean-scores"][title]
            assert mean.group == len(mine)
            assert mean.value == pytest.approx(statistics.fmean(mine))
        # pulses asked on day 180 (3 July) are answered on day 181: July's answers are the
        # six mentees' pulses; the close-out survey was never asked, so nothing to show
        assert scores["answer-rates"]["Close-out survey"].suppressed
        july = [score for _, when, score in answers if when.month == 7]
        assert scores["scores-by-month"]["Jul 2027"].value == pytest.approx(statistics.fmean(july))
        by_month = defaultdict(list)
        for _, when, score in answers:
            by_month[when.strftime("%b %Y")].append(score)
        for month, figure in scores["scores-by-month"].items():
            mine = by_month.get(month, [])
            assert figure.group == len(mine)
            assert figure.suppressed == (len(mine) < 5)
            if not figure.suppressed:
                assert figure.value == pytest.approx(statistics.fmean(mine))
