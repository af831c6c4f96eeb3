"""Outcome commands: outcomes survey (from cron, daily; idempotent, so any frequency will do)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from mentormatch.services.outcomes import survey


@click.group("outcomes")
def outcomes_group() -> None:
    """Mentees' outcomes: the survey after Match Day."""


@outcomes_group.command("survey")
@with_appcontext
def survey_command() -> None:
    """Mail the outcome survey after Match Day, and its reminders, to each mentee whose Match
    result is not recorded yet (once each)."""
    report = survey.run()
    if report.match_year is None:
        click.echo("Outcome survey: no Match Day in the last weeks; nothing to mail.")
        return
    click.echo(
        f"Outcome survey of the {report.match_year} Match: {report.surveyed} mailed, "
        f"{report.reminded} reminded."
    )


COMMANDS = (outcomes_group,)
