"""Proposal deadline commands: proposals remind, proposals expire.

Both are idempotent, so cron may run them at any frequency, even two at once: a reminder is
sent once per proposal, and a proposal expires once.
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from mentormatch.services import proposals


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _handled_elsewhere(report: proposals.SweepReport) -> str:
    if not report.already_done:
        return ""
    return f" ({report.already_done} handled by another run at the same moment)"


@click.group("proposals")
def proposals_group() -> None:
    """Proposals waiting for a mentor's answer: reminders and expiry."""


@proposals_group.command("remind")
@with_appcontext
def remind_command() -> None:
    """Remind mentors once about proposals close to their deadline."""
    report = proposals.remind_due()
    click.echo(
        f"Reminders: {_plural(report.done, 'mentor')} reminded{_handled_elsewhere(report)}."
    )


@proposals_group.command("expire")
@with_appcontext
def expire_command() -> None:
    """Expire proposals past their deadline: seats freed, mentees back in the pool."""
    report = proposals.expire_due()
    click.echo(f"Expiry: {_plural(report.done, 'proposal')} expired{_handled_elsewhere(report)}.")


COMMANDS = (proposals_group,)
