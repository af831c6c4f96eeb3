"""Pages for mentees: home (the current mentorship or proposal in each programme, their
history, the programmes) and profile."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from mentormatch.models import Role
from mentormatch.services import profiles, proposals
from mentormatch.services.errors import NotFound
from mentormatch.services.mentorships import page as workspace
from mentormatch.services.profile_fields import parse_mentee
from mentormatch.services.programmes import membership
from mentormatch.web.errors import render_error
from mentormatch.web.forms import EmptyForm
from mentormatch.web.guards import require_role
from mentormatch.web.profile_editing import edit_profile
from mentormatch.web.profile_forms import MenteeProfileForm, mentee_form_data, mentee_raw_values

bp = Blueprint("mentee", __name__, url_prefix="/mentee")
require_role(bp, Role.MENTEE.value)


@bp.route("/")
def home():
    profile = profiles.mentee_profile(current_user.id)
    mentorships = proposals.for_mentee(current_user.id)
    return render_template(
        "mentee/home.html",
        profile=profile,
        completeness=profiles.completeness(profile),
        open_mentorships=mentorships["current"],
        history=mentorships["history"],
        memberships=membership.memberships_of(current_user.id),
        end_form=EmptyForm(),
        workspace_summaries=workspace.summaries_for(current_user.id),
    )


@bp.route("/mentorships/<int:mentorship_id>/end", methods=["POST"])
def end(mentorship_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        mentorship = proposals.end(mentorship_id, current_user)
    except NotFound:
        return render_error(
            404, "There is no such mentorship among yours. Your home page shows your mentor."
        )
    except proposals.AnswerError as exc:
        return render_template("mentee/end_refused.html", message=str(exc)), 409
    flash(
        f"Your mentorship with {mentorship.mentor.full_name} has ended. You are back in the pool "
        "for the next matching round.",
        "success",
    )
    return redirect(url_for("mentee.home"))


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
