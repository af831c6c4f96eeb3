"""Error pages in the site's look."""

from __future__ import annotations

import math
import time
from functools import partial

from flask import Flask, current_app, render_template, request
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from mentormatch.extensions import limiter
from mentormatch.services.csv_profiles import size_text
from mentormatch.web.forms import EmptyForm

MESSAGES = {
    400: ("Bad request", "The request could not be understood. Go back and try again."),
    403: ("Not allowed", "Your account does not have access to this page."),
    404: ("Not found", "There is nothing at this address. Check the link or go home."),
    405: ("Method not allowed", "This address does not accept that kind of request."),
    413: ("Too large", "The upload is larger than allowed."),
    429: ("Too many attempts", "There were too many attempts. Wait a while and try again."),
    500: ("Something went wrong", "We could not complete this request. Please try again."),
}


def render_error(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, (f"Error {code}", "The request could not be completed."))
    return render_template(
        "errors/error.html",
        code=code,
        title=title,
        message=detail or message,
        # The sign-out button must not read this request's form: it may be the one refused.
        logout_form=partial(EmptyForm, formdata=None),
    ), code


def wait_text(seconds: float) -> str:
    """'1 minute', '12 minutes', '2 hours': rounded up, so that trying then works."""
    minutes = max(1, math.ceil(int(seconds) / 60))
    if minutes < 90:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = math.ceil(minutes / 60)
    return f"{hours} hours"


def _seconds_until_retry(error: RateLimitExceeded) -> float:
    breached = limiter.current_limit
    try:
        if breached is not None:
            return max(0.0, breached.reset_at - time.time())
    except Exception:  # noqa: BLE001 - storage trouble: fall back to the whole window
        current_app.logger.warning("Could not read when the rate limit resets", exc_info=True)
    return float(error.limit.limit.get_expiry())


def too_large(error: RequestEntityTooLarge):
    """The page for a request over the size limits, naming them."""
    upload = request.max_content_length or current_app.config.get("MAX_CONTENT_LENGTH")
    text = request.max_form_memory_size or current_app.config.get("MAX_FORM_MEMORY_SIZE")
    limits = " and ".join(
        f"{what} at most {size_text(size)}"
        for what, size in (("uploads can be", upload), ("the text of a form", text))
        if size
    )
    return render_error(
        413,
        "What you sent is too large for this site"
        + (f" ({limits})" if limits else "")
        + ". Go back, shorten the text or choose a smaller file, and send it again.",
    )


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(
            400,
            "The form had expired or lacked its security token. Reload the page and submit "
            "it again.",
        )

    @app.errorhandler(RateLimitExceeded)
    def too_many(error: RateLimitExceeded):
        seconds = _seconds_until_retry(error)
        body, code = render_error(
            429,
            "There were too many attempts from here or for this account, so we have paused "
            f"them to keep the account safe. Try again in {wait_text(seconds)}. If you have "
            "forgotten your password, ask for a reset link instead.",
        )
        return body, code, {"Retry-After": str(math.ceil(seconds))}

    app.register_error_handler(RequestEntityTooLarge, too_large)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return render_error(error.code or 500)
