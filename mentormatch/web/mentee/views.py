"""Pages for mentees."""

from __future__ import annotations

from flask import Blueprint, render_template

from mentormatch.models import Role
from mentormatch.web.guards import require_role

bp = Blueprint("mentee", __name__, url_prefix="/mentee")
require_role(bp, Role.MENTEE.value)


@bp.route("/")
def home():
    return render_template("mentee/home.html")
