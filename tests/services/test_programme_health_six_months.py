"""A test clock drives a cohort through six months, running the nudge and check-in commands'
services every day:

- a pair that meets every 25 days (monthly cadence) stays on track and is never nudged;
- a pair that agreed to meet every two weeks meets twice, then stops: it turns "meeting due",
  then "overdue", and gets exactly one nudge per two-week period (its coordinators told once
  it is overdue);
- a pair that never meets is "never met" three weeks after acceptance and nudged once a month;
- a pair whose mentee answers the fit check after the first meeting with a 1 lands at the top
  of the work queue; she is re-paired to the engine's best free mentor (a forbidden, equally
  good mentor is passed over), the old pair ends and the new mentor accepts.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import func, select, text

from mentormatch.extensions import db
from mentormatch.matching import compute_scores
from mentormatch.models import CheckIn, Mentorship, OutboxMessage, User
from mentormatch.models.times import as_utc
from mentormatch.services import meetings, proposals
from mentormatch.services.mentorships import agreement, checkins, health, nudges, repair
from mentormatch.services.rounds.inputs import load_inputs
from mentormatch.services.rounds.pair_rules import set_pair_rule
from tests.helpers import make_user
from tests.proposal_helpers import person, proposal_id, publish, run_round

T0 = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
DAYS = 183
SPECIALTIES = ("internal-medicine", "pediatrics", "psychiatry", "neurology")


def at(day: int, hour: int = 12) -> datetime:
    return T0 + timedelta(days=day, hours=hour - 9)


def hold(mentorship_id: int, mentee_id: int, mentor_id: int, day: int) -> None:
    """Propose on ``day - 2``, accept, and log after it on ``day``."""
    when = at(day, 10)
    raw = {"date": when.date().isoformat(), "time": "10:00", "time_zone": "UTC",
           "duration_minutes": "60", "channel": "video", "agenda": "Next steps"}  # fmt: skip
    meeting = meetings.propose(mentorship_id, mentee_id, raw, now=at(day - 2))
    meetings.accept(mentorship_id, meeting.id, mentor_id, now=at(day - 2))
    meetings.log(mentorship_id, meeting.id, mentor_id, {"notes": "Fine"}, now=at(day, 11))


def nudged_on(mentorship_id: int) -> datetime | None:
    value = db.session.scalar(select(Mentorship.nudged_at).where(Mentorship.id == mentorship_id))
    return as_utc(value) if value else None


def mails(kind: str, to: str) -> int:
    return db.session.scalar(
        select(func.count()).where(OutboxMessage.kind == kind, OutboxMessage.to_address == to)
    )


@pytest.mark.slow
def test_six_months_of_a_cohort(app):
    mentees = [
        person(app, "mentee", f"Mentee {k}", specialty=s) for k, s in enumerate(SPECIALTIES)
    ]
    mentors = [
        person(app, "mentor", f"Mentor {k}", specialty=s) for k, s in enumerate(SPECIALTIES)
    ]
    assert publish(app, run_round(app, "Spring")) == 4
    # free mentors who join later: two equally good for mentee 3 (the first forbidden with
    # her), one of another specialty
    forbidden = person(app, "mentor", "Fay Forbidden", specialty="neurology")
    best = person(app, "mentor", "Bea Best", specialty="neurology")
    other = person(app, "mentor", "Oto Other", specialty="otolaryngology", state="CA")
    coordinator_id, coordinator_email = make_user(app, "coordinator", "coord@example.org")
    ids = [
        proposal_id(app, mentee, mentor) for mentee, mentor in zip(mentees, mentors, strict=True)
    ]
    steady, stops, silent, poor = ids
    with app.app_context():
        for mentorship_id, mentor in zip(ids, mentors, strict=True):
            proposals.accept(mentorship_id, mentor.id)
        db.session.execute(text("UPDATE mentorships SET responded_at = :t"), {"t": T0})
        db.session.commit()
        for who in (mentees[1], mentors[1]):
            agreement.confirm(
                stops,
                who.id,
                {"cadence": "fortnightly", "channel": "video", "confidentiality": "y"},
            )
        set_pair_rule(mentees[3].id, forbidden.id, "forbid", coordinator_id)
        coordinator = db.session.get(User, coordinator_id)

        meeting_days = {steady: set(range(5, DAYS, 25)), stops: {7, 21}, poor: {10}}
        nudge_days: dict[int, list[int]] = {m: [] for m in ids}
        states: dict[int, dict[int, health.HealthState]] = {m: {} for m in ids}
        repaired = None
        for day in range(DAYS):
            for mentorship_id, days in meeting_days.items():
                if day in days:
                    index = ids.index(mentorship_id)
                    hold(mentorship_id, mentees[index].id, mentors[index].id, day)
            now = at(day)
            watched = [*ids, repaired] if repaired else ids
            before = {m: nudged_on(m) for m in watched}
            nudges.nudge_due(now)
            for m in watched:
                if nudged_on(m) != before[m]:
                    nudge_days.setdefault(m, []).append(day)
            checkins.send_due(now)
            if day == 11:
                # both sides of the first-meeting pair were asked; the mentee answers 1
                asked = {c.user_id: c for c in db.session.scalars(
                    select(CheckIn).where(CheckIn.mentorship_id == poor))}  # fmt: skip
                assert set(asked) == {mentees[3].id, mentors[3].id}
                assert {c.kind for c in asked.values()} == {"fit"}
                checkins.answer(asked[mentees[3].id].id, poor, mentees[3].id, "1",
                                "We do not click.", now=now)  # fmt: skip
                checkins.answer(asked[mentors[3].id].id, poor, mentors[3].id, "4", "", now=now)
            if day == 12:
                queue = health.work_queue(coordinator, now=now)
                assert queue[0].mentorship.id == poor
                assert queue[0].health.state == health.HealthState.AT_RISK
                assert "fit is poor" in queue[0].health.reason
                repaired = _repair(app, coordinator, mentees[3], (forbidden, best, other), now)
            rows = {
                row.mentorship.id: row.health.state
                for row in health.work_queue(coordinator, now=now, include_on_track=True)
            }
            for m in ids:
                if m in rows:
                    states[m][day] = rows[m]

        # the steady pair: on track every day, never nudged
        assert set(states[steady].values()) == {health.HealthState.ON_TRACK}
        assert nudge_days[steady] == []
        # the pair that stopped after day 21 (every two weeks): due on day 35, overdue on 49
        assert states[stops][34] == health.HealthState.ON_TRACK
        assert states[stops][35] == health.HealthState.MEETING_DUE
        assert states[stops][48] == health.HealthState.MEETING_DUE
        assert states[stops][49] == health.HealthState.OVERDUE
        assert states[stops][DAYS - 1] == health.HealthState.OVERDUE
        assert nudge_days[stops] == list(range(35, DAYS, 14))
        # the silent pair: never met from day 21, one nudge a month (its cadence)
        assert states[silent][20] == health.HealthState.ON_TRACK
        assert states[silent][21] == health.HealthState.NEVER_MET
        assert nudge_days[silent] == list(range(21, DAYS, 30))
        # each nudge mailed both people once; coordinators heard of overdue/never-met ones
        for m, k in ((stops, 1), (silent, 2)):
            assert mails("mentorship-nudge", mentees[k].email) == len(nudge_days[m])
            assert mails("mentorship-nudge", mentors[k].email) == len(nudge_days[m])
        # the new pair (accepted on day 12) never met either: from day 33, once a month
        assert nudge_days[repaired] == list(range(33, DAYS, 30))
        told = (
            len([d for d in nudge_days[stops] if d >= 49])
            + len(nudge_days[silent])
            + len(nudge_days[repaired])
        )
        assert mails("mentorship-overdue", coordinator_email) == told
        # the poor-fit pair ended on day 12; its mentee's new mentor accepted
        assert db.session.get(Mentorship, poor).status == "ended"
        assert db.session.get(Mentorship, poor).end_reason == "not-a-good-fit"
        assert db.session.get(Mentorship, repaired).status == "accepted"
        assert db.session.get(Mentorship, repaired).mentor_id == best.id
        # a nudge once more today changes nothing: the period's nudge went out already
        again = nudges.nudge_due(at(DAYS - 1, 13))
        assert again.pairs == 0 and again.already_done >= 2
        # pulses every 60 days went to the pairs still active, both sides
        pulses = db.session.scalars(
            select(CheckIn.number).where(CheckIn.kind == "pulse", CheckIn.mentorship_id == steady)
        ).all()
        assert sorted(pulses) == [1, 1, 2, 2, 3, 3]


def _repair(app, coordinator, mentee, free_mentors, now) -> int:
    """The engine's options for the mentee, checked against the scores computed apart, then
    the best one proposed and accepted."""
    forbidden, best, other = free_mentors
    programme_id = db.session.get(Mentorship, _open_of(mentee.id)).programme_id
    found = repair.options(coordinator, programme_id, mentee.id)
    names = [o.mentor.full_name for o in found.options]
    assert forbidden.name not in names and "Mentor 3" not in names
    assert names[0] == best.name and found.options[0].best
    assert found.options[0].words.reasons, "each option comes with its reasons"
    assert "neurology" in " ".join(r.text.lower() for r in found.options[0].words.reasons)
    # independently: every mentor with a free seat scored against her, the forbidden one and
    # her current mentor left out; the best is Bea Best
    settings = repair.settings_for(found.programme, mentee.id)
    inputs = load_inputs(settings, include_matched=True)
    scores = compute_scores(inputs.mentees, inputs.mentors, settings.score_weights())[0]
    allowed = [
        (float(scores[j]), -int(user_id))
        for j, user_id in enumerate(inputs.mentor_ids)
        if int(user_id) not in (forbidden.id, found.replacing.mentor_id)
    ]
    top = max(allowed)
    assert -top[1] == best.id and np.isclose(top[0], found.options[0].score)
    assert other.name in names and names.index(other.name) > 0
    new = repair.propose(coordinator, programme_id, mentee.id, best.id, now=now)
    proposals.accept(new.id, best.id)
    db.session.execute(
        text("UPDATE mentorships SET responded_at = :t WHERE id = :id"), {"t": now, "id": new.id}
    )
    db.session.commit()
    return new.id


def _open_of(mentee_id: int) -> int:
    return db.session.scalar(
        select(Mentorship.id).where(
            Mentorship.mentee_id == mentee_id, Mentorship.status == "accepted"
        )
    )
