"""Background work (mentormatch.tasks): a task enqueued by name runs where TASK_EXECUTOR
says, in an app context of its own; `round run` runs it in the command, whatever the setting.
The Redis executor and its worker are in test_queue.py."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from mentormatch import tasks
from mentormatch.app import create_app
from mentormatch.extensions import db
from mentormatch.models import MatchingRound, OutboxMessage
from mentormatch.services import mail
from mentormatch.services.rounds import transitions
from mentormatch.services.rounds.settings import parse_settings
from tests.helpers import add_mentee, add_mentor

WAIT_SECONDS = 60


@pytest.fixture
def threaded_app(app_config):
    app = create_app({**app_config, "TASK_EXECUTOR": "thread"})
    yield app
    with app.app_context():
        db.engine.dispose()


def wait_for(app, query, expected):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        with app.app_context():
            if db.session.scalar(query) == expected:
                return
        time.sleep(0.05)
    pytest.fail(f"still not {expected!r} after {WAIT_SECONDS} s")


def test_the_thread_executor_runs_a_round_after_the_request_returns(threaded_app):
    with threaded_app.app_context():
        add_mentee("ana")
        add_mentor("dr_im")
        db.session.commit()
        started = transitions.create_and_start(parse_settings({"name": "threaded"}), None)
        round_id = started.id
    query = select(MatchingRound.status).where(MatchingRound.id == round_id)
    wait_for(threaded_app, query, "proposed")


def test_the_thread_executor_delivers_mail_after_the_commit(threaded_app):
    with threaded_app.app_context():
        mail.enqueue("later@example.org", "In the background", "Body", "test")
        db.session.commit()
    wait_for(threaded_app, select(OutboxMessage.status), "sent")


def test_round_run_runs_the_round_in_the_command_whatever_the_executor(threaded_app):
    with threaded_app.app_context():
        add_mentee("ana")
        add_mentor("dr_im")
        db.session.commit()
    result = threaded_app.test_cli_runner().invoke(args=["round", "run"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Round 1 proposed: 1 of 1 mentees matched")


def test_a_task_failure_is_logged_not_raised_into_the_caller(app, caplog, monkeypatch):
    monkeypatch.setattr(tasks, "TASKS", dict(tasks.TASKS))  # this test's task goes with it
    calls = []

    @tasks.task("tests.fails", queue=tasks.MAIL_QUEUE, timeout=10)
    def fails(number: int) -> None:
        calls.append(number)
        raise RuntimeError("broken task")

    with app.app_context():
        tasks.enqueue("tests.fails", 7)
    assert calls == [7]
    assert "Task tests.fails(7,) failed" in caplog.text


def test_an_unknown_task_name_is_refused(app):
    with app.app_context(), pytest.raises(LookupError, match="No task named 'rounds.runn'"):
        tasks.enqueue("rounds.runn", 1)
