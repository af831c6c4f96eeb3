"""Pages for mentors."""

from __future__ import annotations

from flask import Blueprint, render_template

from mentormatch.models import Role
from mentormatch.web.guards import require_role

bp = Blueprint("mentor", __name__, url_prefix="/mentor")
require_role(bp, Role.MENTOR.value)


@bp.route("/")
def home():
    return render_template("mentor/home.html")
