"""Outgoing email through the outbox.

A mail is first a row in ``outbox_messages``, added to the session of the change that causes it
(``enqueue`` never commits), so a rolled-back change sends nothing and a committed one cannot
lose its mail. Once that transaction commits, a session hook hands the new rows to the
"mail.deliver" task (mentormatch.tasks: inline, a thread or the job queue); the scheduled
sender (`mentormatch mail send`) delivers whatever is still due, retries included. Delivery
goes through SMTP or, in development, to the log.

Each delivery claims its row with a conditional UPDATE (``status`` still pending, ``attempts``
as read) committed before the mail goes out, so two senders never send the same row. The claim
also pushes ``next_attempt_at`` a lease ahead: if a sender dies mid-send, the row becomes due
again after the lease (mail is delivered at least once, never twice by two live senders).
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Any, Protocol

from flask import current_app, render_template
from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import Session, SessionTransaction

from mentormatch import tasks
from mentormatch.extensions import db
from mentormatch.models import OutboxMessage
from mentormatch.models.user import utcnow

BACKENDS = ("smtp", "log")
DELIVER_TASK = "mail.deliver"
DELIVER_TIMEOUT = 10 * 60  # seconds the job queue gives one delivery run
_QUEUED_KEY = "mentormatch.outbox.queued"
_IDS_PER_QUERY = 500  # well below every database's limit on bound parameters
_ERROR_MAX_LENGTH = 1000


def setting(name: str) -> Any:
    return current_app.config[name]  # defaults live in mentormatch.settings


def absolute_url(endpoint: str, **values: Any) -> str:
    """A link for an email: BASE_URL plus the route's path; needs no request."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return str(setting("BASE_URL")).rstrip("/") + path


def render_body(template: str, **context: Any) -> str:
    """The plain-text body from ``templates/mail/<template>.txt``."""
    return render_template(f"mail/{template}.txt", **context)


@dataclass(frozen=True)
class Attachment:
    """One file sent with a mail: e.g. ``Attachment("meeting.ics",
    "text/calendar; method=REQUEST", text)``."""

    filename: str
    content_type: str  # a full Content-Type: the MIME type and its parameters
    text: str


def enqueue(
    to: str, subject: str, body: str, kind: str, attachment: Attachment | None = None
) -> OutboxMessage:
    """Add a mail to the current transaction; it is delivered after the caller commits."""
    message = OutboxMessage(to_address=to, subject=subject, body_text=body, kind=kind)
    if attachment is not None:
        message.attachment_filename = attachment.filename
        message.attachment_type = attachment.content_type
        message.attachment_content = attachment.text
    db.session.add(message)
    db.session.info.setdefault(_QUEUED_KEY, []).append(message)
    return message


def leave_to_scheduled_sender() -> None:
    """Deliver the mail this transaction queued so far with the next `mentormatch mail send`,
    not right after the commit (a batch too large to send at once)."""
    db.session.info.pop(_QUEUED_KEY, None)


@event.listens_for(db.session, "after_commit")
def _deliver_after_commit(session: Session) -> None:
    """Hand the mail of the transaction that just committed to the delivery task. Never
    raises: the change is saved, and the outbox keeps the mail for the scheduled sender."""
    if session.in_nested_transaction():
        return  # a savepoint: its mail is saved only when the whole transaction commits
    queued = session.info.pop(_QUEUED_KEY, [])
    # Rows added inside a savepoint that was rolled back have no identity: nothing to send.
    ids = [inspect(message).identity[0] for message in queued if inspect(message).has_identity]
    if not ids:
        return
    try:
        tasks.enqueue(DELIVER_TASK, ids)
    except Exception:  # noqa: BLE001 - e.g. Redis is down; `mentormatch mail send` delivers it
        current_app.logger.exception("Could not start the mail delivery; the outbox keeps it")


@event.listens_for(db.session, "after_transaction_end")
def _forget_mail_of_ended_transaction(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # committed (handed over above) or rolled back
        session.info.pop(_QUEUED_KEY, None)


# --- delivery -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return f"sent {self.sent}, will retry {self.retrying}, failed {self.failed}"


class Backend(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class LogBackend:
    """Development: the mail goes to the app log instead of a mail server."""

    def send(self, message: EmailMessage) -> None:
        # WARNING, not INFO: `mentormatch run` without --debug shows only warnings, and the
        # developer needs to see the link; it is also true that nobody received this mail.
        attached = [
            f"\n[attached: {part.get_filename()} ({part.get_content_type()})]"
            for part in message.iter_attachments()
        ]
        current_app.logger.warning(
            "MAIL_BACKEND is 'log', so this mail was logged, not sent.\n"
            "To: %s\nSubject: %s\n\n%s%s",
            message["To"],
            message["Subject"],
            message.get_body(("plain",)).get_content(),
            "".join(attached),
        )


class SMTPBackend:
    """One connection per delivery run, opened on first use and reopened after an error."""

    def __init__(self) -> None:
        self._connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        host, port = setting("MAIL_SMTP_HOST"), int(setting("MAIL_SMTP_PORT"))
        timeout = float(setting("MAIL_SMTP_TIMEOUT"))
        context = ssl.create_default_context()
        if setting("MAIL_SMTP_SSL"):
            connection: smtplib.SMTP = smtplib.SMTP_SSL(
                host, port, timeout=timeout, context=context
            )
        else:
            connection = smtplib.SMTP(host, port, timeout=timeout)
        try:
            if setting("MAIL_SMTP_TLS") and not setting("MAIL_SMTP_SSL"):
                connection.starttls(context=context)
            username = setting("MAIL_SMTP_USERNAME")
            if username:
                connection.login(username, setting("MAIL_SMTP_PASSWORD") or "")
        except BaseException:
            connection.close()
            raise
        return connection

    def send(self, message: EmailMessage) -> None:
        if self._connection is None:
            self._connection = self._connect()
        try:
            self._connection.send_message(message)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self._connection is None:
            return
        try:
            self._connection.quit()
        except (smtplib.SMTPException, OSError):
            self._connection.close()
        self._connection = None


@contextmanager
def open_backend() -> Iterator[Backend]:
    name = setting("MAIL_BACKEND")
    if name == "log":
        yield LogBackend()
        return
    if name != "smtp":
        raise ValueError(f"MAIL_BACKEND must be one of {', '.join(BACKENDS)}, not {name!r}.")
    backend = SMTPBackend()
    try:
        yield backend
    finally:
        backend.close()


def due_messages(now: datetime | None = None, limit: int | None = None) -> list[tuple[int, int]]:
    """(id, attempts) of pending messages whose time has come, oldest first."""
    query = (
        select(OutboxMessage.id, OutboxMessage.attempts)
        .where(
            OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= (now or utcnow())
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    return [(row.id, row.attempts) for row in db.session.execute(query)]


def deliver_pending(now: datetime | None = None, limit: int | None = None) -> DeliveryReport:
    """Deliver every message due now (at most ``limit``); what the cron command runs."""
    now = now or utcnow()
    return _deliver(due_messages(now, limit), now)


@tasks.task(DELIVER_TASK, queue=tasks.MAIL_QUEUE, timeout=DELIVER_TIMEOUT)
def deliver(message_ids: list[int]) -> DeliveryReport:
    """Deliver these messages if they are still pending and due: the task a commit starts."""
    now = utcnow()
    due: list[tuple[int, int]] = []
    for start in range(0, len(message_ids), _IDS_PER_QUERY):
        rows = db.session.execute(
            select(OutboxMessage.id, OutboxMessage.attempts)
            .where(
                OutboxMessage.id.in_(message_ids[start : start + _IDS_PER_QUERY]),
                OutboxMessage.status == "pending",
            )
            .order_by(OutboxMessage.id)
        )
        due.extend((row.id, row.attempts) for row in rows)
    return _deliver(due, now)


def deliver_message(
    message_id: int, seen_attempts: int, backend: Backend, now: datetime | None = None
) -> str | None:
    """Claim and deliver one message; 'sent', 'retrying', 'failed', or None if not claimed."""
    now = now or utcnow()
    if not _claim(message_id, seen_attempts, now):
        return None
    attempt = seen_attempts + 1
    message = db.session.get(OutboxMessage, message_id)
    try:
        backend.send(_email_for(message))
    except Exception as exc:  # any failure is recorded on the row, never lost with the process
        return _record_failure(message_id, attempt, exc, now)
    _set(message_id, attempt, status="sent", sent_at=utcnow(), last_error=None)
    return "sent"


def _deliver(due: list[tuple[int, int]], now: datetime) -> DeliveryReport:
    counts = {"sent": 0, "retrying": 0, "failed": 0}
    if not due:
        return DeliveryReport()
    with open_backend() as backend:
        for message_id, attempts in due:
            outcome = deliver_message(message_id, attempts, backend, now)
            if outcome is not None:
                counts[outcome] += 1
    return DeliveryReport(**counts)


def _claim(message_id: int, seen_attempts: int, now: datetime) -> bool:
    lease = timedelta(seconds=int(setting("MAIL_CLAIM_SECONDS")))
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == "pending",
            OutboxMessage.attempts == seen_attempts,
            OutboxMessage.next_attempt_at <= now,
        )
        .values(attempts=OutboxMessage.attempts + 1, next_attempt_at=now + lease)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def _set(message_id: int, attempt: int, **values: Any) -> None:
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.attempts == attempt)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _record_failure(message_id: int, attempt: int, exc: Exception, now: datetime) -> str:
    error = f"{type(exc).__name__}: {exc}"[:_ERROR_MAX_LENGTH]
    if _is_permanent(exc) or attempt >= int(setting("MAIL_MAX_ATTEMPTS")):
        current_app.logger.error(
            "Mail %s failed for good after %s attempt(s): %s", message_id, attempt, error
        )
        _set(message_id, attempt, status="failed", last_error=error)
        return "failed"
    delays = list(setting("MAIL_RETRY_DELAYS"))
    delay = timedelta(seconds=int(delays[min(attempt, len(delays)) - 1]))
    current_app.logger.warning(
        "Mail %s not delivered (attempt %s), retrying in %s: %s", message_id, attempt, delay, error
    )
    _set(message_id, attempt, next_attempt_at=now + delay, last_error=error)
    return "retrying"


def _is_permanent(exc: Exception) -> bool:
    """A 5xx refusal of the recipient or the content, or a mail that cannot even be built,
    will not change on retry; connection trouble and 4xx answers may."""
    if not isinstance(exc, smtplib.SMTPException | OSError):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return bool(exc.recipients) and all(code >= 500 for code, _ in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPDataError) and exc.smtp_code >= 500


def _email_for(message: OutboxMessage) -> EmailMessage:
    sender = str(setting("MAIL_FROM"))
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Date"] = formatdate(usegmt=True)
    email["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}", domain=domain)
    email.set_content(message.body_text)
    if message.attachment_content is not None:
        mime_type, _, parameters = (message.attachment_type or "text/plain").partition(";")
        maintype, _, subtype = mime_type.strip().partition("/")
        params = dict(
            (key.strip().lower(), value.strip().strip('"'))
            for key, _, value in (item.partition("=") for item in parameters.split(";"))
            if key.strip()
        )
        content = message.attachment_content
        if maintype == "text":
            email.add_attachment(
                content, subtype=subtype or "plain", filename=message.attachment_filename,
                params=params,
            )  # fmt: skip
        else:
            email.add_attachment(
                content.encode("utf-8"), maintype=maintype, subtype=subtype,
                filename=message.attachment_filename, params=params,
            )  # fmt: skip
    return email
