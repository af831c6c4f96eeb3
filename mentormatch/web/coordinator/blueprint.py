"""The one blueprint of the coordinator area; each page group adds its routes to it."""

from __future__ import annotations

from flask import Blueprint

from mentormatch.models import Role
from mentormatch.services.errors import NotFound
from mentormatch.web.errors import render_error
from mentormatch.web.guards import require_role

bp = Blueprint("coordinator", __name__, url_prefix="/coordinator")
require_role(bp, Role.COORDINATOR.value)


@bp.errorhandler(NotFound)
def _not_found(error: NotFound):
    # A round, rule or person that is gone: say which, in the site's look.
    return render_error(404, str(error))
