"""One message thread per mentorship. New messages reach the other side by mail in digests:
at most one mail per person every MESSAGE_DIGEST_MINUTES (``send_digests``, run by cron),
never with the text in it. A person marks what they read. "Report a problem" sends the
programme's coordinators a report with the messages the reporter chose; coordinators never
read a thread otherwise."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from mentormatch.extensions import db
from mentormatch.models import Mentorship, Message, User
from mentormatch.models.times import as_utc, utcnow
from mentormatch.services import audit, mail, mail_messages
from mentormatch.services.errors import ValidationError
from mentormatch.services.mentorships.pair import load_active, load_for
from mentormatch.services.programmes import access

REPORT_MAX = 2000


def thread(mentorship_id: int) -> list[Message]:
    return list(
        db.session.scalars(
            select(Message)
            .where(Message.mentorship_id == mentorship_id)
            .options(selectinload(Message.author))
            .order_by(Message.created_at, Message.id)
        )
    )


def unread_count(mentorship_id: int, user_id: int) -> int:
    return db.session.scalar(
        select(func.count(Message.id)).where(
            Message.mentorship_id == mentorship_id,
            Message.recipient_id == user_id,
            Message.read_at.is_(None),
        )
    )


def parse_body(raw: str | None) -> str:
    body = (raw or "").strip()
    limit = int(current_app.config["MESSAGE_MAX_CHARS"])
    if not body:
        raise ValidationError.single("body", "Write a message before sending it.")
    if len(body) > limit:
        raise ValidationError.single(
            "body",
            f"A message can be at most {limit:,} characters; this one has {len(body):,}. "
            "Split it, or share a long document another way.",
        )
    return body


def send(mentorship_id: int, user_id: int, raw_body: str | None) -> Message:
    """Add a message from ``user_id``; sending also marks what they were sent as read."""
    mentorship = load_active(mentorship_id, user_id)
    body = parse_body(raw_body)
    now = utcnow()
    message = Message(
        mentorship_id=mentorship_id,
        author_id=user_id,
        recipient_id=mentorship.other(user_id).id,
        body=body,
        created_at=now,
    )
    db.session.add(message)
    _mark_read(mentorship_id, user_id, now)
    db.session.commit()
    return message


def _mark_read(mentorship_id: int, user_id: int, now: datetime) -> int:
    return db.session.execute(
        update(Message)
        .where(
            Message.mentorship_id == mentorship_id,
            Message.recipient_id == user_id,
            Message.read_at.is_(None),
        )
        .values(read_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount


def mark_read(mentorship_id: int, user_id: int) -> int:
    """Mark every message to ``user_id`` in the thread read; returns how many were unread."""
    load_for(mentorship_id, user_id)
    marked = _mark_read(mentorship_id, user_id, utcnow())
    db.session.commit()
    return marked


def report_problem(
    mentorship_id: int, user_id: int, message_ids: Iterable[int | str], description: str | None
) -> int:
    """Mail the programme's coordinators a report with the chosen messages of this thread
    (and nothing else of it); returns how many messages went with it."""
    mentorship = load_for(mentorship_id, user_id)
    text = (description or "").strip()
    problems = []
    if not text:
        problems.append(("description", "Say what the problem is."))
    elif len(text) > REPORT_MAX:
        problems.append(("description", f"Keep it under {REPORT_MAX} characters."))
    try:
        wanted = {int(i) for i in message_ids}
    except (TypeError, ValueError):
        wanted = {-1}
    chosen = [m for m in thread(mentorship_id) if m.id in wanted and m.removed_at is None]
    if len(chosen) != len(wanted):
        problems.append(("messages", "Choose messages of this conversation only."))
    if problems:
        raise ValidationError(problems)
    reporter = db.session.get(User, user_id)
    for address in access.coordinator_emails(mentorship.programme_id):
        mail_messages.queue(
            address,
            "problem_report",
            "problem-report",
            reporter=reporter,
            other=mentorship.other(user_id),
            mentorship=mentorship,
            description=text,
            messages=chosen,
            link=mail.absolute_url("coordinator.mentorships"),
        )
    audit.record(user_id, audit.PROBLEM_REPORTED, mentorship, messages=len(chosen))
    db.session.commit()
    return len(chosen)


# --- the digests ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestReport:
    mails: int
    waiting: int  # people mailed less than MESSAGE_DIGEST_MINUTES ago: their turn comes later


def send_digests(now: datetime | None = None) -> DigestReport:
    """One mail per person with unread messages not yet in a digest, unless they were sent a
    digest within MESSAGE_DIGEST_MINUTES. Idempotent: each person's messages are claimed with
    a conditional update, so two runs at once mail them once."""
    now = now or utcnow()
    window = timedelta(minutes=int(current_app.config["MESSAGE_DIGEST_MINUTES"]))
    pending = (
        Message.notified_at.is_(None),
        Message.read_at.is_(None),
        Message.removed_at.is_(None),
        Message.created_at <= now,
        # a deactivated or deleted account gets no mail
        Message.recipient_id.in_(select(User.id).where(User.active.is_(True))),
    )
    recipients = db.session.scalars(
        select(Message.recipient_id).where(*pending).distinct().order_by(Message.recipient_id)
    ).all()
    mails = waiting = 0
    for recipient_id in recipients:
        last = db.session.scalar(
            select(func.max(Message.notified_at)).where(Message.recipient_id == recipient_id)
        )
        if last is not None and as_utc(last) > now - window:
            waiting += 1
            continue
        ids = db.session.scalars(
            select(Message.id).where(Message.recipient_id == recipient_id, *pending)
        ).all()
        claimed = db.session.execute(
            update(Message)
            .where(Message.id.in_(ids), *pending)
            .values(notified_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount == 0:
            db.session.rollback()  # another run took them a moment ago
            continue
        _queue_digest(recipient_id, ids)
        db.session.commit()
        mails += 1
    return DigestReport(mails, waiting)


def _queue_digest(recipient_id: int, ids: list[int]) -> None:
    claimed = db.session.scalars(
        select(Message)
        .where(Message.id.in_(ids))
        .options(selectinload(Message.author))
        .order_by(Message.id)
    ).all()
    by_mentorship: dict[int, list[Message]] = defaultdict(list)
    for message in claimed:
        by_mentorship[message.mentorship_id].append(message)
    recipient = db.session.get(User, recipient_id)
    threads = [
        {
            "from": found[0].author,
            "count": len(found),
            "link": mail.absolute_url("mentorships.show", mentorship_id=mentorship_id)
            + "#messages",
        }
        for mentorship_id, found in sorted(by_mentorship.items())
    ]
    mail_messages.queue(
        recipient.email,
        "message_digest",
        "message-digest",
        person=recipient,
        threads=threads,
        total=len(claimed),
    )


def counts(mentorship_ids: Iterable[int]) -> dict[int, tuple[int, datetime | None]]:
    """Mentorship id -> (number of messages, when the last was sent): what coordinators see."""
    ids = list(mentorship_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Message.mentorship_id, func.count(Message.id), func.max(Message.created_at))
        .where(Message.mentorship_id.in_(ids))
        .group_by(Message.mentorship_id)
    )
    return {mentorship_id: (count, last) for mentorship_id, count, last in rows}


def mentorships_with_unread(user_id: int) -> dict[int, int]:
    rows = db.session.execute(
        select(Message.mentorship_id, func.count(Message.id))
        .join(Mentorship, Mentorship.id == Message.mentorship_id)
        .where(Message.recipient_id == user_id, Message.read_at.is_(None))
        .group_by(Message.mentorship_id)
    )
    return dict(rows.all())
