"""The audit log: who ran, published, locked, imported or deleted what."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from mentormatch.services import audit
from mentormatch.services.programmes import access
from mentormatch.web.coordinator.blueprint import bp


@bp.route("/audit/")
def audit_log():
    action = request.args.get("action", "")
    if action and action not in audit.ACTIONS:
        abort(404)
    page = audit.entries_page(
        action,
        request.args.get("page", 1, type=int),
        programme_ids=access.programme_ids_for(current_user),
    )
    return render_template(
        "coordinator/audit_log.html",
        page=page,
        entries=audit.describe(page.items),
        actions=audit.ACTIONS,
        action=action,
    )
