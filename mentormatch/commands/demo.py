"""Demo data: seed-demo."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from mentormatch.demo import seeding
from mentormatch.services.errors import ValidationError

_COUNT = click.IntRange(0, seeding.MAX_COHORT)


@click.command("seed-demo")
@click.option(
    "--mentees", type=_COUNT, default=seeding.DEFAULT_MENTEES, show_default=True,
    help="How many synthetic mentees the cohort has.",
)  # fmt: skip
@click.option(
    "--mentors", type=_COUNT, default=seeding.DEFAULT_MENTORS, show_default=True,
    help="How many synthetic mentors the cohort has.",
)  # fmt: skip
@click.option(
    "--seed", type=click.IntRange(min=0), default=seeding.DEFAULT_SEED, show_default=True,
    help="The same seed always gives the same people.",
)  # fmt: skip
@with_appcontext
def seed_demo_command(mentees: int, mentors: int, seed: int) -> None:
    """Create the demo logins and a realistic synthetic cohort, and print the logins.

    Safe to run again: people already in the database (same seed, same email) are skipped,
    never duplicated, so a larger --mentees or --mentors adds only the newcomers.
    """
    started = time.perf_counter()
    try:
        report = seeding.seed_demo(mentees=mentees, mentors=mentors, seed=seed)
    except ValidationError as exc:
        for field, message in exc.errors:
            click.echo(f"Error ({field}): {message}", err=True)
        raise SystemExit(1) from exc
    elapsed = time.perf_counter() - started
    for login in report.logins:
        scope = f"  ({login.scope})" if login.scope else ""
        click.echo(f"  {login.role:<12} {login.email:<32} password: {login.password}{scope}")
    click.echo(
        f"Demo cohort (seed {seed}): created {report.mentees_created:,} mentees and "
        f"{report.mentors_created:,} mentors in {elapsed:.1f} s."
    )
    if report.mentees_skipped or report.mentors_skipped:
        click.echo(
            f"Skipped {report.mentees_skipped:,} mentees and {report.mentors_skipped:,} mentors "
            f"already in the database from an earlier run with seed {seed}; "
            "nobody was duplicated."
        )
    for programme in report.programmes:
        click.echo(
            f"Programme '{programme.slug}': {programme.name}, "
            f"{programme.members:,} active members."
        )
    if report.example_email:
        click.echo(
            f"Generated people sign in with the same password, for example {report.example_email}."
        )


COMMANDS = (seed_demo_command,)
