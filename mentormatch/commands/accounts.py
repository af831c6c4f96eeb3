"""Account commands: create-coordinator."""

from __future__ import annotations

import os

import click
from flask.cli import with_appcontext

from mentormatch.services import accounts
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


COMMANDS = (create_coordinator_command,)
