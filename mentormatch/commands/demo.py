"""Demo data: seed-demo."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from mentormatch.services import demo


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Create the demo accounts (idempotent) and print their logins."""
    for login in demo.ensure_demo_accounts():
        click.echo(f"  {login.role:<12} {login.email:<32} password: {login.password}")


COMMANDS = (seed_demo_command,)
