"""A person's profile page, shown to each signed-in viewer as the privacy rules allow."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from mentormatch.models import Role
from mentormatch.services import profiles
from mentormatch.services.errors import NotFound
from mentormatch.services.outcomes import records
from mentormatch.web.forms import EmptyForm
from mentormatch.web.guards import require_sign_in

# The address stays /people/<id>: emails already sent link to it.
bp = Blueprint("profiles", __name__, url_prefix="/people")
require_sign_in(bp)


@bp.route("/<int:user_id>")
def show(user_id: int):
    try:
        view = profiles.profile_for_viewer(current_user, user_id)
    except NotFound:
        abort(404)
    # her outcomes, when the viewer is among their audience (None: not shown at all)
    outcomes = (
        records.visible_to(current_user, user_id) if view.person.role == Role.MENTEE else None
    )
    return render_template(
        "profiles/show.html", view=view, active_form=EmptyForm(), outcomes=outcomes
    )
