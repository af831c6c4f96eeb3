"""Where a process gets its app: the one module that builds it, imported by nothing that
``create_app`` imports.

- the ``mentormatch`` command (the console script, ``python -m mentormatch``): ``main``,
  Flask's command group bound to ``build_app``, with the commands ``create_app`` registers;
- the job worker: ``mentormatch worker``, one of those commands, runs every job under the
  app built here;
- gunicorn: ``mentormatch serve`` loads ``mentormatch.entry:build_app()`` in each of its
  worker processes (the same string serves ``gunicorn`` started by hand).
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup, run_command

from mentormatch.app import create_app
from mentormatch.matching import warmup


def build_app() -> Flask:
    """The app of this process, configured by config/<env>.toml and MENTORMATCH_* variables."""
    return create_app()


main = FlaskGroup(create_app=build_app, help="MentorMatch: run and manage the service.")


@click.pass_context
def _run_warm(ctx: click.Context, **options) -> None:
    # The development server runs rounds in its own threads: compile the engine in the
    # background from the start, so that the first round does not wait for it.
    warmup.warm_in_background()
    ctx.invoke(run_command, **options)


# Flask's `run`, which also warms the engine in the serving process.
main.add_command(
    click.Command(
        "run",
        params=run_command.params,
        callback=_run_warm,
        help=run_command.help,
        short_help=run_command.short_help,
    ),  # fmt: skip
    "run",
)
