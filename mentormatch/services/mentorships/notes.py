"""Coordinators' notes on a pair: what they did or learned (a call, a problem handled). Seen
by the programme's coordinators only (services.audiences, Item.PAIR_NOTE); never by the
pair, not in anyone's "Your data". A note written after a warning sign marks it handled
(services.mentorships.health)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from mentormatch.extensions import db
from mentormatch.models import Mentorship, PairNote, User
from mentormatch.models.times import utcnow
from mentormatch.services import audit
from mentormatch.services.errors import NotFound, ValidationError
from mentormatch.services.programmes import access

NOTE_MAX = 2000


def mentorship_for(coordinator: User, mentorship_id: int) -> Mentorship:
    """A mentorship of the coordinator's programmes (NotFound otherwise), with its people."""
    mentorship = db.session.get(
        Mentorship,
        mentorship_id,
        options=[selectinload(Mentorship.mentee), selectinload(Mentorship.mentor)],
    )
    if mentorship is None or not access.coordinates(coordinator, mentorship.programme_id):
        raise NotFound(f"No mentorship {mentorship_id}.")
    return mentorship


def add(
    mentorship_id: int, coordinator: User, body: str | None, now: datetime | None = None
) -> PairNote:
    mentorship = mentorship_for(coordinator, mentorship_id)
    text = (body or "").strip()
    if not text:
        raise ValidationError.single("body", "Write the note.")
    if len(text) > NOTE_MAX:
        raise ValidationError.single("body", f"Keep the note under {NOTE_MAX} characters.")
    note = PairNote(
        mentorship_id=mentorship.id,
        author_id=coordinator.id,
        body=text,
        created_at=now or utcnow(),
    )
    db.session.add(note)
    audit.record(coordinator, audit.PAIR_NOTE_ADDED, mentorship)
    db.session.commit()
    return note


def for_mentorship(mentorship_id: int) -> list[PairNote]:
    """Newest first (the caller checked the programme)."""
    return list(
        db.session.scalars(
            select(PairNote)
            .where(PairNote.mentorship_id == mentorship_id)
            .options(selectinload(PairNote.author))
            .order_by(PairNote.created_at.desc(), PairNote.id.desc())
        )
    )
