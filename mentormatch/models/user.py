"""Accounts: one table for mentees, mentors and coordinators."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mentormatch.extensions import db
from mentormatch.models.statuses import sql_in
from mentormatch.models.times import utcnow

if TYPE_CHECKING:
    from mentormatch.models.profiles import MenteeProfile, MentorProfile


class Role(enum.StrEnum):
    MENTEE = "mentee"
    MENTOR = "mentor"
    COORDINATOR = "coordinator"


def new_session_token() -> str:
    return secrets.token_urlsafe(16)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(sql_in(Role, "role"), name="role_known"),
        CheckConstraint("email = lower(email)", name="email_lowercase"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased (and checked by the database), so uniqueness ignores case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    # coordinators: True sees and runs every programme; False only those of their
    # ProgrammeCoordinator rows
    organisation_wide: Mapped[bool] = mapped_column(default=False, server_default="0")
    # Replaced whenever the password is set, so emailed links made before stop working
    # (services.tokens). Sign-ins are rows of LoginSession.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Imported people have no password until they accept their invitation.
    invited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # IANA name (services.time_zones); None: times are shown in UTC
    time_zone: Mapped[str | None] = mapped_column(String(64))

    mentee_profile: Mapped[MenteeProfile | None] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )
    mentor_profile: Mapped[MentorProfile | None] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    # The key of the login session this instance was signed in or loaded with (set by
    # services.sessions; not a column): what Flask-Login keeps in the cookie.
    login_session_key = None  # str once signed in or loaded

    def get_id(self) -> str:
        if not self.login_session_key:
            raise RuntimeError("Start a login session (services.sessions.start) to sign in.")
        return self.login_session_key

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role} {self.email}>"
