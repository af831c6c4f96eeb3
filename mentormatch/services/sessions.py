"""Login sessions held on the server: signing in starts one, signing out ends it.

The login cookie (Flask's signed session, and Flask-Login's remember cookie should one ever be
set) carries only a random key; the row it names says who is signed in and until when. So a
copied cookie stops working the moment its row goes: at sign-out, when the password changes
or is reset, when the account is deactivated or deleted, and once the session has been idle
for ``SESSION_IDLE_SECONDS`` or lived for ``SESSION_MAX_SECONDS`` (settings.DEFAULTS).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, or_, select, update

from mentormatch.extensions import db
from mentormatch.models import LoginSession, User
from mentormatch.models.times import as_utc, utcnow

# How stale "last seen" may get before a request writes it again: idle expiry is hours, so a
# minute's imprecision costs nothing and spares a write on every page.
LAST_SEEN_PRECISION = timedelta(minutes=1)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def idle_limit() -> timedelta:
    return timedelta(seconds=int(current_app.config["SESSION_IDLE_SECONDS"]))


def max_lifetime() -> timedelta:
    return timedelta(seconds=int(current_app.config["SESSION_MAX_SECONDS"]))


def _expired(now: datetime):
    """The SQL condition of a session past its absolute end or idle for too long."""
    return or_(LoginSession.expires_at <= now, LoginSession.last_seen_at <= now - idle_limit())


def start(user: User, now: datetime | None = None) -> str:
    """Sign ``user`` in: a new session, whose key is returned and set on
    ``user.login_session_key`` (what Flask-Login keeps in the cookie). Sessions that have
    expired, anyone's, are cleared out on the way. Commits."""
    now = now or utcnow()
    key = secrets.token_urlsafe(32)
    db.session.execute(delete(LoginSession).where(_expired(now)))
    db.session.add(
        LoginSession(
            key_hash=_hash(key),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + max_lifetime(),
        )
    )
    db.session.commit()
    user.login_session_key = key
    return key


def user_for(key: str | None, now: datetime | None = None) -> User | None:
    """The active user signed in with ``key``, or None (unknown, ended or expired key).

    Flask-Login's loader, so it runs once per request: it writes only when "last seen" is
    more than LAST_SEEN_PRECISION old, or to clear out the session it found expired."""
    if not key:
        return None
    now = now or utcnow()
    row = db.session.execute(
        select(
            LoginSession.id, LoginSession.user_id, LoginSession.last_seen_at,
            LoginSession.expires_at,
        ).where(LoginSession.key_hash == _hash(key))
    ).one_or_none()  # fmt: skip
    if row is None:
        return None
    last_seen = as_utc(row.last_seen_at)
    if as_utc(row.expires_at) <= now or last_seen <= now - idle_limit():
        db.session.execute(delete(LoginSession).where(LoginSession.id == row.id))
        db.session.commit()
        return None
    if now - last_seen >= LAST_SEEN_PRECISION:
        db.session.execute(
            update(LoginSession).where(LoginSession.id == row.id).values(last_seen_at=now)
        )
        db.session.commit()
    user = db.session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    user.login_session_key = key
    return user


def end(key: str | None) -> None:
    """Sign out the session with this key (nothing if there is none). Commits."""
    if key:
        result = db.session.execute(
            delete(LoginSession).where(LoginSession.key_hash == _hash(key))
        )
        if result.rowcount:
            db.session.commit()
        else:
            db.session.rollback()


def end_every_session(user_id: int) -> None:
    """Sign ``user_id`` out everywhere, in the caller's transaction (the caller commits)."""
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user_id))


@dataclass(frozen=True)
class SessionInfo:
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime


def sessions_of(user_id: int, now: datetime | None = None) -> list[SessionInfo]:
    """The user's sessions still running, oldest first (no keys: they are not stored)."""
    now = now or utcnow()
    rows = db.session.scalars(
        select(LoginSession)
        .where(LoginSession.user_id == user_id, ~_expired(now))
        .order_by(LoginSession.created_at, LoginSession.id)
    )
    return [SessionInfo(r.created_at, r.last_seen_at, r.expires_at) for r in rows]
