"""A signed-in browser: one row per sign-in, so that signing out ends it on the server.

The login cookie carries a random key; only its SHA-256 is stored, so a copy of the table
signs nobody in. Deleting the row ends the session (sign-out, password change,
deactivation, deletion), whatever copies of the cookie exist.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from mentormatch.extensions import db
from mentormatch.models.times import utcnow


class LoginSession(db.Model):
    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Idle expiry counts from here; updated at most once a minute while the session is used.
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The absolute end, however active the session is.
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
