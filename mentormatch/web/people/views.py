"""Profile pages, shown to each viewer as the privacy rules allow."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from mentormatch.extensions import login_manager
from mentormatch.services import profiles
from mentormatch.services.errors import NotFound
from mentormatch.web.forms import EmptyForm

bp = Blueprint("people", __name__, url_prefix="/people")


@bp.before_request
def _signed_in_only():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


@bp.route("/<int:user_id>")
def profile(user_id: int):
    try:
        view = profiles.profile_for_viewer(current_user, user_id)
    except NotFound:
        abort(404)
    return render_template("people/profile.html", view=view, active_form=EmptyForm())
