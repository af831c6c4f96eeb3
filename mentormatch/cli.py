"""The ``mentormatch`` command: Flask's CLI bound to the factory, plus our own commands."""

from __future__ import annotations

import os

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext

from mentormatch.services import accounts, demo
from mentormatch.services.errors import ValidationError


@click.command("create-coordinator")
@click.argument("email")
@click.option("--name", "full_name", default=None, help="Full name (default: from the email).")
@with_appcontext
def create_coordinator_command(email: str, full_name: str | None) -> None:
    """Create a coordinator account; the password comes from MENTORMATCH_PASSWORD or a prompt."""
    password = os.environ.get("MENTORMATCH_PASSWORD") or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )
    name = full_name or email.split("@")[0].replace(".", " ").title()
    try:
        user = accounts.create_coordinator(
            accounts.NewAccount(email=email, password=password, full_name=name, role="coordinator")
        )
    except ValidationError as exc:
        for field, message in exc.errors:
            click.echo(f"Error ({field}): {message}", err=True)
        raise SystemExit(1) from exc
    click.echo(f"Created coordinator {user.email}.")


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Create the demo accounts (idempotent) and print their logins."""
    for login in demo.ensure_demo_accounts():
        click.echo(f"  {login.role:<12} {login.email:<32} password: {login.password}")


def register_commands(app: Flask) -> None:
    app.cli.add_command(create_coordinator_command)
    app.cli.add_command(seed_demo_command)


def _create_app():
    from mentormatch.app import create_app

    return create_app()


main = FlaskGroup(create_app=_create_app, help="MentorMatch: run and manage the service.")
