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

from flask import Flask
from flask.cli import FlaskGroup

from mentormatch.app import create_app


def build_app() -> Flask:
    """The app of this process, configured by config/<env>.toml and MENTORMATCH_* variables."""
    return create_app()


main = FlaskGroup(create_app=build_app, help="MentorMatch: run and manage the service.")
