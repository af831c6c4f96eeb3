"""The mentorship's summary and the one next thing to do, as the home pages show it."""

from __future__ import annotations

from datetime import timedelta

from mentormatch.extensions import db
from mentormatch.models import Mentorship
from mentormatch.models.times import utcnow
from mentormatch.services.mentorships import agreement, closeout, messages, page, plan
from tests.workspace_helpers import accepted_pair

TERMS = {"cadence": "monthly", "channel": "video", "confidentiality": True}


def steps(pair) -> tuple[str, str]:
    db.session.expire_all()
    mentee = page.summaries_for(pair.mentee.id)
    mentor = page.summaries_for(pair.mentor.id)
    return (
        mentee[0].next_step.text if mentee and mentee[0].next_step else None,
        mentor[0].next_step.text if mentor and mentor[0].next_step else None,
    )


def test_the_next_step_follows_the_mentorship_through(app):
    pair = accepted_pair(app)
    with app.app_context():
        assert steps(pair) == ("Confirm your agreement: how often and how you meet",) * 2
        agreement.confirm(pair.mentorship_id, pair.mentee.id, TERMS)
        assert steps(pair) == (
            "Create your pathway plan",
            "Confirm your agreement: how often and how you meet",
        )
        agreement.confirm(pair.mentorship_id, pair.mentor.id, TERMS)
        assert steps(pair)[1] == "Ana Sharma has not created the plan yet"
        plan.create(pair.mentorship_id, pair.mentee.id, "licensure", None)
        first = plan.next_goal(plan.goals(pair.mentorship_id))
        assert steps(pair)[0].startswith(f"Next goal: {first.title}, by ")
        messages.send(pair.mentorship_id, pair.mentee.id, "Hi")
        assert steps(pair)[1] == "Read 1 new message"
        # two weeks before the end date: extend or let it complete
        mentorship = db.session.get(Mentorship, pair.mentorship_id)
        mentorship.ends_on = utcnow().date() + timedelta(days=10)
        db.session.commit()
        assert steps(pair)[0].startswith("The mentorship ends on ")
        closeout.extend(pair.mentorship_id, pair.mentee.id)
        assert not steps(pair)[0].startswith("The mentorship ends on ")
        # ended: each side is asked for a rating until they give one, then it leaves home
        closeout.end(pair.mentorship_id, pair.mentor.id, "completed", 5)
        assert steps(pair) == ("Rate the mentorship", None)
        closeout.rate(pair.mentorship_id, pair.mentee.id, 4)
        assert page.summaries_for(pair.mentee.id) == []
        assert page.summaries_for(pair.mentor.id) == []
