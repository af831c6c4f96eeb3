"""Pages for mentors: home, profile, pause and resume."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from mentormatch.models import Role
from mentormatch.services import profiles
from mentormatch.services.profile_fields import parse_mentor
from mentormatch.web.forms import EmptyForm
from mentormatch.web.guards import require_role
from mentormatch.web.profile_editing import edit_profile
from mentormatch.web.profile_forms import MentorProfileForm, mentor_form_data, mentor_raw_values

bp = Blueprint("mentor", __name__, url_prefix="/mentor")
require_role(bp, Role.MENTOR.value)


@bp.route("/")
def home():
    profile = profiles.mentor_profile(current_user.id)
    return render_template(
        "mentor/home.html",
        profile=profile,
        completeness=profiles.completeness(profile),
        pause_form=EmptyForm(),
    )


@bp.route("/profile", methods=["GET", "POST"])
def profile():
    return edit_profile(
        profile=profiles.mentor_profile(current_user.id),
        form_class=MentorProfileForm,
        form_data=mentor_form_data,
        raw_values=mentor_raw_values,
        parse=parse_mentor,
        save=partial(profiles.update_mentor_profile, current_user.id),
        template="mentor/profile.html",
        done_endpoint="mentor.home",
    )


@bp.route("/availability", methods=["POST"])
def availability():
    """Pause (no free seats) or resume taking new mentees."""
    form = EmptyForm()
    if form.validate_on_submit():
        if request.form.get("action") == "pause":
            profiles.pause_mentor(current_user.id)
            flash("Matching paused: no new proposals will reach you.", "success")
        else:
            profile = profiles.resume_mentor(current_user.id)
            flash(
                f"Matching resumed: room for 1 more mentee (capacity {profile.capacity}); "
                "edit your profile to take more.",
                "success",
            )
    return redirect(url_for("mentor.home"))
