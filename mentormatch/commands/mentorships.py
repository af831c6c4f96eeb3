"""Scheduled work of accepted mentorships: mentorships remind, mentorships digest,
mentorships complete.

Each is idempotent, so cron may run it at any frequency, even two at once: every reminder,
digest and completion is claimed with a conditional update and happens once.
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from mentormatch.codes import plural
from mentormatch.services.mentorships import agreement, closeout, messages


@click.group("mentorships")
def mentorships_group() -> None:
    """Accepted mentorships: reminders, message digests, completion at the end date."""


@mentorships_group.command("remind")
@with_appcontext
def remind_command() -> None:
    """Remind about agreements not yet confirmed by both, and end dates coming up."""
    agreements = agreement.remind_due()
    ending = closeout.remind_end_dates()
    click.echo(
        f"Agreements: {plural(agreements.mails, 'reminder')} sent "
        f"({plural(agreements.mentorships, 'mentorship')}). "
        f"End dates: {plural(ending.done, 'mentorship')} reminded."
    )


@mentorships_group.command("digest")
@with_appcontext
def digest_command() -> None:
    """Mail each person their new messages, at most once per MESSAGE_DIGEST_MINUTES."""
    report = messages.send_digests()
    later = (
        f"; {plural(report.waiting, 'person', 'people')} mailed recently, later"
        if (report.waiting)
        else ""
    )
    click.echo(f"Message digests: {plural(report.mails, 'mail')} sent{later}.")


@mentorships_group.command("complete")
@with_appcontext
def complete_command() -> None:
    """Complete mentorships that reached their end date (unless both extended them)."""
    report = closeout.complete_due()
    click.echo(f"Completion: {plural(report.done, 'mentorship')} completed.")


COMMANDS = (mentorships_group,)
