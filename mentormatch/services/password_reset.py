"""Password reset by email, for every role; also sets the password of an invited person."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from mentormatch.extensions import db
from mentormatch.models import OutboxMessage, User
from mentormatch.models.times import utcnow
from mentormatch.models.user import new_session_token
from mentormatch.services import mail, mail_messages, sessions, tokens
from mentormatch.services.accounts import find_by_email, normalise_email, password_problems
from mentormatch.services.errors import ValidationError
from mentormatch.services.passwords import hash_password

KIND = "password-reset"

LINK_MESSAGES = {
    tokens.LinkProblem.INVALID: "This password reset link is not valid. Check that you copied "
    "the whole link from the email, or ask for a new one below.",
    tokens.LinkProblem.EXPIRED: "This password reset link has expired: links work for "
    "{lifetime}. Ask for a new one below.",
    tokens.LinkProblem.USED: "This password reset link has already been used, or the password "
    "was changed since it was sent. Ask for a new one below if you still need it.",
    tokens.LinkProblem.INACTIVE: "This account is deactivated. Please contact your programme "
    "coordinator.",
}


def max_age() -> int:
    return int(current_app.config["PASSWORD_RESET_MAX_AGE"])


def describe_duration(seconds: int) -> str:
    """'1 hour', '14 days', '30 minutes': how long a link works, for people."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} seconds"


def request_reset(email: str) -> None:
    """Email a reset link if an active account has this address; the same outcome otherwise,
    so the answer never reveals who has an account. Raises ValidationError only for an
    address that is not an email address at all."""
    user = find_by_email(normalise_email(email))
    if user is None or not user.active or _recently_sent(user.email):
        return
    link = mail.absolute_url("auth.reset_password", token=tokens.make_token(user, tokens.RESET))
    mail_messages.queue(
        user.email, "password_reset", KIND, user=user, link=link,
        lifetime=describe_duration(max_age()),
    )  # fmt: skip
    db.session.commit()


def _recently_sent(address: str) -> bool:
    """Someone pressing the button repeatedly must not flood the owner's inbox."""
    interval = int(current_app.config["PASSWORD_RESET_MIN_INTERVAL"])
    since = utcnow() - timedelta(seconds=interval)
    return (
        db.session.scalar(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.to_address == address,
                OutboxMessage.kind == KIND,
                OutboxMessage.created_at >= since,
            )
            .limit(1)
        )
        is not None
    )


def user_for_reset_token(token: str, now: datetime | None = None) -> User:
    """The user a reset link is for, or TokenError with a message to show."""
    try:
        return tokens.verify_token(token, tokens.RESET, max_age(), now)
    except tokens.TokenError as exc:
        message = LINK_MESSAGES[exc.reason].format(lifetime=describe_duration(max_age()))
        raise tokens.TokenError(exc.reason, message) from exc


def reset_password(token: str, new_password: str, now: datetime | None = None) -> User:
    """Set a new password from a reset link; signs the user out of every other session."""
    return set_password_once(user_for_reset_token(token, now), new_password)


def set_password_once(user: User, new_password: str, used_message: str | None = None) -> User:
    """Set the password of a user whose link was just verified, rotate the session token and
    end every session of the user (the caller signs this browser in).

    The UPDATE only applies if the session token is still the one the link was checked
    against, so two submissions of the same link cannot both set a password.
    """
    problems = password_problems(new_password)
    if problems:
        raise ValidationError(problems)
    result = db.session.execute(
        update(User)
        .where(User.id == user.id, User.session_token == user.session_token)
        .values(password_hash=hash_password(new_password), session_token=new_session_token())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        problem = tokens.LinkProblem.USED
        raise tokens.TokenError(problem, used_message or LINK_MESSAGES[problem])
    sessions.end_every_session(user.id)
    db.session.commit()  # expires ``user``: it reloads with the new token on next access
    return user
