"""CSV files of profiles: import-profiles, export-profiles."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from mentormatch.commands.options import out_file_option, programme_named, programme_option
from mentormatch.services import csv_profiles

KIND_OPTION = click.option(
    "--kind",
    type=click.Choice(csv_profiles.KINDS),
    required=True,
    help="Whether the file holds mentees or mentors.",
)


@click.command("import-profiles")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@KIND_OPTION
@click.option("--dry-run", is_flag=True, help="Check the file and report; save nothing.")
@programme_option
@with_appcontext
def import_profiles_command(
    file: Path, kind: str, dry_run: bool, programme_slug: str | None
) -> None:
    """Create or update mentees or mentors from a CSV FILE (all rows or none), as members of
    a programme.

    People are matched by email; new people are sent an invitation to choose a password.
    Everyone in the file becomes an active member of the programme. Exits with status 1,
    saving nothing, if any row has a problem.
    """
    programme = programme_named(programme_slug)
    report = csv_profiles.import_profiles(
        file.read_bytes(), kind, dry_run=dry_run, programme_id=programme.id
    )
    for line in csv_profiles.iter_problem_lines(report):
        click.echo(line, err=True)
    click.echo(report.summary, err=not report.ok)
    if report.saved:
        click.echo(f"Everyone in the file is a member of '{programme.slug}' ({programme.name}).")
    if not report.ok:
        raise SystemExit(1)


@click.command("export-profiles")
@KIND_OPTION
@out_file_option
@programme_option
@with_appcontext
def export_profiles_command(kind: str, out_path: Path, programme_slug: str | None) -> None:
    """Write the mentees or mentors of a programme to a CSV file that import-profiles reads
    back."""
    programme = programme_named(programme_slug)
    with out_path.open("w", encoding="utf-8", newline="") as out:
        count = csv_profiles.write_export(kind, out, programme_id=programme.id)
    click.echo(
        f"Wrote {count} {kind}{'' if count == 1 else 's'} to {out_path} (the members of "
        f"'{programme.slug}')."
    )


COMMANDS = (import_profiles_command, export_profiles_command)
