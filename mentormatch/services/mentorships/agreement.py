"""The agreement: the first step after acceptance. Meeting cadence, channel, what the mentee
most wants help with (from her support sought), expectations, and confidentiality; in force
once both have confirmed the same text. Either side may change it: a change clears the other
side's confirmation, so both always agree to what is written. A reminder goes to whoever has
not confirmed, every AGREEMENT_REMIND_DAYS, until both have (``remind_due``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.orm import selectinload

from mentormatch import codes
from mentormatch.extensions import db
from mentormatch.models import Agreement, AgreementChannel, MeetingCadence, Mentorship
from mentormatch.models import MentorshipStatus as Status
from mentormatch.models.times import as_utc, utcnow
from mentormatch.services import mail, mail_messages
from mentormatch.services.errors import ValidationError
from mentormatch.services.mentorships.pair import load_active

EXPECTATIONS_MAX = 2000
FOCUS_MAX = 5
CHANNEL_LABELS = {
    AgreementChannel.VIDEO: "Video call",
    AgreementChannel.PHONE: "Phone",
    AgreementChannel.IN_PERSON: "In person",
    AgreementChannel.MESSAGES: "Messages here",
}
CADENCE_LABELS = {
    MeetingCadence.WEEKLY: "Weekly",
    MeetingCadence.FORTNIGHTLY: "Every two weeks",
    MeetingCadence.MONTHLY: "Monthly",
}
CONFIDENTIALITY = (
    "What we discuss stays between us. Neither of us shares the other's messages, notes or "
    "personal details without asking first; the programme's coordinators see only dates, "
    "counts and statuses."
)


@dataclass(frozen=True)
class Terms:
    cadence: str
    channel: str
    focus: tuple[str, ...]
    expectations: str
    confidentiality: bool


def proposed_terms(mentorship: Mentorship) -> Terms:
    """What the form starts from before anyone saved: the programme's cadence, video calls,
    and the mentee's support sought."""
    profile = mentorship.mentee.mentee_profile
    sought = tuple((profile.support_sought if profile else [])[:FOCUS_MAX])
    return Terms(
        mentorship.programme.meeting_cadence, AgreementChannel.VIDEO.value, sought, "", False
    )


def terms_of(agreement: Agreement) -> Terms:
    return Terms(
        agreement.cadence,
        agreement.channel,
        tuple(agreement.focus or ()),
        agreement.expectations or "",
        agreement.confidentiality,
    )


def get(mentorship_id: int) -> Agreement | None:
    return db.session.scalar(select(Agreement).where(Agreement.mentorship_id == mentorship_id))


def parse(raw: dict) -> Terms:
    """Terms from a form's values; ValidationError naming each bad field."""
    problems = []
    cadence = (raw.get("cadence") or "").strip()
    if cadence not in set(MeetingCadence):
        problems.append(
            ("cadence", "Choose how often you meet: weekly, every two weeks or monthly.")
        )
    channel = (raw.get("channel") or "").strip()
    if channel not in set(AgreementChannel):
        problems.append(("channel", "Choose how you meet."))
    focus = tuple(dict.fromkeys(raw.get("focus") or ()))
    unknown = [code for code in focus if code not in codes.SUPPORT_CODES]
    if unknown:
        problems.append(("focus", f"Unknown kind of help: {', '.join(unknown)}."))
    elif len(focus) > FOCUS_MAX:
        problems.append(("focus", f"Choose at most {FOCUS_MAX}: what matters most now."))
    expectations = (raw.get("expectations") or "").strip()
    if len(expectations) > EXPECTATIONS_MAX:
        problems.append(
            (
                "expectations",
                f"Keep it under {EXPECTATIONS_MAX} characters; it has {len(expectations)}.",
            )
        )
    if not raw.get("confidentiality"):
        problems.append(("confidentiality", "Both of you agree to confidentiality to confirm."))
    if problems:
        raise ValidationError(problems)
    return Terms(cadence, channel, focus, expectations, True)


def confirm(mentorship_id: int, user_id: int, raw: dict) -> Agreement:
    """Save the terms as ``user_id`` confirms them. Changed terms clear the other side's
    confirmation (they confirm the new text); unchanged ones keep it."""
    mentorship = load_active(mentorship_id, user_id)
    terms = parse(raw)
    agreement = get(mentorship_id)
    now = utcnow()
    if agreement is None:
        agreement = Agreement(mentorship_id=mentorship_id)
        db.session.add(agreement)
        changed = True
    else:
        changed = terms_of(agreement) != terms
    agreement.cadence, agreement.channel = terms.cadence, terms.channel
    agreement.focus, agreement.expectations = list(terms.focus), terms.expectations
    agreement.confidentiality = terms.confidentiality
    side = mentorship.side_of(user_id)
    if changed:
        agreement.updated_at = now
        agreement.mentee_confirmed_at = agreement.mentor_confirmed_at = None
    setattr(agreement, f"{side}_confirmed_at", now)
    db.session.commit()
    return agreement


def waiting_for(mentorship: Mentorship, agreement: Agreement | None) -> list:
    """The people who have not yet confirmed the agreement as it stands."""
    waiting = []
    if agreement is None or agreement.mentee_confirmed_at is None:
        waiting.append(mentorship.mentee)
    if agreement is None or agreement.mentor_confirmed_at is None:
        waiting.append(mentorship.mentor)
    return waiting


@dataclass(frozen=True)
class ReminderReport:
    mentorships: int
    mails: int


def remind_due(now: datetime | None = None) -> ReminderReport:
    """Remind whoever has not confirmed, AGREEMENT_REMIND_DAYS after acceptance and again every
    as many days until both have. Idempotent: each reminder is claimed with a conditional
    update, so two runs at once send it once."""
    now = now or utcnow()
    every = timedelta(days=int(current_app.config["AGREEMENT_REMIND_DAYS"]))
    candidates = db.session.scalars(
        select(Mentorship)
        .outerjoin(Agreement, Agreement.mentorship_id == Mentorship.id)
        .where(
            Mentorship.status == Status.ACCEPTED,
            Mentorship.responded_at <= now - every,
            or_(
                Agreement.id.is_(None),
                Agreement.mentee_confirmed_at.is_(None),
                Agreement.mentor_confirmed_at.is_(None),
            ),
            or_(
                Mentorship.agreement_reminded_at.is_(None),
                Mentorship.agreement_reminded_at <= now - every,
            ),
        )
        .options(selectinload(Mentorship.mentee), selectinload(Mentorship.mentor))
        .order_by(Mentorship.id)
    ).all()
    reminded = mails = 0
    for mentorship in candidates:
        claimed = db.session.execute(
            update(Mentorship)
            .where(
                Mentorship.id == mentorship.id,
                or_(
                    Mentorship.agreement_reminded_at.is_(None),
                    Mentorship.agreement_reminded_at <= now - every,
                ),
            )
            .values(agreement_reminded_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            db.session.rollback()
            continue
        link = mail.absolute_url("mentorships.show", mentorship_id=mentorship.id) + "#agreement"
        for person in waiting_for(mentorship, get(mentorship.id)):
            mail_messages.queue(
                person.email,
                "agreement_reminder",
                "agreement-reminder",
                person=person,
                other=mentorship.other(person.id),
                accepted_on=as_utc(mentorship.responded_at).strftime("%d %B %Y"),
                link=link,
            )
            mails += 1
        db.session.commit()
        reminded += 1
    return ReminderReport(reminded, mails)
