"""The audit log, for coordinators: who ran, published, locked, imported or deleted what."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from mentormatch.models import Role
from mentormatch.services import audit
from mentormatch.web.guards import require_role

bp = Blueprint("audit", __name__, url_prefix="/coordinator/audit")
require_role(bp, Role.COORDINATOR.value)


@bp.route("/")
def index():
    action = request.args.get("action", "")
    if action and action not in audit.ACTIONS:
        abort(404)
    page = audit.entries_page(action, request.args.get("page", 1, type=int))
    return render_template(
        "audit/index.html",
        page=page,
        entries=audit.describe(page.items),
        actions=audit.ACTIONS,
        action=action,
    )
