"""The outbox: mail is written here in the same transaction as the change that causes it,
and delivered afterwards by the sender, with retries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mentormatch.extensions import db
from mentormatch.models.statuses import OutboxStatus, sql_in
from mentormatch.models.times import utcnow


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (CheckConstraint(sql_in(OutboxStatus), name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(50))  # invitation, password-reset, proposal...
    status: Mapped[str] = mapped_column(String(10), default=OutboxStatus.PENDING.value, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # one optional attachment (a meeting's .ics): its file name, its full Content-Type
    # (e.g. "text/calendar; method=REQUEST") and its text
    attachment_filename: Mapped[str | None] = mapped_column(String(200))
    attachment_type: Mapped[str | None] = mapped_column(String(200))
    attachment_content: Mapped[str | None] = mapped_column(Text)
