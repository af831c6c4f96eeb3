"""The audit log: who ran, published, locked, imported or deleted what."""

from __future__ import annotations

from flask import abort, render_template, request

from mentormatch.services import audit
from mentormatch.web.coordinator.blueprint import bp


@bp.route("/audit/")
def audit_log():
    action = request.args.get("action", "")
    if action and action not in audit.ACTIONS:
        abort(404)
    page = audit.entries_page(action, request.args.get("page", 1, type=int))
    return render_template(
        "coordinator/audit_log.html",
        page=page,
        entries=audit.describe(page.items),
        actions=audit.ACTIONS,
        action=action,
    )
