"""Rounds and mail on a real Redis job queue, run by real `mentormatch worker` processes."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from mentormatch.app import create_app
from mentormatch.demo import seeding
from mentormatch.extensions import db
from mentormatch.models import MatchingRound, OutboxMessage, RoundPair
from mentormatch.services.programmes import catalogue
from mentormatch.services.rounds import lookup, publishing, transitions
from mentormatch.services.rounds.settings import parse_settings
from tests.helpers import add_mentee, add_mentor
from tests.redis_server import clean_redis, redis_url  # noqa: F401 - fixtures

WORKER_TIMEOUT = 120


@pytest.fixture
def queue_app(database_url, clean_redis):  # noqa: F811
    config = {
        "ENV": "testing",
        "DATABASE_URL": database_url,
        "REDIS_URL": clean_redis,
        "TASK_EXECUTOR": "rq",
        "ROUND_STALE_SECONDS": 2,
    }
    app = create_app(config)
    yield app
    with app.app_context():
        db.engine.dispose()


def worker_env(app) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MENTORMATCH_")}
    env.update(
        MENTORMATCH_ENV="testing",
        MENTORMATCH_DATABASE_URL=app.config["DATABASE_URL"],
        MENTORMATCH_REDIS_URL=app.config["REDIS_URL"],
    )
    return env


def run_worker(app, *args):
    return subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "-m", "mentormatch", "worker", *args],
        env=worker_env(app),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: the worker and its work horse
    )


def children_of(pid: int) -> list[int]:
    """Direct children of ``pid``, read from /proc (Linux)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                children.append(int(stat.parent.name))
    return children


def burst(app) -> str:
    process = run_worker(app, "--burst")
    output, _ = process.communicate(timeout=WORKER_TIMEOUT)
    assert process.returncode == 0, output
    return output


def round_status(app, round_id):
    with app.app_context():
        return db.session.get(MatchingRound, round_id).status


def test_a_round_runs_on_the_worker_not_in_the_request(queue_app):
    with queue_app.app_context():
        add_mentee("ana")
        add_mentor("dr_im")
        db.session.commit()
        started = transitions.create_and_start(parse_settings({"name": "queued"}), None)
        round_id = started.id
        assert started.status == "running"  # queued, nothing ran in this process
    burst(queue_app)
    assert round_status(queue_app, round_id) == "proposed"
    with queue_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RoundPair)) == 1


def test_mail_is_delivered_by_the_worker(queue_app):
    with queue_app.app_context():
        add_mentee("ana")
        add_mentor("dr_im")
        db.session.commit()
        round_id = transitions.create_and_start(parse_settings({"name": "mail"}), None).id
    burst(queue_app)
    with queue_app.app_context():
        publishing.publish_round(round_id)
        statuses = set(db.session.scalars(select(OutboxMessage.status)))
        assert statuses == {"pending"}  # queued for the worker, not sent by the request
    burst(queue_app)
    with queue_app.app_context():
        assert set(db.session.scalars(select(OutboxMessage.status))) == {"sent"}


@pytest.mark.slow
def test_a_worker_killed_mid_round_leaves_it_failed_and_retryable(queue_app):
    with queue_app.app_context():
        seeding.seed_demo(mentees=2500, mentors=500, seed=3)
        main = catalogue.by_slug(seeding.MAIN_PROGRAMME).id  # the demo has two programmes
        settings = parse_settings({"name": "killed", "programme_id": main})
        round_id = transitions.create_and_start(settings, None).id
    worker = run_worker(queue_app)
    try:
        deadline = time.monotonic() + WORKER_TIMEOUT
        stage = "queued"
        while stage in ("queued", None) and time.monotonic() < deadline:
            with queue_app.app_context():
                row = db.session.get(MatchingRound, round_id)
                stage = row.progress_stage
                db.session.rollback()
            time.sleep(0.01)
        assert stage in ("loading", "scoring", "solving", "saving"), stage
        # The worker and the work horse it forked (RQ puts it in a session of its own) die
        # together, as on a crashed machine.
        for pid in [*children_of(worker.pid), worker.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
    time.sleep(0.5)
    with queue_app.app_context():
        assert db.session.get(MatchingRound, round_id).status == "running"
        assert db.session.scalar(select(func.count()).select_from(RoundPair)) == 0
    time.sleep(2.5)  # ROUND_STALE_SECONDS = 2
    with queue_app.app_context():
        failed = transitions.state_of(lookup.get_round(round_id))
        assert failed.status == "failed"
        assert "worker running this round stopped" in failed.error
        assert db.session.scalar(select(func.count()).select_from(RoundPair)) == 0
        transitions.start_round(round_id)
    burst(queue_app)
    assert round_status(queue_app, round_id) == "proposed"
