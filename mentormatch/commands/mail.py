"""Mail commands: mail send."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from mentormatch.services import mail


@click.group("mail")
def mail_group() -> None:
    """Outgoing email (the outbox)."""


@mail_group.command("send")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Deliver at most N.")
@with_appcontext
def send_command(limit: int | None) -> None:
    """Deliver the mail that is due, once, and exit; safe to run from cron, even in parallel."""
    report = mail.deliver_pending(limit=limit)
    click.echo(f"Mail: {report}.")


COMMANDS = (mail_group,)
