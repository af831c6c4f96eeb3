"""Options shared by several commands."""

from __future__ import annotations

from pathlib import Path

import click

from mentormatch.models import Programme
from mentormatch.services.errors import NotFound, ValidationError
from mentormatch.services.programmes import catalogue

out_file_option = click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    required=True,
    help="The CSV file to write (replaced if it exists).",
)

programme_option = click.option(
    "--programme",
    "programme_slug",
    default=None,
    metavar="SLUG",
    help="The programme, by its slug (see 'mentormatch programme list'); required when there "
    "is more than one.",
)


def fail(message: str) -> None:
    """Print ``message`` as an error and exit with status 1."""
    click.echo(f"Error: {message}", err=True)
    raise SystemExit(1)


def fail_validation(error: ValidationError) -> None:
    for field, message in error.errors:
        click.echo(f"Error ({field}): {message}", err=True)
    raise SystemExit(1)


def programme_named(slug: str | None) -> Programme:
    """The programme of ``--programme SLUG``, or the only live one when it is left out; else
    exit with status 1 and a message that names the programmes there are."""
    try:
        return catalogue.resolve(slug)
    except ValidationError as exc:
        fail(exc.errors[0][1])
    except NotFound as exc:
        fail(str(exc))
