"""`mentormatch engine warm`: compile the matching engine ahead of the first round."""

from __future__ import annotations

import click

from mentormatch.matching import warmup
from mentormatch.matching._compile_cache import CACHE_DIR


@click.group("engine")
def engine_group() -> None:
    """The matching engine."""


@engine_group.command("warm")
def warm_command() -> None:
    """Compile the engine's kernels into its cache (about a minute once after an install;
    a second or two after that), so that the first round starts solving at once."""
    click.echo(f"Preparing the matching engine (cache: {CACHE_DIR}) ...")
    seconds = warmup.warm_up()
    click.echo(f"The matching engine is ready ({seconds:.1f} s).")


COMMANDS = (engine_group,)
