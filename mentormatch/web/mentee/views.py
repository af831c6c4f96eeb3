"""Pages for mentees: home and profile."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, render_template
from flask_login import current_user

from mentormatch.models import Role
from mentormatch.services import profiles
from mentormatch.services.profile_fields import parse_mentee
from mentormatch.web.guards import require_role
from mentormatch.web.profile_editing import edit_profile
from mentormatch.web.profile_forms import MenteeProfileForm, mentee_form_data, mentee_raw_values

bp = Blueprint("mentee", __name__, url_prefix="/mentee")
require_role(bp, Role.MENTEE.value)


@bp.route("/")
def home():
    profile = profiles.mentee_profile(current_user.id)
    return render_template(
        "mentee/home.html", profile=profile, completeness=profiles.completeness(profile)
    )


@bp.route("/profile", methods=["GET", "POST"])
def profile():
    return edit_profile(
        profile=profiles.mentee_profile(current_user.id),
        form_class=MenteeProfileForm,
        form_data=mentee_form_data,
        raw_values=mentee_raw_values,
        parse=parse_mentee,
        save=partial(profiles.update_mentee_profile, current_user.id),
        template="mentee/profile.html",
        done_endpoint="mentee.home",
    )
