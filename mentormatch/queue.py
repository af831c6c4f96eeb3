"""The Redis job queue (RQ) for work that must not run inside a web request.

With MENTORMATCH_REDIS_URL set, rounds and mail delivery are queued here and run by
`mentormatch worker`; without it they run in-process (rounds in a background thread, mail
right after the change). Each job builds its own app and database connection, so a job never
shares a connection with the process that forked it.
"""

from __future__ import annotations

from flask import current_app

ROUNDS_QUEUE = "rounds"
MAIL_QUEUE = "mail"
QUEUES = (ROUNDS_QUEUE, MAIL_QUEUE)
# A round of 100,000 mentees takes about a minute; allow generously more before RQ kills it.
ROUND_JOB_TIMEOUT = 30 * 60
MAIL_JOB_TIMEOUT = 10 * 60


def redis_url() -> str | None:
    return current_app.config.get("REDIS_URL") or None


def connection(url: str | None = None):
    from redis import Redis

    return Redis.from_url(url or redis_url())


def queue(name: str, url: str | None = None):
    from rq import Queue

    return Queue(name, connection=connection(url))


def enqueue_round(round_id: int) -> None:
    queue(ROUNDS_QUEUE).enqueue(
        "mentormatch.queue.run_round_job",
        round_id,
        job_timeout=ROUND_JOB_TIMEOUT,
        description=f"matching round {round_id}",
    )


def enqueue_mail_delivery() -> None:
    queue(MAIL_QUEUE).enqueue(
        "mentormatch.queue.deliver_mail_job", job_timeout=MAIL_JOB_TIMEOUT,
        description="deliver queued mail",
    )  # fmt: skip


def _job_app():
    from mentormatch.app import create_app

    return create_app()


def run_round_job(round_id: int) -> None:
    """RQ job: run one round (failures are recorded on the round itself)."""
    from mentormatch.services.rounds import run

    app = _job_app()
    with app.app_context():
        run.execute(round_id)


def deliver_mail_job() -> str:
    """RQ job: deliver every due message in the outbox."""
    from mentormatch.services import mail

    app = _job_app()
    with app.app_context():
        return str(mail.deliver_pending())
