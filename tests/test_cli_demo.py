"""mentormatch seed-demo: sizes, seed, the logins it prints and what a rerun does."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from mentormatch.demo.seeding import DEMO_LOGINS, DEMO_PASSWORD
from mentormatch.extensions import db
from mentormatch.models import User


def _users(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


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
