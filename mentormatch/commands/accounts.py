"""Account commands: create-coordinator."""

from __future__ import annotations

import os

import click
from flask.cli import with_appcontext

from mentormatch.commands.options import fail
from mentormatch.services import accounts
from mentormatch.services.errors import NotFound, ValidationError
from mentormatch.services.programmes import catalogue


@click.command("create-coordinator")
@click.argument("email")
@click.option("--name", "full_name", default=None, help="Full name (default: from the email).")
@click.option(
    "--programme",
    "programme_slugs",
    multiple=True,
    metavar="SLUG",
    help="A programme this coordinator runs (repeat for several); they see only those "
    "programmes. Without it, the coordinator sees the whole organisation.",
)
@with_appcontext
def create_coordinator_command(
    email: str, full_name: str | None, programme_slugs: tuple[str, ...]
) -> None:
    """Create a coordinator account; the password comes from MENTORMATCH_PASSWORD or a prompt.

    With --programme, a coordinator of those programmes only; without, of every programme."""
    programme_ids = []
    for slug in programme_slugs:
        try:
            programme_ids.append(catalogue.by_slug(slug).id)
        except NotFound as exc:
            fail(str(exc))
    password = os.environ.get("MENTORMATCH_PASSWORD") or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )
    name = full_name or email.split("@")[0].replace(".", " ").title()
    try:
        account = accounts.NewAccount(email, password, name, "coordinator")
        user = accounts.create_coordinator(account, programme_ids=programme_ids)
    except ValidationError as exc:
        for field, message in exc.errors:
            click.echo(f"Error ({field}): {message}", err=True)
        raise SystemExit(1) from exc
    scope = (
        f"coordinator of {', '.join(sorted(set(programme_slugs), key=str.lower))}"
        if programme_ids
        else "organisation coordinator (every programme)"
    )
    click.echo(f"Created coordinator {user.email}: {scope}.")


COMMANDS = (create_coordinator_command,)
