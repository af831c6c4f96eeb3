"""The pathway plan: the Match calendar, templates as data (per programme), goals the mentee
edits and the mentor comments on, and bad input refused with nothing saved."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from mentormatch.extensions import db
from mentormatch.models import Mentorship, PlanGoal, Programme
from mentormatch.models.times import utcnow
from mentormatch.services.errors import NotFound, ValidationError
from mentormatch.services.mentorships import calendar, plan, plan_templates
from tests.workspace_helpers import accepted_pair


def test_match_day_is_the_friday_of_the_third_week_of_march():
    assert calendar.match_day(2026) == date(2026, 3, 20)
    assert calendar.match_day(2027) == date(2027, 3, 19)
    assert calendar.match_day(2028) == date(2028, 3, 17)


def test_the_next_match_cycle_is_the_one_still_open_for_applications():
    assert calendar.next_match_year(date(2026, 1, 10)) == 2027
    assert calendar.next_match_year(date(2026, 9, 30)) == 2027
    assert calendar.next_match_year(date(2026, 10, 1)) == 2028
    assert calendar.next_match_year(date(2026, 12, 1)) == 2028


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert calendar.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert calendar.add_months(date(2026, 11, 15), 12) == date(2027, 11, 15)


def goal_dates(app, mentorship_id: int) -> dict[str, date | None]:
    with app.app_context():
        return {g.title: g.due_on for g in plan.goals(mentorship_id)}


def test_a_plan_without_a_target_year_follows_the_next_match_cycle(app):
    pair = accepted_pair(app)
    with app.app_context():
        count = plan.create(pair.mentorship_id, pair.mentee.id, "residency-match", None)
        mentorship = db.session.get(Mentorship, pair.mentorship_id)
        year = calendar.next_match_year(utcnow().date())
        assert mentorship.plan_match_year == year
    dates = goal_dates(app, pair.mentorship_id)
    assert count == len(plan_templates.BUILT_IN["residency-match"]) == len(dates)
    assert dates["Match Day"] == calendar.match_day(year)
    assert dates["Rank list certified"] == date(year, 3, 1)
    assert dates["Residency application (ERAS) submitted"] == date(year - 1, 9, 15)
    assert dates["Visa: J-1 through ECFMG or H-1B"] == date(year, 5, 15)
    # ordered by date; dates before the mentorship began are left empty, never in the past
    with app.app_context():
        ordered = [g.due_on for g in plan.goals(pair.mentorship_id) if g.due_on]
        assert ordered == sorted(ordered)
        assert all(due >= utcnow().date() for due in ordered)


def test_the_mentees_target_year_and_goal_choose_the_template(app):
    pair = accepted_pair(app, target_match_year=2030, goals=["research-position"])
    with app.app_context():
        mentorship = db.session.get(Mentorship, pair.mentorship_id)
        assert plan_templates.goal_for_profile(mentorship.mentee.mentee_profile.goals) == (
            "research-position"
        )
        plan.create(pair.mentorship_id, pair.mentee.id, "research-position", "")
    dates = goal_dates(app, pair.mentorship_id)
    assert dates["Research position starts"] == date(2030, 5, 1)


def test_a_programmes_own_template_replaces_the_built_in_one(app):
    pair = accepted_pair(app)
    with app.app_context():
        programme_id = db.session.get(Mentorship, pair.mentorship_id).programme_id
        plan_templates.save_for_programme(
            programme_id,
            {"residency-match": "Y-1 Jul 1 | Step 2 CK booked\nMatch Day | Match Day!"},
            actor_id=pair.coordinator.id,
        )
        plan.create(pair.mentorship_id, pair.mentee.id, "residency-match", "2029")
    assert goal_dates(app, pair.mentorship_id) == {
        "Step 2 CK booked": date(2028, 7, 1),
        "Match Day!": calendar.match_day(2029),
    }


def test_a_bad_template_line_is_named_and_nothing_is_saved(app):
    with app.app_context():
        programme = db.session.scalar(select(Programme))
        with pytest.raises(ValidationError) as refused:
            plan_templates.save_for_programme(
                programme.id,
                {"licensure": "Y Mar 1 | Fine\nY-1 Feb 30 | No such day\nsometime | Later"},
                actor_id=None,
            )
        messages = [message for _, message in refused.value.errors]
        assert any(m.startswith("Line 2:") and "no day 30" in m for m in messages)
        assert any(m.startswith("Line 3:") and "not a date" in m for m in messages)
        db.session.refresh(programme)
        assert programme.plan_templates is None


def test_goal_edits_refuse_bad_input_and_save_nothing(app):
    pair = accepted_pair(app)
    with app.app_context():
        plan.create(pair.mentorship_id, pair.mentee.id, "licensure", None)
        goal = plan.goals(pair.mentorship_id)[-1]
        before = (goal.title, goal.due_on, goal.status)
        yesterday = (utcnow().date() - timedelta(days=1)).isoformat()
        for raw, field in (
            ({"title": "X", "due_on": yesterday, "status": "done"}, "due_on"),
            ({"title": "X", "due_on": "", "status": "finished"}, "status"),
            ({"title": " ", "due_on": "", "status": "done"}, "title"),
            ({"title": "X", "due_on": "31/12/2030", "status": "done"}, "due_on"),
        ):
            with pytest.raises(ValidationError) as refused:
                plan.update_goal(pair.mentorship_id, goal.id, pair.mentee.id, raw)
            assert [f for f, _ in refused.value.errors] == [field]
            db.session.expire_all()
            goal = db.session.get(PlanGoal, goal.id)
            assert (goal.title, goal.due_on, goal.status) == before
        assert "before the mentorship began" in str(
            pytest.raises(
                ValidationError,
                plan.add_goal,
                pair.mentorship_id,
                pair.mentee.id,
                {"title": "Old", "due_on": yesterday},
            ).value
        )
        assert db.session.scalar(select(func.count(PlanGoal.id))) == len(
            plan_templates.BUILT_IN["licensure"]
        )


def test_the_mentee_edits_the_mentor_comments_and_progress_counts_what_is_done(app):
    pair = accepted_pair(app)
    with app.app_context():
        plan.create(pair.mentorship_id, pair.mentee.id, "alternative-career", None)
        first, second, *_ = plan.goals(pair.mentorship_id)
        plan.update_goal(
            pair.mentorship_id, first.id, pair.mentee.id, {"title": first.title, "status": "done"}
        )
        plan.update_goal(
            pair.mentorship_id,
            second.id,
            pair.mentee.id,
            {"title": second.title, "status": "not-needed"},
        )
        # the mentor's change is a comment: the goal itself stays as the mentee left it
        plan.update_goal(
            pair.mentorship_id,
            first.id,
            pair.mentor.id,
            {"comment": "Well done", "title": "Changed", "status": "blocked"},
        )
        db.session.expire_all()
        first = db.session.get(PlanGoal, first.id)
        assert (first.title, first.status, first.mentor_comment) != ("Changed", "blocked", None)
        assert first.mentor_comment == "Well done" and first.status == "done"
        found = plan.goals(pair.mentorship_id)
        assert plan.progress(found) == plan.Progress(1, len(found) - 1)
        with pytest.raises(plan.NotYourPart):
            plan.add_goal(pair.mentorship_id, pair.mentor.id, {"title": "Mine"})
        with pytest.raises(NotFound):
            plan.update_goal(pair.mentorship_id, first.id, pair.outsider.id, {"comment": "x"})
