"""'Your data' holds the agreement, plan and messages; deleting an account ends the
mentorship, keeps the other person's own notes and removes the deleted person's messages'
text."""

from __future__ import annotations

from sqlalchemy import select

from mentormatch.extensions import db
from mentormatch.models import Mentorship, Message, PlanGoal
from mentormatch.services import privacy
from mentormatch.services.mentorships import agreement, messages, plan
from tests.workspace_helpers import accepted_pair

TERMS = {
    "cadence": "weekly",
    "channel": "phone",
    "focus": ["interview-prep"],
    "expectations": "Mock interviews in October",
    "confidentiality": True,
}


def fill(pair) -> int:
    agreement.confirm(pair.mentorship_id, pair.mentee.id, TERMS)
    plan.create(pair.mentorship_id, pair.mentee.id, "residency-match", None)
    goal = plan.goals(pair.mentorship_id)[-1]
    plan.update_goal(
        pair.mentorship_id,
        goal.id,
        pair.mentee.id,
        {"title": goal.title, "note": "My own worry list"},
    )
    plan.update_goal(pair.mentorship_id, goal.id, pair.mentor.id, {"comment": "Ask ECFMG early"})
    messages.send(pair.mentorship_id, pair.mentee.id, "From Ana: my Step 2 CK score")
    messages.send(pair.mentorship_id, pair.mentor.id, "From Irene: congratulations")
    return goal.id


def test_your_data_holds_the_agreement_plan_and_messages(app):
    pair = accepted_pair(app)
    with app.app_context():
        fill(pair)
        [item] = privacy.export_personal_data(pair.mentee.id)["mentorships"]
        assert item["agreement"]["expectations"] == "Mock interviews in October"
        assert item["plan"]["goal"] == "residency-match"
        assert any(g["mentee_note"] == "My own worry list" for g in item["plan"]["goals"])
        assert [(m["from"], m["text"]) for m in item["messages"]] == [
            ("you", "From Ana: my Step 2 CK score"),
            ("Irene Mehta", "From Irene: congratulations"),
        ]
        outsider = privacy.export_personal_data(pair.outsider.id)
        assert "From Ana" not in str(outsider)


def test_deleting_the_mentee_ends_it_keeps_the_mentors_notes_removes_her_text(app):
    pair = accepted_pair(app)
    with app.app_context():
        goal_id = fill(pair)
        privacy.delete_account(pair.mentee.id, None)
        db.session.expire_all()
        mentorship = db.session.get(Mentorship, pair.mentorship_id)
        assert mentorship.status == "ended"
        goal = db.session.get(PlanGoal, goal_id)
        assert goal.mentor_comment == "Ask ECFMG early"  # the mentor's own note stays
        assert goal.mentee_note is None
        texts = {
            m.author_id: (m.body, m.removed_at is not None)
            for m in db.session.scalars(select(Message))
        }
        assert texts[pair.mentee.id] == ("", True)
        assert texts[pair.mentor.id] == ("From Irene: congratulations", False)
        # the mentor still reads the page, with her messages marked removed
        [item] = privacy.export_personal_data(pair.mentor.id)["mentorships"]
        assert [m["text"] for m in item["messages"]] == [None, "From Irene: congratulations"]
