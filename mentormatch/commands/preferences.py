"""Stated preferences from the command line: import-preferences, export-preferences, and
`preferences mail` for cron (the window's opening, reminder and closing mails; idempotent,
so any frequency will do)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from mentormatch.services.csv_profiles import iter_problem_lines
from mentormatch.services.errors import NotFound
from mentormatch.services.preferences import rank_csv, windows

ROUND_OPTION = click.option(
    "--round", "round_id", type=click.IntRange(1, 2**31 - 1), required=True, help="The round's id."
)


@click.command("import-preferences")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@ROUND_OPTION
@click.option("--dry-run", is_flag=True, help="Check the file and report; save nothing.")
@with_appcontext
def import_preferences_command(file: Path, round_id: int, dry_run: bool) -> None:
    """Replace the rank lists of the mentees in FILE (mentee_email, mentor_email, rank) for a
    draft round: all rows or none. Exits with status 1, saving nothing, on any problem."""
    try:
        report = rank_csv.import_rank_lists(round_id, file.read_bytes(), dry_run=dry_run)
    except NotFound as exc:
        raise click.ClickException(str(exc)) from None
    for line in iter_problem_lines(report):
        click.echo(line, err=True)
    if report.unlisted:
        click.echo(f"... and {report.unlisted} more problems, not listed.", err=True)
    click.echo(report.summary, err=not report.ok)
    if report.ok and dry_run:
        click.echo(report.replaced_text)
    if not report.ok:
        raise SystemExit(1)


@click.command("export-preferences")
@ROUND_OPTION
@with_appcontext
def export_preferences_command(round_id: int) -> None:
    """Print the round's rank lists as CSV (mentee_email, mentor_email, rank)."""
    try:
        click.echo(rank_csv.export_rank_lists(round_id), nl=False)
    except NotFound as exc:
        raise click.ClickException(str(exc)) from None


@click.group("preferences")
def preferences_group() -> None:
    """Preference windows of rounds: their mails."""


@preferences_group.command("mail")
@with_appcontext
def mail_command() -> None:
    """Queue the windows' opening, reminder and closing mails that are due, once each."""
    sent = windows.send_window_mails()
    click.echo(
        f"Preference windows: {sent.opened} opening, {sent.reminded} reminder and "
        f"{sent.closed} closing mails queued."
    )


COMMANDS = (import_preferences_command, export_preferences_command, preferences_group)
