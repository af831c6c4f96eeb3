"""Programmes on the command line: programme create, programme list, programme archive."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from mentormatch.commands.options import fail, fail_validation
from mentormatch.matching.problem import OBJECTIVES
from mentormatch.models import MeetingCadence, ProgrammeKind, SignupMode
from mentormatch.services.errors import NotFound, ValidationError
from mentormatch.services.programmes import catalogue, membership
from mentormatch.services.rounds.settings import (
    DEFAULT_OBJECTIVE,
    parse_weights,
    weight_field,
    weights_example,
)


def _choices(enum) -> click.Choice:
    return click.Choice([item.value for item in enum], case_sensitive=False)


@click.group("programme")
def programme_group() -> None:
    """Create, list and archive mentoring programmes."""


@programme_group.command("create")
@click.option("--slug", required=True, help="The short web name, e.g. research-2027.")
@click.option("--name", required=True, help="The programme's name, as people read it.")
@click.option("--kind", type=_choices(ProgrammeKind), default=ProgrammeKind.GENERAL.value,
              show_default=True)  # fmt: skip
@click.option("--signup-mode", type=_choices(SignupMode), default=SignupMode.OPEN.value,
              show_default=True,
              help="open: anyone eligible joins; approval: a coordinator approves each "
              "application; invitation: only with the programme's invitation link.")  # fmt: skip
@click.option("--description", default="", help="For applicants: who it is for, what they get.")
@click.option("--starts-on", default=None, metavar="YYYY-MM-DD")
@click.option("--ends-on", default=None, metavar="YYYY-MM-DD")
@click.option("--months", default=None, help="Mentorship length in months (default 12).")
@click.option("--cadence", type=_choices(MeetingCadence), default=MeetingCadence.MONTHLY.value,
              show_default=True, help="Expected meeting cadence.")  # fmt: skip
@click.option("--answer-days", default=None,
              help="Days a mentor has to answer a proposal (default 14).")  # fmt: skip
@click.option("--weights", default=None, metavar="NAME=VALUE,...",
              help=f"Default weights of its rounds, e.g. {weights_example()} (names left out "
              "keep their default).")  # fmt: skip
@click.option("--objective", type=click.Choice(OBJECTIVES), default=None,
              help=f"Default objective of its rounds (default {DEFAULT_OBJECTIVE}).")  # fmt: skip
@click.option("--min-score", default=None, help="Default minimum pair score of its rounds (0-1).")
@click.option("--eligible-specialties", default=None, metavar="CODE,CODE",
              help="Only mentees aiming for these specialties (default: any).")  # fmt: skip
@click.option("--eligible-match-years", default=None, metavar="YEAR,YEAR",
              help="Only mentees applying to the Match in these years (default: "
              "any).")  # fmt: skip
@with_appcontext
def create_command(
    slug: str,
    name: str,
    kind: str,
    signup_mode: str,
    description: str,
    starts_on: str | None,
    ends_on: str | None,
    months: str | None,
    cadence: str,
    answer_days: str | None,
    weights: str | None,
    objective: str | None,
    min_score: str | None,
    eligible_specialties: str | None,
    eligible_match_years: str | None,
) -> None:
    """Create a programme. Nothing is saved if an option is wrong; every problem is named.

    Example: mentormatch programme create --slug research --name "Research mentorship"
    --kind research --signup-mode approval --months 6
    """
    raw = {
        "slug": slug,
        "name": name,
        "kind": kind,
        "signup_mode": signup_mode,
        "description": description,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "mentorship_months": months,
        "meeting_cadence": cadence,
        "answer_days": answer_days,
        "eligible_specialties": eligible_specialties,
        "eligible_match_years": eligible_match_years,
        "objective": objective,
        "min_score": min_score,
    }
    try:
        if weights:
            raw |= {weight_field(k): v for k, v in parse_weights(weights).items()}
        programme = catalogue.create(raw, None)
    except ValidationError as exc:
        fail_validation(exc)
    click.echo(
        f"Created programme '{programme.slug}': {programme.name} "
        f"({catalogue.KIND_LABELS[ProgrammeKind(programme.kind)]}, "
        f"sign-up {programme.signup_mode})."
    )


@programme_group.command("list")
@with_appcontext
def list_command() -> None:
    """List every programme (archived ones last) with its active members."""
    programmes = catalogue.listed(include_archived=True)
    if not programmes:
        click.echo("No programmes yet: create one with 'mentormatch programme create'.")
        return
    members = membership.active_member_counts()
    rows = [("SLUG", "NAME", "KIND", "SIGN-UP", "MEMBERS", "ARCHIVED")]
    rows += [
        (
            p.slug,
            p.name,
            p.kind,
            p.signup_mode,
            str(members.get(p.id, 0)),
            p.archived_at.date().isoformat() if p.archived_at else "-",
        )
        for p in programmes
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        click.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )


@programme_group.command("archive")
@click.argument("slug")
@click.option("--yes", is_flag=True, help="Archive without asking for confirmation.")
@with_appcontext
def archive_command(slug: str, yes: bool) -> None:
    """Archive the programme SLUG (asks first, unless --yes).

    An archived programme takes no new members and runs no new rounds; its people, rounds and
    mentorships stay: nothing is deleted."""
    try:
        programme = catalogue.by_slug(slug, allow_archived=True)
    except NotFound as exc:
        fail(str(exc))
    if programme.archived:
        click.echo(f"Programme '{programme.slug}' is already archived.")
        return
    if not yes:
        click.confirm(
            f"Archive '{programme.slug}' ({programme.name})? It will take no new members and "
            "run no new rounds; nothing in it is deleted.",
            abort=True,
        )
    catalogue.archive(programme.id, None)
    click.echo(f"Archived programme '{programme.slug}'.")


COMMANDS = (programme_group,)
