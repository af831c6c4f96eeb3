"""Nudges: a reminder to a pair whose meeting is due, which also tells the programme's
coordinators when the pair is overdue or never met. `mentormatch mentorships nudge` runs it
from cron at any frequency; a coordinator may nudge one pair from the work queue.

Never more than one nudge per pair per cadence period, whoever asks: each nudge claims the
mentorship with a conditional UPDATE (still accepted, last nudged a full period ago or never)
before its mails are queued in the same transaction, so two runs at once nudge once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, update

from mentormatch.extensions import db
from mentormatch.models import Mentorship, MentorshipStatus, User
from mentormatch.models.times import as_utc, utcnow
from mentormatch.services import audit, mail, mail_messages
from mentormatch.services.errors import NotFound, ServiceError
from mentormatch.services.mentorships import health
from mentormatch.services.programmes import access


class NudgedRecently(ServiceError):
    """This pair was nudged less than one cadence period ago."""


@dataclass(frozen=True)
class NudgeReport:
    pairs: int  # pairs nudged now
    coordinators_told: int  # of those, overdue or never met: their coordinators were told
    already_done: int = 0  # nudged within the period (or by another run at the same moment)


def _claim(mentorship: Mentorship, period_start: datetime, now: datetime) -> bool:
    claimed = db.session.execute(
        update(Mentorship)
        .where(
            Mentorship.id == mentorship.id,
            Mentorship.status == MentorshipStatus.ACCEPTED,
            or_(Mentorship.nudged_at.is_(None), Mentorship.nudged_at <= period_start),
        )
        .values(nudged_at=now)
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


def _queue_mails(mentorship: Mentorship, state: health.Health, by_coordinator: bool) -> bool:
    """The pair's two mails, and the coordinators' when overdue; True if they were told."""
    link = mail.absolute_url("meetings.index", mentorship_id=mentorship.id)
    for person in (mentorship.mentee, mentorship.mentor):
        mail_messages.queue(
            person.email,
            "mentorship_nudge",
            "mentorship-nudge",
            person=person,
            other=mentorship.other(person.id),
            reason=state.meetings_reason,  # never why the pair is at risk
            by_coordinator=by_coordinator,
            link=link,
        )
    if by_coordinator or state.meetings not in health.TOLD_TO_COORDINATORS:
        return False
    for address in access.coordinator_emails(mentorship.programme_id):
        mail_messages.queue(
            address,
            "mentorship_overdue_to_coordinators",
            "mentorship-overdue",
            mentorship=mentorship,
            state=health.STATE_LABELS[state.meetings],
            reason=state.reason,
            link=mail.absolute_url("coordinator.health_queue", programme=mentorship.programme_id),
        )
    return True


def nudge_due(now: datetime | None = None) -> NudgeReport:
    """Nudge every pair whose meeting is due, overdue or never held, once per period."""
    now = now or utcnow()
    mentorships = health.accepted_mentorships()
    facts = health.facts_for(mentorships, now)
    pairs = told = waiting = 0
    for mentorship in mentorships:
        state = health.assess(now, facts[mentorship.id])
        if state.meetings not in health.NUDGED:
            continue
        if not _claim(mentorship, now - facts[mentorship.id].period, now):
            db.session.rollback()
            waiting += 1
            continue
        told += _queue_mails(mentorship, state, by_coordinator=False)
        db.session.commit()  # one pair at a time: a failure later keeps these done
        pairs += 1
    return NudgeReport(pairs, told, waiting)


def nudge_one(mentorship_id: int, coordinator: User, now: datetime | None = None) -> Mentorship:
    """A coordinator nudges one pair of their programmes (it counts as that period's nudge)."""
    now = now or utcnow()
    mentorship = db.session.get(Mentorship, mentorship_id)
    if mentorship is None or not access.coordinates(coordinator, mentorship.programme_id):
        raise NotFound(f"No mentorship {mentorship_id}.")
    if mentorship.status != MentorshipStatus.ACCEPTED:
        raise NudgedRecently("Only an active mentorship can be nudged.")
    facts = health.facts_for([mentorship], now)[mentorship.id]
    state = health.assess(now, facts)
    if not _claim(mentorship, now - facts.period, now):
        db.session.rollback()
        last = as_utc(db.session.get(Mentorship, mentorship_id).nudged_at)
        raise NudgedRecently(
            f"This pair was nudged on {last:%d %B %Y}: one nudge per meeting period "
            f"(next possible on {last + facts.period:%d %B %Y})."
        )
    _queue_mails(mentorship, state, by_coordinator=True)
    audit.record(coordinator, audit.MENTORSHIP_NUDGED, mentorship)
    db.session.commit()
    return mentorship
