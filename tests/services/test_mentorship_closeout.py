"""Close-out: ending with a reason and a rating, the pair forbidden in its programme, the
coordinators told of a bad fit or silence; completion at the end date after a reminder two
weeks before, unless both extend."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from mentormatch.extensions import db
from mentormatch.models import MentorProfile, Mentorship, OutboxMessage, PairRule
from mentormatch.models.times import utcnow
from mentormatch.services.errors import ValidationError
from mentormatch.services.mentorships import calendar, closeout
from tests.workspace_helpers import accepted_pair


def outbox(kind: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
        )
    )


def test_the_end_date_follows_the_programmes_length(app):
    pair = accepted_pair(app)
    with app.app_context():
        mentorship = db.session.get(Mentorship, pair.mentorship_id)
        months = mentorship.programme.mentorship_months
        assert mentorship.ends_on == calendar.add_months(utcnow().date(), months)


@pytest.mark.parametrize("reason", ["not-a-good-fit", "no-response"])
def test_a_bad_fit_or_silence_forbids_the_pair_and_tells_the_coordinators(app, reason):
    pair = accepted_pair(app)
    with app.app_context():
        ended = closeout.end(pair.mentorship_id, pair.mentee.id, reason, "2")
        assert (ended.status, ended.end_reason, ended.mentee_rating) == ("ended", reason, 2)
        assert ended.ended_by_id == pair.mentee.id
        rule = db.session.scalar(select(PairRule))
        assert (rule.mentee_id, rule.mentor_id, rule.kind) == (
            pair.mentee.id,
            pair.mentor.id,
            "forbid",
        )
        assert rule.programme_id == ended.programme_id
        assert db.session.get(MentorProfile, _profile_id(pair.mentor.id)).seats_taken == 0
        [told] = outbox("mentorship-ended")
        assert told.to_address == pair.coordinator.email
        assert closeout.REASON_LABELS[reason] in told.body_text
        [other] = outbox("ended")
        assert other.to_address == pair.mentor.email


def _profile_id(user_id: int) -> int:
    return db.session.scalar(select(MentorProfile.id).where(MentorProfile.user_id == user_id))


def test_other_reasons_do_not_mail_the_coordinators(app):
    pair = accepted_pair(app)
    with app.app_context():
        closeout.end(pair.mentorship_id, pair.mentor.id, "completed", 5)
        assert outbox("mentorship-ended") == []
        # the other side rates afterwards, once
        closeout.rate(pair.mentorship_id, pair.mentee.id, "4")
        with pytest.raises(closeout.AlreadyDone):
            closeout.rate(pair.mentorship_id, pair.mentee.id, "5")
        mentorship = db.session.get(Mentorship, pair.mentorship_id)
        assert (mentorship.mentor_rating, mentorship.mentee_rating) == (5, 4)


def test_ending_without_a_reason_or_rating_is_refused_and_nothing_changes(app):
    pair = accepted_pair(app)
    with app.app_context():
        for reason, rating in (("", 3), ("bored", 3), ("no-time", None), ("no-time", 9)):
            with pytest.raises(ValidationError):
                closeout.end(pair.mentorship_id, pair.mentee.id, reason, rating)
        db.session.expire_all()
        assert db.session.get(Mentorship, pair.mentorship_id).status == "accepted"
        assert db.session.scalar(select(PairRule)).kind == "lock"  # the acceptance's rule


def test_completion_after_a_reminder_two_weeks_before(app):
    pair = accepted_pair(app)
    with app.app_context():
        ends_on = db.session.get(Mentorship, pair.mentorship_id).ends_on
        at = lambda day: utcnow().replace(year=day.year, month=day.month, day=day.day)  # noqa: E731
        assert closeout.remind_end_dates(at(ends_on - timedelta(days=20))).done == 0
        assert closeout.remind_end_dates(at(ends_on - timedelta(days=14))).done == 1
        assert closeout.remind_end_dates(at(ends_on - timedelta(days=13))).done == 0  # once
        assert {m.to_address for m in outbox("mentorship-ending")} == {
            pair.mentee.email,
            pair.mentor.email,
        }
        assert closeout.complete_due(at(ends_on - timedelta(days=1))).done == 0
        assert closeout.complete_due(at(ends_on)).done == 1
        assert closeout.complete_due(at(ends_on)).done == 0  # idempotent
        mentorship = db.session.get(Mentorship, pair.mentorship_id)
        db.session.refresh(mentorship)
        assert (mentorship.status, mentorship.end_reason) == ("ended", "completed")
        assert len(outbox("mentorship-completed")) == 2


def test_both_extending_moves_the_end_date_one_alone_does_not(app):
    pair = accepted_pair(app)
    with app.app_context():
        mentorship = db.session.get(Mentorship, pair.mentorship_id)
        ends_on = mentorship.ends_on
        at = lambda day: utcnow().replace(year=day.year, month=day.month, day=day.day)  # noqa: E731
        closeout.remind_end_dates(at(ends_on - timedelta(days=14)))
        closeout.extend(pair.mentorship_id, pair.mentee.id)
        with pytest.raises(closeout.AlreadyDone):
            closeout.extend(pair.mentorship_id, pair.mentee.id)
        assert db.session.get(Mentorship, pair.mentorship_id).ends_on == ends_on
        closeout.extend(pair.mentorship_id, pair.mentor.id)
        mentorship = db.session.get(Mentorship, pair.mentorship_id)
        assert mentorship.ends_on == calendar.add_months(ends_on, 3)
        assert closeout.complete_due(at(ends_on)).done == 0  # not due any more
        assert mentorship.status == "accepted"


def test_one_side_alone_extending_does_not_stop_completion(app):
    pair = accepted_pair(app)
    with app.app_context():
        ends_on = db.session.get(Mentorship, pair.mentorship_id).ends_on
        at = lambda day: utcnow().replace(year=day.year, month=day.month, day=day.day)  # noqa: E731
        closeout.remind_end_dates(at(ends_on - timedelta(days=14)))
        closeout.extend(pair.mentorship_id, pair.mentor.id)
        assert closeout.complete_due(at(ends_on)).done == 1
        mentorship = db.session.get(Mentorship, pair.mentorship_id)
        db.session.refresh(mentorship)
        assert (mentorship.status, mentorship.ends_on) == ("ended", ends_on)
