"""A year of made-up mentoring for the demo, so that the dashboard has something to show:
accepted mentorships with meetings held (most pairs steady, some lapsing, some never met),
fit checks and pulses answered (most poor answers followed by a coordinator's note), and
Match results of last year's Match.

Proportional and capped: in each demo programme a quarter of the generated mentees who have
no mentorship there yet get one (at most ``PAIRS_PER_PROGRAMME``), with a generated mentor of
that programme who has a free seat there and overall (the seats are taken, as a proposal
would); a third of the main programme's generated mentees (at most ``RESULTS_CAP``) get a
Match result. All of it is written with bulk inserts in the seeding's transaction, from a
random generator seeded with the demo seed, so the same seed gives the same history. Demo
logins are left alone (their mentorship is the one a person makes by hand).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update

from mentormatch import codes
from mentormatch.demo.generator import MENTEE_EMAIL_DOMAIN, MENTOR_EMAIL_DOMAIN
from mentormatch.extensions import db
from mentormatch.models import (
    CheckIn,
    CheckInKind,
    Meeting,
    MeetingStatus,
    MembershipStatus,
    MenteeProfile,
    MentorProfile,
    Mentorship,
    MentorshipStatus,
    Outcome,
    OutcomeKind,
    PairNote,
    Programme,
    ProgrammeMember,
    Role,
    User,
)
from mentormatch.services.mentorships.calendar import add_months
from mentormatch.services.mentorships.health import CADENCE_DAYS, POOR_FIT

PAIRS_PER_PROGRAMME = 250
RESULTS_CAP = 400
PULSE_DAYS = 60  # as services.mentorships.checkins


def seed_history(programme_ids: list[int], main_id: int, seed: int, now: dt.datetime) -> int:
    """Add the history to programmes that have none yet (a rerun adds nothing); returns how
    many mentorships it added."""
    rng = random.Random(f"history-{seed}")  # noqa: S311 - made-up demo data, not secrets
    added = 0
    for programme_id in sorted(programme_ids):
        added += _programme_history(db.session.get(Programme, programme_id), rng, now)
    _match_results(main_id, rng, now)
    return added


def _generated(role: Role, programme_id: int):
    return (
        select(User.id)
        .join(ProgrammeMember, ProgrammeMember.user_id == User.id)
        .where(
            User.role == role,
            # generated people only, never the demo logins
            User.email.like(
                "%@" + (MENTEE_EMAIL_DOMAIN if role == Role.MENTEE else MENTOR_EMAIL_DOMAIN)
            ),
            ProgrammeMember.programme_id == programme_id,
            ProgrammeMember.status == MembershipStatus.ACTIVE,
        )
    )


def _programme_history(programme: Programme, rng: random.Random, now: dt.datetime) -> int:
    paired = select(Mentorship.mentee_id).where(Mentorship.programme_id == programme.id)
    if db.session.scalar(select(func.count()).where(
        Mentorship.programme_id == programme.id,
        Mentorship.mentee_id.in_(_generated(Role.MENTEE, programme.id)),
    )):  # fmt: skip
        return 0  # it has its history (or a coordinator paired the generated people)
    mentees = list(
        db.session.scalars(
            _generated(Role.MENTEE, programme.id).where(User.id.not_in(paired)).order_by(User.id)
        )
    )
    wanted = min(len(mentees) // 4, PAIRS_PER_PROGRAMME)
    free = []  # (mentor id, free seats)
    for mentor_id, capacity, taken, seats, seats_here in db.session.execute(
        select(MentorProfile.user_id, MentorProfile.capacity, MentorProfile.seats_taken,
               ProgrammeMember.seats, ProgrammeMember.seats_taken)
        .join(ProgrammeMember, ProgrammeMember.user_id == MentorProfile.user_id)
        .where(MentorProfile.user_id.in_(_generated(Role.MENTOR, programme.id)),
               ProgrammeMember.programme_id == programme.id)
        .order_by(MentorProfile.user_id)
    ):  # fmt: skip
        room = capacity - taken if seats is None else min(capacity - taken, seats - seats_here)
        if room > 0:
            free.append([mentor_id, room])
    pairs = []
    while len(pairs) < wanted and free:
        for slot in list(free):
            if len(pairs) == wanted:
                break
            pairs.append((mentees[len(pairs)], slot[0]))
            slot[1] -= 1
            if slot[1] == 0:
                free.remove(slot)
    if not pairs:
        return 0
    span = 30 * programme.mentorship_months
    rows = []
    for mentee_id, mentor_id in pairs:
        accepted = now - dt.timedelta(days=rng.randint(10, span - 10), hours=rng.randint(0, 9))
        rows.append({
            "programme_id": programme.id, "mentee_id": mentee_id, "mentor_id": mentor_id,
            "status": MentorshipStatus.ACCEPTED.value, "created_at": accepted
            - dt.timedelta(days=5), "responded_at": accepted,
            "ends_on": add_months(accepted.date(), programme.mentorship_months),
        })  # fmt: skip
    db.session.execute(insert(Mentorship.__table__), rows)
    ids = dict(
        db.session.execute(
            select(Mentorship.mentee_id, Mentorship.id).where(
                Mentorship.programme_id == programme.id,
                Mentorship.mentee_id.in_([mentee for mentee, _ in pairs]),
            )
        ).all()
    )
    _take_seats(programme.id, [mentor for _, mentor in pairs])
    joined = [
        {"who": row["mentee_id"], "at": row["created_at"] - dt.timedelta(days=rng.randint(10, 60))}
        for row in rows
    ]
    _backdate(programme.id, joined)
    period = dt.timedelta(days=CADENCE_DAYS.get(programme.meeting_cadence, 30))
    meetings, check_ins, notes = [], [], []
    coordinator = db.session.scalar(
        select(User.id).where(User.role == Role.COORDINATOR, User.organisation_wide)
        .order_by(User.id).limit(1)
    )  # fmt: skip
    for row in rows:
        mentorship_id = ids[row["mentee_id"]]
        held = _meetings(row, mentorship_id, period, rng, now, meetings)
        _check_ins(row, mentorship_id, held, rng, now, check_ins)
    for answer in check_ins:  # most poor answers are followed up by a coordinator
        if answer["score"] is not None and answer["score"] <= POOR_FIT and rng.random() < 0.8:
            at = answer["answered_at"] + dt.timedelta(days=rng.randint(1, 8))
            if at < now:
                body = "Called both; agreed how to go on."
                notes.append(
                    {"mentorship_id": answer["mentorship_id"], "author_id": coordinator,
                     "body": body, "created_at": at}
                )  # fmt: skip
    for table, values in ((Meeting, meetings), (CheckIn, check_ins), (PairNote, notes)):
        if values:
            db.session.execute(insert(table.__table__), values)
    return len(rows)


def _take_seats(programme_id: int, mentor_ids: list[int]) -> None:
    """A mentorship holds a seat of its mentor, overall and in the programme."""
    taken: dict[int, int] = defaultdict(int)
    for mentor_id in mentor_ids:
        taken[mentor_id] += 1
    params = [{"who": mentor_id, "n": n} for mentor_id, n in taken.items()]
    profiles = MentorProfile.__table__
    db.session.execute(
        update(profiles)
        .where(profiles.c.user_id == bindparam("who"))
        .values(seats_taken=profiles.c.seats_taken + bindparam("n")),
        params,
        execution_options={"synchronize_session": False},
    )
    members = ProgrammeMember.__table__
    db.session.execute(
        update(members)
        .where(members.c.user_id == bindparam("who"), members.c.programme_id == programme_id)
        .values(seats_taken=members.c.seats_taken + bindparam("n")),
        params,
        execution_options={"synchronize_session": False},
    )


def _meetings(row, mentorship_id, period, rng, now, out) -> list[dt.datetime]:
    """The pair's meetings: steady (most), lapsing after a while, or never met. Returns the
    starts of those held."""
    accepted: dt.datetime = row["responded_at"]
    kind = rng.choices(("steady", "lapsing", "never", "late"), (60, 20, 10, 10))[0]
    if kind == "never":
        return []
    stop = now
    if kind == "lapsing":
        stop = accepted + (now - accepted) * rng.uniform(0.2, 0.7)
    held = []
    moment = accepted + dt.timedelta(days=rng.randint(3, 25 if kind == "late" else 14))
    while moment < stop - dt.timedelta(hours=2):
        held.append(moment.replace(minute=0, second=0, microsecond=0))
        slack = 1.6 if kind == "late" else 1.1
        moment += period * rng.uniform(0.7, slack)
    for k, starts in enumerate(held):
        out.append(_meeting(row, mentorship_id, k, starts, MeetingStatus.HELD, starts
                            - dt.timedelta(days=rng.randint(2, 9))))  # fmt: skip
    if kind == "steady":  # the next one is booked
        starts = (now + dt.timedelta(days=rng.randint(2, 20))).replace(minute=0, second=0)
        out.append(_meeting(row, mentorship_id, len(held), starts, MeetingStatus.ACCEPTED,
                            now - dt.timedelta(days=rng.randint(1, 5))))  # fmt: skip
    return held


def _meeting(row, mentorship_id, k, starts, status, created) -> dict[str, Any]:
    held = status == MeetingStatus.HELD
    return {
        "mentorship_id": mentorship_id, "organizer_id": row["mentor_id"],
        "proposed_by_id": row["mentee_id"], "starts_at": starts, "duration_minutes": 45,
        "time_zone": "UTC", "channel": "video", "agenda": "Progress and next steps",
        "status": status.value, "uid": f"demo-{mentorship_id}-{k}@mentormatch.demo",
        "sequence": 0, "created_at": created, "proposed_at": created,
        "accepted_at": created, "logged_at": starts + dt.timedelta(hours=2) if held else None,
        "logged_by_id": row["mentor_id"] if held else None,
        "notes": "Went through the plan." if held else None,
    }  # fmt: skip


def _check_ins(row, mentorship_id, held, rng, now, out) -> None:
    """The fit check after the first meeting and a pulse every 60 days, both sides; most
    answered within a week, mostly 4s and 5s, a few poor."""
    asks = []
    if held:
        asks.append((CheckInKind.FIT, 0, held[0] + dt.timedelta(hours=6)))
    accepted: dt.datetime = row["responded_at"]
    number = 1
    while accepted + dt.timedelta(days=PULSE_DAYS * number) <= now:
        asks.append((CheckInKind.PULSE, number, accepted + dt.timedelta(days=PULSE_DAYS * number)))
        number += 1
    for kind, number, asked in asks:
        for person in (row["mentee_id"], row["mentor_id"]):
            answered = asked + dt.timedelta(days=rng.randint(0, 7), hours=rng.randint(1, 12))
            answers = rng.random() < 0.75 and answered < now
            score = rng.choices((1, 2, 3, 4, 5), (3, 5, 17, 40, 35))[0] if answers else None
            out.append({
                "mentorship_id": mentorship_id, "user_id": person, "kind": kind.value,
                "number": number, "created_at": asked,
                "answered_at": answered if answers else None, "score": score,
                "comment": "Helpful so far." if answers else None,
            })  # fmt: skip


def _match_results(main: int, rng: random.Random, now: dt.datetime) -> None:
    """Last Match's results for a third of the main programme's generated mentees (capped),
    most matched; skipped for anyone with a result that year already."""
    year = now.year if now.month > 3 else now.year - 1
    recorded = select(Outcome.mentee_id).where(
        Outcome.kind == OutcomeKind.MATCH_RESULT, Outcome.match_year == year
    )
    mentees = db.session.execute(
        select(MenteeProfile.user_id, MenteeProfile.specialty)
        .where(MenteeProfile.user_id.in_(_generated(Role.MENTEE, main)),
               MenteeProfile.user_id.not_in(recorded))
        .order_by(MenteeProfile.user_id)
    ).all()  # fmt: skip
    if db.session.scalar(select(func.count()).select_from(recorded.subquery())):
        return  # results of that Match are there already
    chosen = [row for k, row in enumerate(mentees) if k % 3 == 0][:RESULTS_CAP]
    others = list(codes.SPECIALTY_CODES[:12])
    rows = []
    for mentee_id, specialty in chosen:
        result = rng.choices(("matched", "soap", "not-matched"), (62, 8, 30))[0]
        matched_in = None
        if result != "not-matched":
            matched_in = specialty if specialty and rng.random() < 0.7 else rng.choice(others)
        rows.append({
            "mentee_id": mentee_id, "kind": OutcomeKind.MATCH_RESULT.value,
            "achieved_on": dt.date(year, 3, 20), "match_result": result, "match_year": year,
            "specialty": matched_in, "recorded_at": now, "recorded_by_id": mentee_id,
            "verified_at": now if rng.random() < 0.6 else None,
        })  # fmt: skip
    if rows:
        db.session.execute(insert(Outcome.__table__), rows)
        joined = [{"who": row["mentee_id"], "at": dt.datetime(year - 1, 6, 1, tzinfo=dt.UTC)
                   + dt.timedelta(days=rng.randint(0, 150))} for row in rows]  # fmt: skip
        _backdate(main, joined)


def _backdate(programme_id: int, joined: list[dict[str, Any]]) -> None:
    """Those with a history joined before it began (``who``: user id, ``at``: when)."""
    members = ProgrammeMember.__table__
    db.session.execute(
        update(members)
        .where(members.c.user_id == bindparam("who"), members.c.programme_id == programme_id)
        .values(applied_at=bindparam("at"), decided_at=bindparam("at")),
        joined,
        execution_options={"synchronize_session": False},
    )
