"""Logging: one line per request with a request id, as JSON in production.

The request id comes from the proxy's X-Request-ID header when it looks like one, otherwise it
is made here; it is returned in the response's X-Request-ID header and added to every log
record written while the request runs, so one request's lines can be found together.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, Response, g, has_request_context, request
from flask.logging import default_handler
from flask_login import current_user

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
ACCESS_LOGGER = "mentormatch.access"


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = getattr(g, "request_id", "-") if has_request_context() else "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, extra fields."""

    FIELDS = ("method", "path", "status", "duration_ms", "user_id", "remote_addr")

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
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(app: Flask) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    if app.config["LOG_FORMAT"] == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")
        )
    handler._mentormatch = True  # type: ignore[attr-defined]
    # One handler on the root logger (replacing ours from an earlier app in this process);
    # Flask's own default handler would print every app.logger line twice.
    root = logging.getLogger()
    for existing in [h for h in root.handlers if getattr(h, "_mentormatch", False)]:
        root.removeHandler(existing)
    root.addHandler(handler)
    app.logger.removeHandler(default_handler)
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
            logging.getLogger(ACCESS_LOGGER).info(
                "%s %s %s", request.method, request.path, response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    # the id, never get_id(): that is the login session's key
                    "user_id": current_user.id
                    if current_user and current_user.is_authenticated
                    else None,
                    "remote_addr": request.remote_addr,
                },
            )  # fmt: skip
        return response
