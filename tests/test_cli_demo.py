"""mentormatch seed-demo: sizes, seed, the logins it prints and what a rerun does."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from mentormatch.demo.seeding import DEMO_LOGINS, DEMO_PASSWORD
from mentormatch.extensions import db
from mentormatch.models import (
    CheckIn,
    Meeting,
    MentorProfile,
    Mentorship,
    Outcome,
    Programme,
    ProgrammeCoordinator,
    ProgrammeMember,
    User,
)
from mentormatch.models.times import utcnow
from mentormatch.services.dashboard import report


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _users(app) -> int:
    with app.app_context():
        return _count(User)


def test_seed_demo_creates_the_cohort_and_prints_logins_that_work(app, runner, auth):
    result = runner.invoke(args=["seed-demo", "--mentees", "30", "--mentors", "8", "--seed", "5"])
    assert result.exit_code == 0, result.output
    assert "created 30 mentees and 8 mentors" in result.output
    for login in DEMO_LOGINS:
        assert re.search(rf"{login.role}\s+{re.escape(login.email)}\s+password: {DEMO_PASSWORD}",
                         result.output)  # fmt: skip
    example = re.search(r"for example (\S+@demo-mentee\.mentormatch\.org)", result.output)
    assert example, result.output
    assert auth.login(example.group(1), DEMO_PASSWORD).headers["Location"] == "/mentee/"
    assert _users(app) == 30 + 8 + len(DEMO_LOGINS)


def test_running_it_again_skips_everyone_already_there(app, runner):
    args = ["seed-demo", "--mentees", "20", "--mentors", "6", "--seed", "8"]
    assert runner.invoke(args=args).exit_code == 0
    again = runner.invoke(args=args)
    assert again.exit_code == 0, again.output
    assert "created 0 mentees and 0 mentors" in again.output
    assert "Skipped 20 mentees and 6 mentors already in the database" in again.output
    assert DEMO_LOGINS[0].email in again.output
    assert _users(app) == 20 + 6 + len(DEMO_LOGINS)


def test_negative_sizes_are_refused(app, runner):
    result = runner.invoke(args=["seed-demo", "--mentees", "-5"])
    assert result.exit_code == 2
    assert "--mentees" in result.output
    assert _users(app) == 0


def test_the_demo_has_two_programmes_and_everyone_seeded_belongs_to_one(app, runner, auth):
    args = ["seed-demo", "--mentees", "40", "--mentors", "10", "--seed", "3"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    research_login = next(login for login in DEMO_LOGINS if login.programme == "research")
    printed = rf"coordinator\s+{re.escape(research_login.email)}\s+password: {DEMO_PASSWORD}"
    assert re.search(printed + r"\s+\(coordinates 'research' only\)", result.output)
    assert re.search(r"Programme 'general': Residency Match \d{4} cohort, \d+ active members",
                     result.output)  # fmt: skip
    assert "Programme 'research': Research mentorship" in result.output
    with app.app_context():
        programmes = {p.slug: p for p in db.session.scalars(select(Programme))}
        assert set(programmes) == {"general", "research"}
        general, research = programmes["general"], programmes["research"]
        assert (general.kind, general.signup_mode) == ("residency", "open")
        assert (research.kind, research.signup_mode, research.mentorship_months) == (
            "research", "approval", 6,
        )  # fmt: skip
        rows = db.session.execute(
            select(User.role, ProgrammeMember.programme_id, ProgrammeMember.status,
                   ProgrammeMember.seats, MentorProfile.capacity, User.id)
            .join(ProgrammeMember, ProgrammeMember.user_id == User.id)
            .outerjoin(MentorProfile, MentorProfile.user_id == User.id)
        ).all()  # fmt: skip
        people = set(db.session.scalars(select(User.id).where(User.role != "coordinator")))
        assert {row.id for row in rows} == people  # every mentee and mentor is a member
        in_general = {row.id for row in rows if row.programme_id == general.id}
        in_research = {row.id for row in rows if row.programme_id == research.id}
        assert len(in_general) > 2 * len(in_research) > 0  # most people are in the main one
        assert {row.role for row in rows if row.programme_id == research.id} == {
            "mentee", "mentor",
        }  # fmt: skip
        both = [r for r in rows if r.role == "mentor" and r.id in in_general & in_research]
        assert both, "some mentors are in both programmes"
        for row in both:
            if row.programme_id == research.id:  # fewer seats in research than overall
                assert row.seats is not None and row.seats <= row.capacity
        assert any(row.status == "pending" for row in rows)  # an application to approve
        coordinator = db.session.scalar(select(User).where(User.email == research_login.email))
        assert not coordinator.organisation_wide
        assert set(
            db.session.scalars(
                select(ProgrammeCoordinator.programme_id).where(
                    ProgrammeCoordinator.user_id == coordinator.id
                )
            )
        ) == {research.id}
        counts = (_count(ProgrammeMember), _count(Programme), _count(ProgrammeCoordinator))
    assert auth.login(research_login.email, DEMO_PASSWORD).headers["Location"] == "/coordinator/"

    again = runner.invoke(args=args)
    assert again.exit_code == 0, again.output
    with app.app_context():  # nothing added on a second run
        assert (_count(ProgrammeMember), _count(Programme), _count(ProgrammeCoordinator)) == counts
    # each programme runs a round of its own members
    for slug in ("general", "research"):
        ran = runner.invoke(args=["round", "run", "--programme", slug])
        assert ran.exit_code == 0, ran.output
        assert re.match(r"Round \d+ proposed: [1-9]\d* of", ran.output), ran.output


def test_the_demo_gives_the_dashboard_a_year_of_mentoring_to_show(app, runner):
    """Meetings, check-in answers and Match results in the main programme: its dashboard
    shows pair health at last month's end, check-in scores and a match rate rather than
    "fewer than 5"; a rerun adds no history twice."""
    args = ["seed-demo", "--mentees", "120", "--mentors", "40", "--seed", "4"]
    assert runner.invoke(args=args).exit_code == 0
    with app.app_context():
        counts = {model: _count(model) for model in (Mentorship, Meeting, CheckIn, Outcome)}
        assert all(counts.values()), counts
        general = db.session.scalar(select(Programme.id).where(Programme.slug == "general"))
        board = report.dashboard(frozenset({general}), utcnow().date())
        sections = {s.key: s for s in board.sections}
        [health] = sections["health"].tables
        last_month = health.stacks()[-1][1]
        assert not last_month[0].figure.suppressed
        assert sum(row.figure.count for row in last_month) == last_month[0].figure.group
        headlines = {row.label: row.figure for row in sections["check-ins"].headlines}
        assert not headlines["Mean score (1 to 5)"].suppressed
        outcomes = {row.label: row.figure for row in sections["outcomes"].headlines}
        assert not outcomes["Match rate"].suppressed
    assert runner.invoke(args=args).exit_code == 0
    with app.app_context():
        assert {model: _count(model) for model in counts} == counts


def test_the_demo_mentee_can_choose_mentors_in_an_open_round_made_once(app, runner, auth):
    args = ["seed-demo", "--mentees", "20", "--mentors", "6", "--seed", "8"]
    assert runner.invoke(args=args).exit_code == 0
    assert runner.invoke(args=args).exit_code == 0  # a rerun makes no second round
    mentee = next(login for login in DEMO_LOGINS if login.role == "mentee")
    auth.login(mentee.email, DEMO_PASSWORD)
    index = auth._client.get("/choices/").get_data(as_text=True)
    found = re.findall(r'href="/choices/rounds/(\d+)"', index)
    assert len(set(found)) == 1, index
    browse = auth._client.get(f"/choices/rounds/{found[0]}")
    assert browse.status_code == 200
    assert "Spring round: mentees choose their mentors" in browse.get_data(as_text=True)
