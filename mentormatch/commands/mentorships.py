"""Scheduled work of accepted mentorships: mentorships remind, mentorships digest,
mentorships complete, mentorships nudge, mentorships check-ins.

Each is idempotent, so cron may run it at any frequency, even two at once: every reminder,
digest and completion is claimed with a conditional update and happens once.
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from mentormatch.codes import plural
from mentormatch.services.mentorships import agreement, checkins, closeout, messages, nudges


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


@mentorships_group.command("nudge")
@with_appcontext
def nudge_command() -> None:
    """Remind pairs whose meeting is due (and their coordinators when overdue), at most once
    per pair per cadence period."""
    report = nudges.nudge_due()
    click.echo(
        f"Nudges: {plural(report.pairs, 'pair')} reminded to meet; coordinators told of "
        f"{plural(report.coordinators_told, 'overdue pair')}"
        f"{f'; {report.already_done} nudged earlier this period' if report.already_done else ''}."
    )


@mentorships_group.command("check-ins")
@with_appcontext
def check_ins_command() -> None:
    """Ask the fit checks, pulses and close-out surveys that are due (each once)."""
    report = checkins.send_due()
    click.echo(
        f"Check-ins asked: {plural(report.fit, 'fit check')}, {plural(report.pulse, 'pulse')}, "
        f"{plural(report.closeout, 'close-out survey')} (each to both sides)."
    )


COMMANDS = (mentorships_group,)
