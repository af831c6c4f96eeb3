"""What the mentorship page and the home pages show: who, since when, until when, the
agreement, the plan and its progress, messages, and the one next thing to do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from mentormatch.extensions import db
from mentormatch.models import Agreement, Mentorship, MentorshipStatus, PlanGoal, User
from mentormatch.models.times import utcnow
from mentormatch.services.mentorships import agreement, messages, plan
from mentormatch.services.mentorships.pair import load_for


@dataclass(frozen=True)
class NextStep:
    text: str
    anchor: str  # the page section it is done in


@dataclass(frozen=True)
class Summary:
    mentorship: Mentorship
    other: User
    side: str  # "mentee" or "mentor"
    started_on: date
    ends_on: date
    agreement: Agreement | None
    goals: list[PlanGoal]
    progress: plan.Progress
    unread: int
    next_step: NextStep | None

    @property
    def active(self) -> bool:
        return self.mentorship.status == MentorshipStatus.ACCEPTED


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def next_step(
    mentorship: Mentorship,
    side: str,
    found_agreement: Agreement | None,
    goals: list[PlanGoal],
    unread: int,
    today: date,
) -> NextStep | None:
    """The one thing to do now, most pressing first."""
    if mentorship.status != MentorshipStatus.ACCEPTED:
        if getattr(mentorship, f"{side}_rating") is None:
            return NextStep("Rate the mentorship", "close")
        return None
    other = mentorship.other(mentorship.mentee_id if side == "mentee" else mentorship.mentor_id)
    mine = found_agreement is not None and getattr(found_agreement, f"{side}_confirmed_at")
    if not mine:
        return NextStep("Confirm your agreement: how often and how you meet", "agreement")
    if not found_agreement.confirmed:
        waiting = NextStep(f"Waiting for {other.full_name} to confirm the agreement", "agreement")
    else:
        waiting = None
    if unread:
        return NextStep(f"Read {unread} new message{'' if unread == 1 else 's'}", "messages")
    remind = timedelta(days=int(current_app.config["MENTORSHIP_END_REMIND_DAYS"]))
    if mentorship.ends_on - today <= remind and not getattr(mentorship, f"{side}_extends"):
        return NextStep(
            f"The mentorship ends on {_day(mentorship.ends_on)}: extend it or let it complete",
            "close",
        )
    if not goals:
        if side == "mentee":
            return NextStep("Create your pathway plan", "plan")
        return waiting or NextStep(f"{other.full_name} has not created the plan yet", "plan")
    if waiting:
        return waiting
    upcoming = plan.next_goal(goals)
    if upcoming is not None:
        late = " (overdue)" if upcoming.due_on < today else ""
        return NextStep(f"Next goal: {upcoming.title}, by {_day(upcoming.due_on)}{late}", "plan")
    return NextStep("Send a message", "messages")


def summary(mentorship: Mentorship, user_id: int, today: date | None = None) -> Summary:
    today = today or utcnow().date()
    side = mentorship.side_of(user_id)
    found_agreement = agreement.get(mentorship.id)
    goals = plan.goals(mentorship.id)
    unread = messages.unread_count(mentorship.id, user_id)
    return Summary(
        mentorship=mentorship,
        other=mentorship.other(user_id),
        side=side,
        started_on=plan.started_on(mentorship),
        ends_on=mentorship.ends_on,
        agreement=found_agreement,
        goals=goals,
        progress=plan.progress(goals),
        unread=unread,
        next_step=next_step(mentorship, side, found_agreement, goals, unread, today),
    )


def for_page(mentorship_id: int, user_id: int) -> Summary:
    """The page's summary; NotFound for anyone but the two people."""
    return summary(load_for(mentorship_id, user_id), user_id)


def summaries_for(user_id: int) -> list[Summary]:
    """The person's active mentorships, and those ended still waiting for their rating, for
    their home page."""
    rows = db.session.scalars(
        select(Mentorship)
        .where(
            or_(Mentorship.mentee_id == user_id, Mentorship.mentor_id == user_id),
            Mentorship.ends_on.is_not(None),
            Mentorship.status.in_((MentorshipStatus.ACCEPTED, MentorshipStatus.ENDED)),
        )
        .options(selectinload(Mentorship.mentee), selectinload(Mentorship.mentor))
        .order_by(Mentorship.responded_at.desc(), Mentorship.id.desc())
    )
    found = []
    for mentorship in rows:
        side = mentorship.side_of(user_id)
        # an ended one stays until this side has rated it (not one closed by a deleted account)
        if mentorship.status == MentorshipStatus.ENDED and (
            mentorship.end_reason is None or getattr(mentorship, f"{side}_rating") is not None
        ):
            continue
        found.append(summary(mentorship, user_id))
    return found
