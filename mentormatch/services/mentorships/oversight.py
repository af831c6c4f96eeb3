"""What coordinators see of the mentorships in their programmes: dates, counts, statuses and
ratings. Never the agreement's text, a goal's title or note, or a message: those are the
pair's (services.audiences, Item.MENTORSHIP_WORK)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from mentormatch.extensions import db
from mentormatch.models import Agreement, GoalStatus, Mentorship, MentorshipStatus, PlanGoal, User
from mentormatch.services.mentorships import messages
from mentormatch.services.pagination import Page, paginate
from mentormatch.services.programmes import access


@dataclass(frozen=True)
class Row:
    mentorship: Mentorship
    agreed_on: datetime | None  # both confirmed (the later of the two confirmations)
    goals_done: int
    goals_counted: int
    message_count: int
    last_message_at: datetime | None

    @property
    def started_on(self) -> date | None:
        responded = self.mentorship.responded_at
        return responded.date() if responded else None


def page_for(coordinator: User, page: int = 1, status: str | None = None) -> Page[Row]:
    """Accepted mentorships (and those ended after acceptance) in the coordinator's
    programmes, newest first."""
    statuses = (MentorshipStatus.ACCEPTED, MentorshipStatus.ENDED)
    if status in statuses:
        statuses = (MentorshipStatus(status),)
    statement = (
        select(Mentorship)
        .where(Mentorship.ends_on.is_not(None), Mentorship.status.in_(statuses))
        .options(
            selectinload(Mentorship.mentee),
            selectinload(Mentorship.mentor),
            selectinload(Mentorship.programme),
        )
        .order_by(Mentorship.responded_at.desc(), Mentorship.id.desc())
    )
    programme_ids = access.programme_ids_for(coordinator)
    if programme_ids is not None:
        statement = statement.where(Mentorship.programme_id.in_(programme_ids))
    found = paginate(statement, page)
    ids = [m.id for m in found.items]
    agreements = {
        a.mentorship_id: a
        for a in db.session.scalars(select(Agreement).where(Agreement.mentorship_id.in_(ids)))
    }
    goal_counts: dict[int, tuple[int, int]] = {}
    for mentorship_id, goal_status, count in db.session.execute(
        select(PlanGoal.mentorship_id, PlanGoal.status, func.count(PlanGoal.id))
        .where(PlanGoal.mentorship_id.in_(ids))
        .group_by(PlanGoal.mentorship_id, PlanGoal.status)
    ):
        done, counted = goal_counts.get(mentorship_id, (0, 0))
        if goal_status != GoalStatus.NOT_NEEDED:
            counted += count
            done += count if goal_status == GoalStatus.DONE else 0
        goal_counts[mentorship_id] = (done, counted)
    message_counts = messages.counts(ids)
    rows = []
    for mentorship in found.items:
        agreement = agreements.get(mentorship.id)
        agreed = (
            max(agreement.mentee_confirmed_at, agreement.mentor_confirmed_at)
            if agreement is not None and agreement.confirmed
            else None
        )
        done, counted = goal_counts.get(mentorship.id, (0, 0))
        count, last = message_counts.get(mentorship.id, (0, None))
        rows.append(Row(mentorship, agreed, done, counted, count, last))
    return Page(rows, found.total, found.page, found.per_page)
