"""The job worker: `mentormatch worker` runs rounds and mail delivery from Redis."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from mentormatch import tasks
from mentormatch.matching import warmup


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@click.option(
    "--queue", "queue_names", multiple=True, default=tasks.QUEUES, show_default=True,
    help="Queues to work on (repeatable).",
)  # fmt: skip
@with_appcontext
def worker_command(burst: bool, queue_names: tuple[str, ...]) -> None:
    """Run a job queue worker (needs MENTORMATCH_REDIS_URL); its jobs run under this app."""
    url = current_app.config["REDIS_URL"]
    if not url:
        raise click.UsageError("Set MENTORMATCH_REDIS_URL (for example redis://127.0.0.1:6379/0).")
    # Before the first job: jobs run in forked processes, which inherit the compiled engine.
    click.echo("Preparing the matching engine ...")
    warmup.ensure_warm()
    click.echo(f"Worker on {', '.join(queue_names)} at {url}")
    tasks.work(queue_names, burst=burst)


COMMANDS = (worker_command,)
