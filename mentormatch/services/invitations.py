"""Invitations: imported people get an email with a link to choose their password."""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from mentormatch.models import User
from mentormatch.models.times import utcnow
from mentormatch.services import mail, mail_messages, tokens
from mentormatch.services.password_reset import describe_duration, set_password_once

KIND = "invitation"

LINK_MESSAGES = {
    tokens.LinkProblem.INVALID: "This invitation link is not valid. Check that you copied the "
    "whole link from the email, or use 'Forgot your password?' on the sign-in page to get a "
    "new link.",
    tokens.LinkProblem.EXPIRED: "This invitation has expired: invitations work for {lifetime}. "
    "Use 'Forgot your password?' on the sign-in page to get a new link, or ask your programme "
    "coordinator to invite you again.",
    tokens.LinkProblem.USED: "This invitation has already been used and your password is set. "
    "Sign in, or use 'Forgot your password?' if you do not remember it.",
    tokens.LinkProblem.INACTIVE: "This account is deactivated. Please contact your programme "
    "coordinator.",
}


def max_age() -> int:
    return int(current_app.config["INVITATION_MAX_AGE"])


def queue_invitation(user: User) -> None:
    """Queue the invitation email and set ``user.invited_at``; the caller commits (and the mail
    goes out after the commit). A user not yet flushed is flushed (the link needs the id)."""
    link = mail.absolute_url(
        "auth.accept_invitation", token=tokens.make_token(user, tokens.INVITATION)
    )
    mail_messages.queue(
        user.email,
        "invitation",
        KIND,
        user=user,
        role=user.role,
        link=link,
        lifetime=describe_duration(max_age()),
        sign_in_url=mail.absolute_url("auth.login"),
    )
    user.invited_at = utcnow()


def user_for_invitation_token(token: str, now: datetime | None = None) -> User:
    """The invited user, or TokenError with a message to show."""
    try:
        return tokens.verify_token(token, tokens.INVITATION, max_age(), now)
    except tokens.TokenError as exc:
        message = LINK_MESSAGES[exc.reason].format(lifetime=describe_duration(max_age()))
        raise tokens.TokenError(exc.reason, message) from exc


def accept_invitation(token: str, password: str, now: datetime | None = None) -> User:
    """Set the invited person's password; the link then stops working."""
    return set_password_once(
        user_for_invitation_token(token, now),
        password,
        used_message=LINK_MESSAGES[tokens.LinkProblem.USED],
    )
