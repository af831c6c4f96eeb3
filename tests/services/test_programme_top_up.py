"""A programme's top-up round takes everyone there who needs a new mentor: a decline, an
expiry or an early ending, without a mentor or a proposal since; not a completed mentorship,
not a pair still together (a poor fit joins once its mentorship is ended)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from mentormatch.extensions import db
from mentormatch.services import proposals
from mentormatch.services.errors import ValidationError
from mentormatch.services.mentorships import closeout
from mentormatch.services.rounds import followup
from tests.helpers import general_programme_id
from tests.proposal_helpers import person, proposal_id, publish, run_round

SPECIALTIES = ("internal-medicine", "pediatrics", "psychiatry", "neurology", "urology")


def test_the_programme_top_up_takes_declined_expired_and_ended_early(app):
    mentees = [
        person(app, "mentee", f"Mentee {k}", specialty=s) for k, s in enumerate(SPECIALTIES)
    ]
    mentors = [
        person(app, "mentor", f"Mentor {k}", specialty=s) for k, s in enumerate(SPECIALTIES)
    ]
    assert publish(app, run_round(app, "Spring")) == 5
    ids = [proposal_id(app, e, m) for e, m in zip(mentees, mentors, strict=True)]
    with app.app_context():
        programme_id = general_programme_id()
        proposals.decline(ids[0], mentors[0].id, "No time")  # declined
        db.session.execute(  # expired
            text("UPDATE mentorships SET status = 'expired' WHERE id = :id"), {"id": ids[1]}
        )
        db.session.commit()
        for k in (2, 3, 4):
            proposals.accept(ids[k], mentors[k].id)
        closeout.end(ids[2], mentees[2].id, "not-a-good-fit", 1)  # ended early
        closeout.end(ids[3], mentors[3].id, "completed", 5)  # completed: not waiting
        # mentee 4 is still with her mentor
        waiting = followup.needing_new_mentor(programme_id)
        assert waiting == [mentees[0].id, mentees[1].id, mentees[2].id]
        top_up = followup.start_programme_top_up(programme_id, None)
        assert sorted(top_up.settings["mentee_ids"]) == waiting
        assert top_up.name.endswith("(top-up)")


def test_nobody_waiting_is_said_in_words(app):
    with app.app_context(), pytest.raises(ValidationError) as refused:
        followup.start_programme_top_up(general_programme_id(), None)
    assert "is waiting for a new mentor" in refused.value.errors[0][1]
