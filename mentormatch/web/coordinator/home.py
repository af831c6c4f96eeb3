"""The coordinator's home: how many mentees, mentors and coordinators the programme has."""

from __future__ import annotations

from flask import render_template

from mentormatch.services import directory
from mentormatch.web.coordinator.blueprint import bp


@bp.route("/")
def home():
    return render_template("coordinator/home.html", counts=directory.count_by_role())
