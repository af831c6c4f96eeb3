"""The job worker: `mentormatch worker` runs rounds and mail delivery from Redis."""

from __future__ import annotations

import multiprocessing

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
    # Compile the engine into its cache before the first job, in a separate (spawned) process:
    # jobs run in processes forked from this one, and numba's thread pool, once started here,
    # would not survive the fork. Each job then loads the compiled kernels in a second or two.
    click.echo("Preparing the matching engine ...")
    warmer = multiprocessing.get_context("spawn").Process(target=warmup.warm_up)
    warmer.start()
    warmer.join()
    click.echo(f"Worker on {', '.join(queue_names)} at {url}")
    tasks.work(queue_names, burst=burst)


COMMANDS = (worker_command,)
