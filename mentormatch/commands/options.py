"""Options shared by several commands."""

from __future__ import annotations

from pathlib import Path

import click

out_file_option = click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    required=True,
    help="The CSV file to write (replaced if it exists).",
)
