"""Check-ins: asked once per side however often the command runs, answered once, private to
coordinators and the author (the other side never; the author's export only), and the
close-out survey after an ending."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from mentormatch.extensions import db
from mentormatch.models import CheckIn, OutboxMessage, User
from mentormatch.models.times import utcnow
from mentormatch.services import audiences, privacy
from mentormatch.services.errors import NotFound, ValidationError
from mentormatch.services.mentorships import checkins, closeout
from tests.workspace_helpers import accepted_pair, started


@pytest.fixture
def pair(app):
    pair = accepted_pair(app)
    started(app, pair.mentorship_id, days_ago=10)
    with app.app_context():
        db.session.execute(
            text(
                "INSERT INTO meetings (mentorship_id, starts_at, duration_minutes, time_zone, "
                "channel, agenda, status, uid, sequence, created_at, proposed_at) VALUES (:m, "
                ":t, 60, 'UTC', 'video', 'First', 'held', 'u-1', 0, :t, :t)"
            ),
            {"m": pair.mentorship_id, "t": utcnow() - timedelta(days=2)},
        )
        db.session.commit()
    return pair


def asked(kind: str) -> dict[int, int]:
    return dict(
        db.session.execute(select(CheckIn.user_id, CheckIn.id).where(CheckIn.kind == kind)).all()
    )


def test_each_side_is_asked_once_however_often_the_command_runs(app, pair):
    with app.app_context():
        assert checkins.send_due().fit == 1
        assert checkins.send_due().total == 0
        assert set(asked("fit")) == {pair.mentee.id, pair.mentor.id}
        mails = db.session.scalar(select(func.count()).where(OutboxMessage.kind == "check-in"))
        assert mails == 2
        # sixty days on: the first pulse, once
        later = utcnow() + timedelta(days=55)
        assert checkins.send_due(later).pulse == 1
        assert checkins.send_due(later + timedelta(hours=1)).pulse == 0


def test_an_answer_is_checked_taken_once_and_seen_by_its_author_and_coordinators(app, pair):
    with app.app_context():
        checkins.send_due()
        mine = asked("fit")[pair.mentee.id]
        with pytest.raises(ValidationError) as refused:
            checkins.answer(mine, pair.mentorship_id, pair.mentee.id, "6", "")
        assert refused.value.errors == [("score", "Choose a score from 1 to 5.")]
        with pytest.raises(NotFound):  # the other side cannot answer (or read) it
            checkins.answer(mine, pair.mentorship_id, pair.mentor.id, "5", "")
        checkins.answer(mine, pair.mentorship_id, pair.mentee.id, "2", "Hard to reach")
        with pytest.raises(checkins.AlreadyAnswered):
            checkins.answer(mine, pair.mentorship_id, pair.mentee.id, "5", "")
        assert privacy.export_personal_data(pair.mentee.id)["check_ins"][0]["comment"] == (
            "Hard to reach"
        )
        assert privacy.export_personal_data(pair.mentor.id)["check_ins"] == []
        coordinator = db.session.get(User, pair.coordinator.id)
        mentor = db.session.get(User, pair.mentor.id)
        item = audiences.Item.CHECK_IN_ANSWER
        about = pair.mentee.id
        assert audiences.may_see(audiences.audiences(coordinator, about, about), item)
        assert not audiences.may_see(audiences.audiences(mentor, about, about), item)
        assert not audiences.may_see(audiences.audiences(mentor, about), audiences.Item.PAIR_NOTE)
        rates = {r.kind: r for r in checkins.answer_rates(coordinator)}
        fit = rates["fit"]
        assert (fit.asked, fit.answered, fit.poor, fit.rate) == (2, 1, 1, 0.5)


def test_the_close_out_survey_follows_an_ending(app, pair):
    with app.app_context():
        closeout.end(pair.mentorship_id, pair.mentee.id, "no-time", 3)
        report = checkins.send_due()
        assert (report.fit, report.closeout) == (0, 1)  # an ended pair gets no fit check
        assert set(asked("closeout")) == {pair.mentee.id, pair.mentor.id}
        assert checkins.send_due().closeout == 0


def test_deleting_an_account_removes_its_check_in_comments_and_keeps_the_scores(app, pair):
    with app.app_context():
        checkins.send_due()
        mine = asked("fit")[pair.mentee.id]
        checkins.answer(mine, pair.mentorship_id, pair.mentee.id, "2", "Hard to reach")
        privacy.delete_account(pair.mentee.id, None)
        answer = db.session.get(CheckIn, mine)
        assert (answer.score, answer.comment) == (2, None)
