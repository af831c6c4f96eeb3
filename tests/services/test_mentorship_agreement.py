"""The agreement: both confirm the same terms; a change asks the other to confirm again; a
reminder goes to whoever has not confirmed, until both have."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from mentormatch.extensions import db
from mentormatch.models import Agreement, OutboxMessage
from mentormatch.models.times import utcnow
from mentormatch.services.errors import NotFound, ValidationError
from mentormatch.services.mentorships import agreement, closeout
from tests.workspace_helpers import accepted_pair

TERMS = {
    "cadence": "fortnightly",
    "channel": "video",
    "focus": ["personal-statement"],
    "expectations": "Agenda before each call",
    "confidentiality": True,
}


def reminders() -> list[str]:
    return list(
        db.session.scalars(
            select(OutboxMessage.to_address)
            .where(OutboxMessage.kind == "agreement-reminder")
            .order_by(OutboxMessage.id)
        )
    )


def test_both_confirm_and_a_change_asks_the_other_again(app):
    pair = accepted_pair(app)
    with app.app_context():
        first = agreement.confirm(pair.mentorship_id, pair.mentee.id, TERMS)
        assert first.mentee_confirmed_at and not first.mentor_confirmed_at
        same = agreement.confirm(pair.mentorship_id, pair.mentor.id, dict(TERMS))
        assert same.confirmed
        changed = agreement.confirm(
            pair.mentorship_id, pair.mentor.id, {**TERMS, "cadence": "monthly"}
        )
        assert changed.mentor_confirmed_at and changed.mentee_confirmed_at is None
        assert not changed.confirmed


def test_bad_terms_are_refused_and_nothing_saved(app):
    pair = accepted_pair(app)
    with app.app_context():
        for raw, field in (
            ({**TERMS, "cadence": "daily"}, "cadence"),
            ({**TERMS, "channel": "pigeon"}, "channel"),
            ({**TERMS, "focus": ["astrology"]}, "focus"),
            ({**TERMS, "confidentiality": False}, "confidentiality"),
            ({**TERMS, "expectations": "x" * 2001}, "expectations"),
        ):
            with pytest.raises(ValidationError) as refused:
                agreement.confirm(pair.mentorship_id, pair.mentee.id, raw)
            assert [f for f, _ in refused.value.errors] == [field]
        assert db.session.scalar(select(Agreement)) is None
        with pytest.raises(NotFound):
            agreement.confirm(pair.mentorship_id, pair.outsider.id, TERMS)


def test_a_reminder_every_few_days_to_whoever_has_not_confirmed(app):
    pair = accepted_pair(app)
    with app.app_context():
        now = utcnow()
        assert agreement.remind_due(now + timedelta(days=1)).mails == 0  # too soon
        assert agreement.remind_due(now + timedelta(days=3, minutes=1)).mails == 2
        assert sorted(reminders()) == sorted([pair.mentee.email, pair.mentor.email])
        assert agreement.remind_due(now + timedelta(days=4)).mails == 0  # once per window
        agreement.confirm(pair.mentorship_id, pair.mentee.id, TERMS)
        assert agreement.remind_due(now + timedelta(days=6, minutes=2)).mails == 1
        assert reminders()[-1] == pair.mentor.email
        agreement.confirm(pair.mentorship_id, pair.mentor.id, TERMS)
        assert agreement.remind_due(now + timedelta(days=30)).mails == 0  # both confirmed


def test_no_reminder_once_the_mentorship_ended(app):
    pair = accepted_pair(app)
    with app.app_context():
        closeout.end(pair.mentorship_id, pair.mentee.id, "no-time", 3)
        assert agreement.remind_due(utcnow() + timedelta(days=10)).mails == 0
