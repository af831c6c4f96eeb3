"""Mails composed from their templates, ready for the outbox.

Every word a person receives lives in a template: ``templates/mail/<name>.txt`` is the body
and ``templates/mail/<name>_subject.txt`` the subject line, both rendered with the same
context.
"""

from __future__ import annotations

from typing import Any

from flask import render_template

from mentormatch.models import OutboxMessage
from mentormatch.services import mail


def subject(template: str, **context: Any) -> str:
    return render_template(f"mail/{template}_subject.txt", **context).strip()


def queue(
    to: str, template: str, kind: str, attachment: mail.Attachment | None = None, **context: Any
) -> OutboxMessage:
    """Add the mail ``template`` to ``to`` to the current transaction (the caller commits),
    with one ``attachment`` if given."""
    body = mail.render_body(template, **context)
    return mail.enqueue(to, subject(template, **context), body, kind, attachment)
