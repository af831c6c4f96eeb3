"""The ``mentormatch`` command: Flask's CLI bound to the factory, plus our own commands."""

from __future__ import annotations

from flask import Flask
from flask.cli import FlaskGroup

from mentormatch.commands import (
    accounts,
    demo,
    mail,
    profiles_csv,
    proposals,
    rounds,
    serve,
    worker,
)

# Each module lists its click commands (or groups) in COMMANDS.
COMMAND_MODULES = (accounts, demo, mail, profiles_csv, proposals, rounds, serve, worker)


def register_commands(app: Flask) -> None:
    for module in COMMAND_MODULES:
        for command in module.COMMANDS:
            app.cli.add_command(command)


def _create_app():
    from mentormatch.app import create_app

    return create_app()


main = FlaskGroup(create_app=_create_app, help="MentorMatch: run and manage the service.")
