"""Signed, expiring, single-use tokens for the links we email (password reset, invitation).

A token carries the user's id and a fingerprint of the account's current sign-in state
(session token and password hash). Setting a password changes both, so a token stops
verifying once it has been used, and so does every older token of the same user. The salt
names the purpose: a reset token is not an invitation token.
"""

from __future__ import annotations

import enum
import hashlib
from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from mentormatch.extensions import db
from mentormatch.models import User
from mentormatch.services.errors import ServiceError

RESET = "password-reset"
INVITATION = "invitation"
PURPOSES = (RESET, INVITATION)


class LinkProblem(enum.StrEnum):
    """Why an emailed link cannot be used."""

    INVALID = "invalid"
    EXPIRED = "expired"
    USED = "used"
    INACTIVE = "inactive"


class TokenError(ServiceError):
    """A link that cannot be used, and why (``reason``, a LinkProblem)."""

    def __init__(self, reason: LinkProblem, message: str | None = None) -> None:
        self.reason = reason
        super().__init__(message or reason)


def _serializer(purpose: str, now: datetime | None) -> URLSafeTimedSerializer:
    if purpose not in PURPOSES:
        raise ValueError(f"Unknown token purpose {purpose!r}; use one of {PURPOSES}.")
    signer = TimestampSigner
    if now is not None:  # a fixed clock, for issuing or checking a token at a given time
        timestamp = int(now.timestamp())
        signer = type(
            "FixedClockSigner", (TimestampSigner,), {"get_timestamp": lambda _: timestamp}
        )
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt=f"mentormatch.{purpose}", signer=signer
    )


def _fingerprint(user: User) -> str:
    state = f"{user.session_token}|{user.password_hash or ''}"
    return hashlib.sha256(state.encode()).hexdigest()[:32]


def make_token(user: User, purpose: str, now: datetime | None = None) -> str:
    """A URL-safe token for ``user``; the user must have been flushed (it needs the id)."""
    if user.id is None or user.session_token is None:
        db.session.flush()
    return _serializer(purpose, now).dumps({"user": user.id, "state": _fingerprint(user)})


def verify_token(token: str, purpose: str, max_age: int, now: datetime | None = None) -> User:
    """The user the token was made for, or TokenError saying why it cannot be used."""
    try:
        payload = _serializer(purpose, now).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise TokenError(LinkProblem.EXPIRED) from exc
    except BadSignature as exc:
        raise TokenError(LinkProblem.INVALID) from exc
    user_id = payload.get("user") if isinstance(payload, dict) else None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None:
        raise TokenError(LinkProblem.INVALID)
    if payload.get("state") != _fingerprint(user):
        raise TokenError(LinkProblem.USED)
    if not user.active:
        raise TokenError(LinkProblem.INACTIVE)
    return user
