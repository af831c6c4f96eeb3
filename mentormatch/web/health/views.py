"""Health check for load balancers and monitoring: the database, and Redis when configured."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from mentormatch import tasks
from mentormatch.extensions import db

bp = Blueprint("health", __name__)


def _check_database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        db.session.rollback()
        return f"error: {type(exc).__name__}"


def _check_redis() -> str:
    if not current_app.config.get("REDIS_URL"):
        return "not configured"
    try:
        tasks.redis_connection().ping()
        return "ok"
    except Exception as exc:  # noqa: BLE001
        return f"error: {type(exc).__name__}"


@bp.route("/healthz")
def healthz():
    checks = {"database": _check_database(), "redis": _check_redis()}
    healthy = all(value in ("ok", "not configured") for value in checks.values())
    body = {"status": "ok" if healthy else "unavailable", **checks}
    return jsonify(body), 200 if healthy else 503
