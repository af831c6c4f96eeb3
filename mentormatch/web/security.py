"""Browser and transport hardening: security headers on every response, cookie flags, the
proxy in front, and the rate limiter's storage.

Settings read here (their defaults are in ``mentormatch.settings``): ``RATELIMIT_ENABLED``,
``RATELIMIT_STORAGE_URI`` (else ``REDIS_URL``, else memory), the ``*_LIMIT_*`` strings that
``configured_limit`` reads, and ``TRUSTED_PROXIES``. The request size limits are Flask's own
``MAX_CONTENT_LENGTH``, and the CSV import page's (``CSV_UPLOAD_MAX_BYTES``).
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable

from flask import Flask, Request, Response, current_app, request
from flask_login import current_user
from limits import parse as parse_limit
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import BadRequest, HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from mentormatch.extensions import limiter
from mentormatch.services import accounts
from mentormatch.services.errors import ValidationError
from mentormatch.web.errors import render_error

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
    )
)
# No page uses any of these; a script injected some day gets none of them either.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
# Flask-Limiter's storage in this process's memory (settings.check_limiter_storage).
MEMORY_STORAGE = "memory://"
HSTS = "max-age=31536000; includeSubDomains"
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Pages with a token in their address send the stricter no-referrer themselves.
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
}

NUL_MESSAGE = (
    "What you sent contains a null character, an invisible control character that sometimes "
    "comes along when text is copied from another program. Type that text again (or paste it "
    "as plain text) and send it once more."
)


def init_security(app: Flask) -> None:
    _configure_proxy(app)
    _configure_cookies(app)
    _configure_limiter(app)
    app.request_class = HardenedRequest
    app.register_error_handler(NulCharacter, lambda error: render_error(400, NUL_MESSAGE))
    app.before_request(_refuse_nul_in_the_address)
    app.after_request(_add_security_headers)


def is_production(app: Flask) -> bool:
    return app.config.get("ENV") == "production"


def _configure_proxy(app: Flask) -> None:
    """Behind N trusted proxies, take the client's address and scheme from their headers, so
    that per-address limits count people, not the proxy, and HTTPS is recognised."""
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]


def _configure_cookies(app: Flask) -> None:
    secure = (
        bool(app.config.get("SESSION_COOKIE_SECURE"))
        or is_production(app)
        or app.config.get("PREFERRED_URL_SCHEME") == "https"
    )
    # Strict is stricter still; anything else (None, "None", typos) becomes Lax.
    same_site = "Strict" if app.config.get("SESSION_COOKIE_SAMESITE") == "Strict" else "Lax"
    for prefix in ("SESSION_COOKIE", "REMEMBER_COOKIE"):
        app.config[f"{prefix}_HTTPONLY"] = True
        app.config[f"{prefix}_SAMESITE"] = same_site
        app.config[f"{prefix}_SECURE"] = secure


def _configure_limiter(app: Flask) -> None:
    # Set every value explicitly: the one limiter instance is re-bound to each app, and
    # Flask-Limiter would otherwise carry a previous app's choice over to the next.
    app.config["RATELIMIT_ENABLED"] = bool(app.config["RATELIMIT_ENABLED"])
    app.config["RATELIMIT_STORAGE_URI"] = (
        app.config["RATELIMIT_STORAGE_URI"] or app.config["REDIS_URL"] or MEMORY_STORAGE
    )
    limiter.init_app(app)
    if is_production(app):
        _warn_about_weak_limits(app)


def _warn_about_weak_limits(app: Flask) -> None:
    """settings.check_limiter_storage refuses memory unless it was asked for by name: say
    loudly, in every process, what that choice costs."""
    if not app.config["RATELIMIT_ENABLED"]:
        app.logger.warning(
            "RATELIMIT_ENABLED is false: nothing limits password guessing, password reset "
            "mail or registrations."
        )
    elif app.config["RATELIMIT_STORAGE_URI"].startswith(MEMORY_STORAGE):
        app.logger.warning(
            "RATELIMIT_STORAGE_URI is %s: this process counts rate limits on its own, so with "
            "several worker processes every limit allows that many times more attempts. Set "
            "MENTORMATCH_REDIS_URL or a shared RATELIMIT_STORAGE_URI unless this is the only "
            "process.",
            MEMORY_STORAGE,
        )


class NulCharacter(BadRequest):
    """No text we store may hold NUL: PostgreSQL refuses it, and no person types it."""


def _has_nul(pairs) -> bool:
    return any("\x00" in name or "\x00" in value for name, value in pairs)


class HardenedRequest(Request):
    """Refuses a form holding a NUL character the moment the form is read, whoever reads it
    first (the CSRF check, a rate limit, the view), so a blueprint's smaller size limit
    still applies when it reads the form itself."""

    def _load_form_data(self) -> None:
        super()._load_form_data()
        if _has_nul(self.form.items(multi=True)):
            self.__dict__["form"] = ImmutableMultiDict()  # nothing hostile reaches later code
            raise NulCharacter()


def _refuse_nul_in_the_address() -> None:
    if _has_nul(request.args.items(multi=True)):
        raise NulCharacter()


def _add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure or is_production(current_app):
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if _is_personal():
        # Nothing a signed-in person was shown stays in a shared browser's or proxy's cache
        # (the back button after signing out included).
        response.headers["Cache-Control"] = "no-store"
    return response


def _is_personal() -> bool:
    """Every answer to a signed-in person, and the sign-in and sign-up pages (CSRF tokens,
    names read from emailed links, invitation keys); the stylesheet and scripts hold nothing
    personal."""
    if request.endpoint == "static":
        return False
    return request.blueprint in ("auth", "programmes") or current_user.is_authenticated


# --- what the rate limits count -------------------------------------------------------------


def configured_limit(name: str) -> Callable[[], str]:
    """The limit string of setting ``name`` (e.g. LOGIN_LIMIT_PER_EMAIL), read at request time."""
    return lambda: str(current_app.config[name])


def client_address() -> str:
    return request.remote_addr or "unknown"


def submitted_email() -> str:
    try:
        email = request.form.get("email", "")
    except HTTPException:  # too large, or a NUL: the view answers that, not the limiter
        return ""
    return comparable_email(str(email))


def comparable_email(raw: str) -> str:
    """The address as the accounts service normalises it (an IDNA-checked, lower-case domain,
    so 'Bob@ＥＸＡＭＰＬＥ.org' and 'bob@example.org' are one account), then folded further
    (NFKC, casefold): every spelling that reaches one account counts in one bucket, whatever
    the width or case of its letters."""
    try:
        address = accounts.normalise_email(raw)
    except ValidationError:  # not an address: no account has it, but it still has a bucket
        address = " ".join(raw.split())
    return unicodedata.normalize("NFKC", address).casefold()


def email_bucket(address: str) -> str:
    """Hashed, so that the storage holds no addresses."""
    return "email:" + hashlib.sha256(address.encode()).hexdigest()


def email_key() -> str:
    """One bucket per submitted address, whether or not an account has it (so the limit
    tells nothing about which accounts exist)."""
    return email_bucket(submitted_email())


def user_bucket(user_id: int) -> str:
    return f"user:{user_id}"


def signed_in_user_key() -> str:
    """For guesses at the current password by someone holding a signed-in browser."""
    return user_bucket(current_user.id)


def forget_attempts(setting: str, bucket: str, endpoint: str) -> None:
    """Start the count of limit ``setting`` on ``endpoint`` for ``bucket`` afresh (after a
    password reset, the account's paused sign-ins)."""
    if not limiter.enabled:
        return
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
    identifiers = [prefix, bucket, endpoint] if prefix else [bucket, endpoint]
    try:
        limiter.limiter.clear(parse_limit(str(current_app.config[setting])), *identifiers)
    except Exception:  # noqa: BLE001 - storage trouble: the pause then runs its course
        current_app.logger.warning("Could not clear a rate limit count", exc_info=True)


def no_email_submitted() -> bool:
    return not submitted_email()


def failed_attempt(response: Response) -> bool:
    """A login that did not sign anyone in is answered 400 (the form again, with its error)."""
    return response.status_code == 400
