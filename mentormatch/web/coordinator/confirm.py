"""A confirmation step before an action that is hard or impossible to take back (publish,
close a round, deactivate an account).

The button on the page POSTs without ``confirm``: the answer is a page that says what will
happen, whose form POSTs again with ``confirm=yes``. It works without JavaScript; with it, the
confirming button shows that the action is under way (``static/rounds.js``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import render_template, request

from mentormatch.web.forms import EmptyForm

CONFIRM_FIELD = "confirm"


def confirmed() -> bool:
    """True for the second POST, sent from the confirmation page."""
    return request.form.get(CONFIRM_FIELD) == "yes"


@dataclass(frozen=True)
class Confirmation:
    title: str
    lines: list[str]
    action: str  # the URL the confirming form POSTs to
    button: str
    back_url: str
    back_text: str
    busy: str | None = None  # what the button says while the request runs
    danger: bool = False
    fields: dict[str, str] = field(default_factory=dict)  # carried to the second POST


def render_confirmation(
    confirmation: Confirmation, template: str = "coordinator/confirm.html", **context
) -> str:
    return render_template(template, confirm=confirmation, form=EmptyForm(), **context)
