"""Logging: one line per request with a request id, as JSON in production.

The request id comes from the proxy's X-Request-ID header when it looks like one, otherwise it
is made here; it is returned in the response's X-Request-ID header and added to every log
record written while the request runs, so one request's lines can be found together.

What a visitor sends cannot forge or spoil a line: the access line's fields have their control
characters escaped (``/a%0D%0Afake`` is logged as ``/a\\r\\nfake``), any other message
that quotes the request's address gets the same treatment, a text line's own line breaks are
indented under it (so only a real record starts a line), and JSON escapes the rest. The
tokens of emailed links (``TOKEN_ROUTES``) are replaced by ``[redacted]`` in addresses and
query strings, so reading the log does not let anyone set a password.
"""

from __future__ import annotations

import json
import logging
import re
import time
import unicodedata
import uuid
from datetime import UTC, datetime

from flask import Flask, Response, g, has_request_context, request
from flask.logging import default_handler
from flask_login import current_user

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
ACCESS_LOGGER = "mentormatch.access"
# Routes whose last segment is a secret: the links emailed for a password reset and for an
# invitation (web/auth). tests/test_health_and_logs.py checks that every route with a
# ``<token>`` is listed here.
TOKEN_ROUTES = ("/auth/reset-password/", "/auth/invitation/")
REDACTED = "[redacted]"
# The route, its slashes as they are or percent-encoded (inside a query string such as
# ?next=%2Fauth%2Finvitation%2F...), then the token, up to the next separator.
_TOKEN_IN_ADDRESS = re.compile(
    "(" + "|".join(re.escape(route).replace("/", "(?:/|%2F)") for route in TOKEN_ROUTES) + ")"
    r"[^/?#&%\s]+",
    re.IGNORECASE,
)
# Besides the C0/C1 controls: line and paragraph separators (a line break to some readers),
# and format characters such as right-to-left overrides (they reorder what a terminal shows).
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\"}
_LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
CONTINUATION_INDENT = "    "


def _escape_character(character: str, keep: str = "") -> str:
    if character in keep:
        return character
    if character in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[character]
    if unicodedata.category(character) in _UNSAFE_CATEGORIES:
        code = ord(character)
        return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
    return character


def escape_control_characters(text: str, keep: str = "") -> str:
    """``text`` on one line, with nothing a terminal would act on: control and format
    characters (and the backslash, so an escape is never ambiguous) written as escapes,
    except those in ``keep``."""
    return "".join(_escape_character(character, keep) for character in text)


def redact_tokens(text: str) -> str:
    """``text`` with the token of every emailed link's address replaced by ``[redacted]``."""
    return _TOKEN_IN_ADDRESS.sub(lambda match: match.group(1) + REDACTED, text)


def loggable(text: str) -> str:
    """A value from the request, as it may be written to the log."""
    return escape_control_characters(redact_tokens(text))


def _query_string() -> str:
    return request.query_string.decode("utf-8", errors="backslashreplace")


class RequestIdFilter(logging.Filter):
    """Every record: the request id; and where its message quotes the address of the request
    being handled (Flask's "Exception on /path [GET]"), that address as the access line has it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not has_request_context():
            record.request_id = "-"
            return True
        record.request_id = getattr(g, "request_id", "-")
        path, safe_path = request.path, loggable(request.path)
        if path != safe_path:
            message = record.getMessage()
            if path in message:
                record.msg, record.args = message.replace(path, safe_path), None
        return True


class RedactTokensFilter(logging.Filter):
    """For the development server's own request lines (the werkzeug logger), which escape
    control characters themselves but print the address in full."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact_tokens(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        elif isinstance(record.msg, str):
            record.msg = redact_tokens(record.msg)
        return True


class TextFormatter(logging.Formatter):
    """A line per record: a line break inside it starts an indented continuation line (a mail
    written to the log, a traceback), never what looks like a record of its own; other
    control characters are escaped."""

    def format(self, record: logging.LogRecord) -> str:
        lines = _LINE_BREAK.split(super().format(record))
        # Tabs and backslashes of our own messages (tracebacks, paths) disturb no line.
        return f"\n{CONTINUATION_INDENT}".join(
            escape_control_characters(line, keep="\t\\") for line in lines
        )


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, extra fields."""

    FIELDS = ("method", "path", "query", "status", "duration_ms", "user_id", "remote_addr")

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        for name in self.FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        line = json.dumps(entry, ensure_ascii=False)
        # json.dumps escapes the C0 controls, quotes and backslashes; not DEL, C1 controls,
        # line separators or format characters, which can only stand inside a string here.
        return "".join(
            json.dumps(character)[1:-1]  # \\u escapes, surrogate pairs beyond the BMP
            if unicodedata.category(character) in _UNSAFE_CATEGORIES
            else character
            for character in line
        )


def configure_logging(app: Flask) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    if app.config["LOG_FORMAT"] == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            TextFormatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")
        )
    handler._mentormatch = True  # type: ignore[attr-defined]
    # One handler on the root logger (replacing ours from an earlier app in this process);
    # Flask's own default handler would print every app.logger line twice.
    root = logging.getLogger()
    for existing in [h for h in root.handlers if getattr(h, "_mentormatch", False)]:
        root.removeHandler(existing)
    root.addHandler(handler)
    app.logger.removeHandler(default_handler)
    werkzeug_logger = logging.getLogger("werkzeug")
    if not any(isinstance(each, RedactTokensFilter) for each in werkzeug_logger.filters):
        werkzeug_logger.addFilter(RedactTokensFilter())
    logging.getLogger("mentormatch").setLevel(app.config["LOG_LEVEL"])
    app.logger.setLevel(app.config["LOG_LEVEL"])

    @app.before_request
    def _start_request() -> None:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def _finish_request(response: Response) -> Response:
        request_id = getattr(g, "request_id", None)
        if request_id is None:
            return response
        response.headers[REQUEST_ID_HEADER] = request_id
        if request.endpoint != "static":
            started = getattr(g, "request_started", time.perf_counter())
            fields = {
                "method": loggable(request.method),
                "path": loggable(request.path),
                "query": loggable(_query_string()),
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                # the id, never get_id(): that is the login session's key
                "user_id": current_user.id
                if current_user and current_user.is_authenticated
                else None,
                "remote_addr": loggable(request.remote_addr) if request.remote_addr else None,
            }
            address = fields["path"] + (f"?{fields['query']}" if fields["query"] else "")
            logging.getLogger(ACCESS_LOGGER).info(
                "%s %s %s", fields["method"], address, response.status_code, extra=fields
            )
        return response
