"""Matching rounds from the command line: round run, round publish, round export."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from mentormatch.commands.options import (
    fail,
    fail_validation,
    out_file_option,
    programme_named,
    programme_option,
)
from mentormatch.matching.problem import OBJECTIVES
from mentormatch.models import RoundStatus
from mentormatch.services.errors import NotFound, ServiceError, ValidationError
from mentormatch.services.rounds import export, publishing, transitions
from mentormatch.services.rounds.lookup import get_round
from mentormatch.services.rounds.settings import (
    DEFAULT_OBJECTIVE,
    parse_settings,
    parse_weights,
    weight_field,
    weights_example,
)


def _round_of_programme(round_id: int, slug: str | None) -> None:
    """Exit with status 1 unless round ``round_id`` exists and belongs to the programme of
    ``--programme`` (or, without it, to the only live programme)."""
    try:
        matching_round = get_round(round_id)
    except NotFound as exc:
        fail(str(exc))
    programme = programme_named(slug)
    if matching_round.programme_id != programme.id:
        fail(
            f"Round {round_id} belongs to programme '{matching_round.programme.slug}', not "
            f"'{programme.slug}'."
        )


def one_line_summary(summary: dict) -> str:
    mean = summary.get("mean_score")
    return (
        f"{summary['matched']} of {summary['mentees']} mentees matched "
        f"({summary['coverage'] * 100:.1f}% coverage), total score "
        f"{summary['total_score']:.3f}, mean score {'-' if mean is None else f'{mean:.3f}'}, "
        f"{summary['unmatched']} unmatched."
    )


@click.group("round")
def round_group() -> None:
    """Run, publish and export matching rounds."""


@round_group.command("run")
@click.option("--name", default=None, help="The round's name (default: 'Command-line round').")
@click.option(
    "--weights",
    default=None,
    help=f"Weights as name=value, by default {weights_example()}; names left out keep "
    "their default. support, language, img_mentor and visa are the optional extras for IMGs "
    "(0 = off), e.g. --weights visa=0.2,support=0.1.",
)
@click.option(
    "--objective",
    type=click.Choice(OBJECTIVES),
    default=None,
    help=f"Default: the programme's, else {DEFAULT_OBJECTIVE}.",
)
@click.option("--min-score", default=None, help="Leave pairs scoring below this unmade (0-1).")
@programme_option
@with_appcontext
def run_command(
    name: str | None,
    weights: str | None,
    objective: str | None,
    min_score: str | None,
    programme_slug: str | None,
):
    """Run a round now, in this process, on the active mentees and mentors of a programme.

    Settings left out are the programme's default round settings. Prints the round's id and a
    one-line summary; exits with status 1 if it fails.
    """
    programme = programme_named(programme_slug)
    defaults = programme.round_defaults or {}
    try:
        raw = {
            "name": name or "Command-line round",
            "objective": objective or defaults.get("objective") or DEFAULT_OBJECTIVE,
            "programme_id": programme.id,
        }
        chosen = defaults.get("weights") or {}
        if weights:
            chosen = parse_weights(weights, chosen)
        raw |= {weight_field(k): v for k, v in chosen.items()}
        if min_score is None:
            min_score = defaults.get("min_score")
        if min_score is not None:
            raw["min_score"] = min_score
        settings = parse_settings(raw)
        matching_round = transitions.run_round_now(settings, None)
    except ValidationError as exc:
        fail_validation(exc)
    if matching_round.status != RoundStatus.PROPOSED:
        fail(f"round {matching_round.id} failed: {matching_round.error}")
    click.echo(f"Round {matching_round.id} proposed: {one_line_summary(matching_round.summary)}")


@round_group.command("publish")
@click.argument("round_id", type=int)
@programme_option
@with_appcontext
def publish_command(round_id: int, programme_slug: str | None) -> None:
    """Send every proposed pair of round ROUND_ID to its mentor (all or nothing)."""
    _round_of_programme(round_id, programme_slug)
    try:
        sent = publishing.publish_round(round_id)
    except (NotFound, ServiceError) as exc:
        fail(str(exc))
    click.echo(f"Round {round_id} published: {sent} proposal{'' if sent == 1 else 's'} sent.")


@round_group.command("export")
@click.argument("round_id", type=int)
@out_file_option
@programme_option
@with_appcontext
def export_command(round_id: int, out_path: Path, programme_slug: str | None) -> None:
    """Write round ROUND_ID's pairs to a CSV file, one row per pair."""
    _round_of_programme(round_id, programme_slug)
    lines = export.iter_export_csv(round_id)
    count = -1  # the header
    with out_path.open("w", encoding="utf-8", newline="") as out:
        for line in lines:
            out.write(line)
            count += 1
    click.echo(f"Wrote {count} pair{'' if count == 1 else 's'} of round {round_id} to {out_path}.")


COMMANDS = (round_group,)
