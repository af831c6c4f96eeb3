"""Meeting commands: meetings remind (from cron; idempotent, so any frequency will do)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from mentormatch.services import meetings


@click.group("meetings")
def meetings_group() -> None:
    """Meetings of mentorships: the day-before reminders."""


@meetings_group.command("remind")
@with_appcontext
def remind_command() -> None:
    """Remind both people of each accepted meeting in the next day, once per meeting."""
    report = meetings.remind_due()
    count = report.reminded
    elsewhere = (
        f" ({report.already_done} handled by another run at the same moment)"
        if report.already_done
        else ""
    )
    meetings_word = "meeting" if count == 1 else "meetings"
    click.echo(f"Meeting reminders: {count} {meetings_word} reminded{elsewhere}.")


COMMANDS = (meetings_group,)
