"""Settings, loaded in this order (later wins):

1. the defaults below;
2. ``config/<env>.toml`` for the environment: exactly ``development``, ``testing`` or
   ``production`` (anything else is refused, so a typo never runs without production's
   protections);
3. ``MENTORMATCH_*`` environment variables (``MENTORMATCH_SECRET_KEY`` sets ``SECRET_KEY``);
4. the mapping passed to ``create_app``.

The environment is chosen by the mapping's ``ENV``, else ``MENTORMATCH_ENV``, else
``development``. Values of environment variables are read as TOML literals where they parse
(``true``, ``14``, ``"x"``) and as plain strings otherwise.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ENV_PREFIX = "MENTORMATCH_"
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-secret-key"  # noqa: S105 - refused outside dev/test
ENVIRONMENTS = ("development", "testing", "production")
RELAXED_ENVIRONMENTS = frozenset({"development", "testing"})
# Rate-limit counters in process memory: each worker process would count on its own.
IN_MEMORY_LIMITER_STORAGE = "memory://"
MIN_SECRET_KEY_LENGTH = 32
TASK_EXECUTORS = ("inline", "thread", "rq")
# Settings that no longer exist, and what replaced them: refused, so none is silently ignored.
REPLACED_SETTINGS = {"ROUNDS_EXECUTOR": "TASK_EXECUTOR", "MAIL_SEND_INLINE": "TASK_EXECUTOR"}

DEFAULTS: dict[str, Any] = {
    "ENV": "development",
    "SECRET_KEY": None,
    "DATABASE_URL": None,  # None: a SQLite file in the instance folder
    "PASSWORD_MIN_LENGTH": 10,
    # A sign-in ends after this long without a request, and this long after it began
    # (seconds); signing out, a password change, deactivation or deletion end it at once.
    "SESSION_IDLE_SECONDS": 12 * 3600,
    "SESSION_MAX_SECONDS": 14 * 24 * 3600,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_ENABLED": True,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    # Links in emails are built on this address.
    "BASE_URL": "http://127.0.0.1:5000",
    # Mail: "log" writes each mail to the log (development); "smtp" delivers it.
    "MAIL_BACKEND": "log",
    "MAIL_FROM": "MentorMatch <no-reply@localhost>",
    "MAIL_SMTP_HOST": "localhost",
    "MAIL_SMTP_PORT": 25,
    "MAIL_SMTP_TLS": False,
    "MAIL_SMTP_SSL": False,
    "MAIL_SMTP_USERNAME": None,
    "MAIL_SMTP_PASSWORD": None,
    "MAIL_SMTP_TIMEOUT": 30,
    "MAIL_MAX_ATTEMPTS": 5,
    "MAIL_RETRY_DELAYS": [60, 300, 1800, 7200],
    "MAIL_CLAIM_SECONDS": 600,
    "PASSWORD_RESET_MAX_AGE": 3600,
    "PASSWORD_RESET_MIN_INTERVAL": 60,
    "INVITATION_MAX_AGE": 14 * 24 * 3600,
    # The CSV import page's file; its request may be this plus the rest of the form.
    "CSV_UPLOAD_MAX_BYTES": 5 * 1024 * 1024,
    # The import page lists this many problems of a refused file and counts the rest.
    "CSV_PROBLEMS_LISTED_MAX": 200,
    # Any other request body.
    "MAX_CONTENT_LENGTH": 6 * 1024 * 1024,
    # Rate limits (Flask-Limiter strings): counters in RATELIMIT_STORAGE_URI, else in Redis
    # when REDIS_URL is set, else in memory (refused in production: every worker process
    # would count on its own; "memory://" set explicitly starts with a warning). Login limits
    # count failed attempts only; the others count every submission.
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_STORAGE_URI": None,
    "LOGIN_LIMIT_PER_EMAIL": "5 per 15 minutes",
    "LOGIN_LIMIT_PER_ADDRESS": "20 per 15 minutes",
    "PASSWORD_RESET_LIMIT_PER_EMAIL": "5 per hour",
    "PASSWORD_RESET_LIMIT_PER_ADDRESS": "20 per hour",
    "REGISTER_LIMIT_PER_ADDRESS": "20 per hour",
    # Reverse proxies in front that set X-Forwarded-For/-Proto (0: none; never more than real).
    "TRUSTED_PROXIES": 0,
    # "json" in production: one JSON object per log line, with the request id.
    "LOG_FORMAT": "text",
    "LOG_LEVEL": "INFO",
    # Redis for the job queue (and rate-limit storage); None: everything in-process.
    "REDIS_URL": None,
    # Where background work (rounds, mail after the commit that queued it) runs: "inline" (in
    # the caller: tests), "thread" (a background thread of this process) or "rq" (a
    # `mentormatch worker`). None: "rq" when REDIS_URL is set, else "thread".
    "TASK_EXECUTOR": None,
    # A running round silent for this long has lost its worker and is shown as failed.
    "ROUND_STALE_SECONDS": 15 * 60,
    # Proposals: days a mentor has to answer, and when before the deadline to remind them.
    "PROPOSAL_DAYS": 14,
    "PROPOSAL_REMIND_DAYS_BEFORE": 3,
    # A coordinator may give mentors more time: this many days by default, at most the max.
    "PROPOSAL_EXTEND_DAYS": 7,
    "PROPOSAL_EXTEND_MAX_DAYS": 30,
    # Mentorships: new messages are mailed in digests, at most one mail per person this often.
    "MESSAGE_DIGEST_MINUTES": 15,
    # A message is refused above this many characters.
    "MESSAGE_MAX_CHARS": 10_000,
    # An agreement not yet confirmed by both: a reminder this many days after acceptance, and
    # again every as many days until both have confirmed.
    "AGREEMENT_REMIND_DAYS": 3,
    # A reminder this many days before a mentorship's end date (when it completes unless
    # both extend it), and how many months an extension adds.
    "MENTORSHIP_END_REMIND_DAYS": 14,
    "MENTORSHIP_EXTEND_MONTHS": 3,
    # Meetings: the shortest and longest meeting in minutes (the database checks 15-240 too),
    # how far ahead one may be proposed, and when before it both people are reminded.
    "MEETING_MINUTES_MIN": 15,
    "MEETING_MINUTES_MAX": 240,
    "MEETING_MAX_DAYS_AHEAD": 366,
    "MEETING_REMIND_HOURS_BEFORE": 24,
    # The outcome survey (`mentormatch outcomes survey`): mailed after Match Day to mentees
    # whose Match year it is, reminded every REMINDER_DAYS at most REMINDERS times until the
    # Match result is recorded; nothing is mailed later than WINDOW_DAYS after Match Day.
    "OUTCOME_SURVEY_REMINDER_DAYS": 14,
    "OUTCOME_SURVEY_REMINDERS": 2,
    "OUTCOME_SURVEY_WINDOW_DAYS": 120,
}


class ConfigurationError(RuntimeError):
    """The settings cannot run the service; the message says what to change."""


def default_config_dir() -> Path:
    return Path(os.environ.get(f"{ENV_PREFIX}CONFIG_DIR", Path(__file__).parent.parent / "config"))


def _parse_env_value(raw: str) -> Any:
    try:
        return tomllib.loads(f"value = {raw}")["value"]
    except tomllib.TOMLDecodeError:
        return raw


def settings_from_environ(environ: Mapping[str, str]) -> dict[str, Any]:
    return {
        key[len(ENV_PREFIX) :]: _parse_env_value(value)
        for key, value in environ.items()
        if key.startswith(ENV_PREFIX) and key != f"{ENV_PREFIX}CONFIG_DIR"
    }


def settings_from_file(env: str, config_dir: Path) -> dict[str, Any]:
    path = config_dir / f"{env}.toml"
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        try:
            return {key.upper(): value for key, value in tomllib.load(fh).items()}
        except tomllib.TOMLDecodeError as exc:
            raise ConfigurationError(f"{path} is not valid TOML: {exc}") from exc


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    config_dir: Path | None = None,
) -> dict[str, Any]:
    """Merge the four sources and check that the result can run the service."""
    environ = os.environ if environ is None else environ
    overrides = dict(overrides or {})
    from_env = settings_from_environ(environ)
    env = str(overrides.get("ENV") or from_env.get("ENV") or DEFAULTS["ENV"])
    check_environment(env)

    settings = dict(DEFAULTS)
    settings.update(settings_from_file(env, config_dir or default_config_dir()))
    settings.update(from_env)
    settings.update(overrides)
    settings["ENV"] = env
    check_replaced_settings(settings)
    choose_task_executor(settings)
    check_secret_key(settings)
    check_limiter_storage(settings)
    return settings


def check_environment(env: str) -> None:
    """Only the three environments exist: 'Production' or 'staging' would otherwise run with
    development's relaxed settings (no Secure cookies, a known secret key) without a word."""
    if env not in ENVIRONMENTS:
        raise ConfigurationError(
            f"Unknown environment {env!r}: set MENTORMATCH_ENV to one of "
            f"{', '.join(ENVIRONMENTS)} (exactly, in lower case). A staging server is "
            "'production' with its own settings."
        )


def check_replaced_settings(settings: dict[str, Any]) -> None:
    for old, new in REPLACED_SETTINGS.items():
        if old in settings:
            raise ConfigurationError(
                f"The {old} setting was replaced by {new}: remove {old} (from "
                f"config/{settings['ENV']}.toml or MENTORMATCH_{old}) and set {new} if the "
                f"default does not suit (one of {', '.join(TASK_EXECUTORS)})."
            )


def choose_task_executor(settings: dict[str, Any]) -> None:
    executor = settings.get("TASK_EXECUTOR") or ("rq" if settings.get("REDIS_URL") else "thread")
    if executor not in TASK_EXECUTORS:
        raise ConfigurationError(
            f"TASK_EXECUTOR must be one of {', '.join(TASK_EXECUTORS)}, not {executor!r}: fix "
            "MENTORMATCH_TASK_EXECUTOR or task_executor in the config file."
        )
    if executor == "rq" and not settings.get("REDIS_URL"):
        raise ConfigurationError(
            "TASK_EXECUTOR is 'rq', which needs a Redis: set MENTORMATCH_REDIS_URL (for "
            "example redis://127.0.0.1:6379/0), or choose 'thread'."
        )
    settings["TASK_EXECUTOR"] = executor


def check_secret_key(settings: dict[str, Any]) -> None:
    key = settings.get("SECRET_KEY")
    if settings["ENV"] in RELAXED_ENVIRONMENTS:
        if not key:
            settings["SECRET_KEY"] = DEVELOPMENT_SECRET_KEY
        return
    if not key or key == DEVELOPMENT_SECRET_KEY or len(str(key)) < MIN_SECRET_KEY_LENGTH:
        raise ConfigurationError(
            f"Refusing to start in the '{settings['ENV']}' environment without a real "
            f"SECRET_KEY: set MENTORMATCH_SECRET_KEY to a random string of at least "
            f"{MIN_SECRET_KEY_LENGTH} characters, for example the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
        )


def check_limiter_storage(settings: dict[str, Any]) -> None:
    """In production the rate limits must be counted where every worker process sees them."""
    if settings["ENV"] in RELAXED_ENVIRONMENTS or not settings.get("RATELIMIT_ENABLED"):
        return
    if not (settings.get("RATELIMIT_STORAGE_URI") or settings.get("REDIS_URL")):
        raise ConfigurationError(
            "Refusing to start in production with rate-limit counters in process memory: "
            "each gunicorn worker would count attempts on its own, so the login and password "
            "reset limits would allow several times the attempts they say. Set "
            "MENTORMATCH_REDIS_URL (for example redis://127.0.0.1:6379/0) or "
            "MENTORMATCH_RATELIMIT_STORAGE_URI (any Flask-Limiter storage). To run a single "
            "process on purpose, set MENTORMATCH_RATELIMIT_STORAGE_URI="
            f"{IN_MEMORY_LIMITER_STORAGE}."
        )
