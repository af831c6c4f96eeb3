"""The public landing page."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template
from flask_login import current_user

from mentormatch.web.urls import home_url

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    if current_user.is_authenticated:
        return redirect(home_url(current_user.role))
    return render_template("main/index.html")
