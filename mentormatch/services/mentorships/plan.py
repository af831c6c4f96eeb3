"""The mentee's pathway plan: goals with target dates and a status, created from the
programme's template for her goal and target Match year (dates from the Match calendar). The
mentee edits the goals; the mentor comments on them. Progress shows on both home pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from mentormatch.extensions import db
from mentormatch.models import GoalStatus, Mentorship, PlanGoal
from mentormatch.models.times import as_utc, utcnow
from mentormatch.services.errors import NotFound, ServiceError, ValidationError
from mentormatch.services.mentorships import plan_templates
from mentormatch.services.mentorships.calendar import next_match_year
from mentormatch.services.mentorships.pair import load_active

NOTE_MAX = 2000
YEARS_AHEAD = 6
STATUS_LABELS = {
    GoalStatus.NOT_STARTED: "Not started",
    GoalStatus.IN_PROGRESS: "In progress",
    GoalStatus.DONE: "Done",
    GoalStatus.BLOCKED: "Blocked",
    GoalStatus.NOT_NEEDED: "Not needed",
}


class NotYourPart(ServiceError):
    """The mentee edits the plan; the mentor comments."""


def started_on(mentorship: Mentorship) -> date:
    return as_utc(mentorship.responded_at).date()


def goals(mentorship_id: int) -> list[PlanGoal]:
    return list(
        db.session.scalars(
            select(PlanGoal)
            .where(PlanGoal.mentorship_id == mentorship_id)
            .order_by(PlanGoal.position, PlanGoal.id)
        )
    )


@dataclass(frozen=True)
class Progress:
    done: int
    counted: int  # every goal but those not needed

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.counted) if self.counted else 0


def progress(found: list[PlanGoal]) -> Progress:
    counted = [g for g in found if g.status != GoalStatus.NOT_NEEDED]
    return Progress(sum(1 for g in counted if g.status == GoalStatus.DONE), len(counted))


def default_match_year(mentorship: Mentorship, today: date | None = None) -> int:
    """The mentee's target Match year, or the next Match cycle when she gave none (or one
    already past)."""
    today = today or utcnow().date()
    profile = mentorship.mentee.mentee_profile
    target = profile.target_match_year if profile else None
    upcoming = next_match_year(today)
    return target if target and target >= upcoming - 1 else upcoming


def _mentee_only(mentorship: Mentorship, user_id: int) -> None:
    if mentorship.side_of(user_id) != "mentee":
        raise NotYourPart(
            f"{mentorship.mentee.full_name} edits the plan; you can comment on each goal."
        )


def create(mentorship_id: int, user_id: int, goal: str, match_year: str | int | None) -> int:
    """Create the plan from the programme's template for ``goal``; returns how many goals.
    A goal whose calendar date fell before the mentorship began keeps no date."""
    mentorship = load_active(mentorship_id, user_id)
    _mentee_only(mentorship, user_id)
    today = utcnow().date()
    problems = []
    if goal not in plan_templates.GOALS:
        problems.append(("goal", "Choose what the plan is for."))
    try:
        year = int(match_year) if match_year not in (None, "") else None
    except (TypeError, ValueError):
        year = -1
    earliest = next_match_year(today) - 1
    if year is None:
        year = default_match_year(mentorship, today)
    elif not earliest <= year <= earliest + YEARS_AHEAD:
        problems.append(
            ("match_year", f"The Match year must be {earliest} to {earliest + YEARS_AHEAD}.")
        )
    if problems:
        raise ValidationError(problems)
    if goals(mentorship_id):
        raise ValidationError.single("goal", "The plan already exists: edit its goals below.")
    start = started_on(mentorship)
    milestones = sorted(
        plan_templates.for_programme(mentorship.programme, goal),
        key=lambda m: m.due_on(year),
    )
    for position, milestone in enumerate(milestones):
        due = milestone.due_on(year)
        db.session.add(
            PlanGoal(
                mentorship_id=mentorship_id,
                position=position,
                title=milestone.title,
                due_on=due if due >= start else None,
            )
        )
    mentorship.plan_goal, mentorship.plan_match_year = goal, year
    db.session.commit()
    return len(milestones)


@dataclass(frozen=True)
class GoalValues:
    title: str
    due_on: date | None
    status: str
    note: str | None


def parse_goal(raw: dict, started: date) -> GoalValues:
    problems = []
    title = (raw.get("title") or "").strip()
    if not title:
        problems.append(("title", "Give the goal a title."))
    elif len(title) > plan_templates.TITLE_MAX:
        problems.append(("title", f"Keep the title under {plan_templates.TITLE_MAX} characters."))
    due_on = None
    text = (raw.get("due_on") or "").strip()
    if text:
        try:
            due_on = date.fromisoformat(text)
        except ValueError:
            problems.append(("due_on", f"'{text}' is not a date (YYYY-MM-DD)."))
        else:
            if due_on < started:
                problems.append(
                    (
                        "due_on",
                        f"{due_on:%d %B %Y} is before the mentorship began "
                        f"({started:%d %B %Y}): choose a later date.",
                    )
                )
    status = (raw.get("status") or GoalStatus.NOT_STARTED.value).strip()
    if status not in set(GoalStatus):
        problems.append(("status", f"Unknown status '{status}': choose one of the list."))
    note = (raw.get("note") or "").strip()
    if len(note) > NOTE_MAX:
        problems.append(("note", f"Keep the note under {NOTE_MAX} characters."))
    if problems:
        raise ValidationError(problems)
    return GoalValues(title, due_on, status, note or None)


def _goal_of(mentorship_id: int, goal_id: int) -> PlanGoal:
    goal = db.session.get(PlanGoal, goal_id)
    if goal is None or goal.mentorship_id != mentorship_id:
        raise NotFound(f"No goal {goal_id} in this plan.")
    return goal


def add_goal(mentorship_id: int, user_id: int, raw: dict) -> PlanGoal:
    mentorship = load_active(mentorship_id, user_id)
    _mentee_only(mentorship, user_id)
    values = parse_goal(raw, started_on(mentorship))
    last = db.session.scalar(
        select(func.max(PlanGoal.position)).where(PlanGoal.mentorship_id == mentorship_id)
    )
    goal = PlanGoal(
        mentorship_id=mentorship_id,
        position=(last or 0) + 1,
        title=values.title,
        due_on=values.due_on,
        status=values.status,
        mentee_note=values.note,
    )
    db.session.add(goal)
    db.session.commit()
    return goal


def update_goal(mentorship_id: int, goal_id: int, user_id: int, raw: dict) -> PlanGoal:
    """The mentee changes the goal (title, date, status, note); the mentor's change is their
    comment."""
    mentorship = load_active(mentorship_id, user_id)
    goal = _goal_of(mentorship_id, goal_id)
    if mentorship.side_of(user_id) == "mentor":
        comment = (raw.get("comment") or "").strip()
        if len(comment) > NOTE_MAX:
            raise ValidationError.single("comment", f"Keep it under {NOTE_MAX} characters.")
        goal.mentor_comment = comment or None
    else:
        values = parse_goal(raw, started_on(mentorship))
        goal.title, goal.due_on, goal.status = values.title, values.due_on, values.status
        goal.mentee_note = values.note
    goal.updated_at = utcnow()
    db.session.commit()
    return goal


def remove_goal(mentorship_id: int, goal_id: int, user_id: int) -> str:
    mentorship = load_active(mentorship_id, user_id)
    _mentee_only(mentorship, user_id)
    goal = _goal_of(mentorship_id, goal_id)
    title = goal.title
    db.session.delete(goal)
    db.session.commit()
    return title


def next_goal(found: list[PlanGoal]) -> PlanGoal | None:
    """The open goal due first (overdue ones included)."""
    open_goals = [
        g
        for g in found
        if g.status not in (GoalStatus.DONE, GoalStatus.NOT_NEEDED) and g.due_on is not None
    ]
    return min(open_goals, key=lambda g: g.due_on, default=None)
