"""Pages for mentors: home (proposals, mentees, seats), profile, pause and resume, answers."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from mentormatch.codes import plural
from mentormatch.countries import country_names
from mentormatch.models import Role
from mentormatch.services import explanations, profiles, proposals
from mentormatch.services.errors import NotFound, ValidationError
from mentormatch.services.mentorships import page as workspace
from mentormatch.services.profile_fields import parse_mentor
from mentormatch.services.programmes import membership
from mentormatch.web.errors import render_error
from mentormatch.web.forms import EmptyForm, apply_errors
from mentormatch.web.guards import require_role
from mentormatch.web.mentor.forms import DeclineForm, SeatsForm
from mentormatch.web.profile_editing import edit_profile
from mentormatch.web.profile_forms import MentorProfileForm, mentor_form_data, mentor_raw_values

bp = Blueprint("mentor", __name__, url_prefix="/mentor")
require_role(bp, Role.MENTOR.value)


def _home(
    decline_forms: dict[int, DeclineForm] | None = None,
    seats_forms: dict[int, SeatsForm] | None = None,
    status: int = 200,
):
    profile = profiles.mentor_profile(current_user.id)
    mentorships = proposals.for_mentor(current_user.id)
    forms = {m.id: DeclineForm.for_proposal(m.id) for m in mentorships["pending"]}
    forms.update(decline_forms or {})
    places = membership.memberships_of(current_user.id)
    seats = {
        row.programme_id: SeatsForm.for_programme(
            row.programme_id, data={"seats": "" if row.seats is None else str(row.seats)}
        )
        for row in places
    }
    seats.update(seats_forms or {})
    return render_template(
        "mentor/home.html",
        profile=profile,
        completeness=profiles.completeness(profile),
        pause_form=EmptyForm(),
        answer_form=EmptyForm(),
        decline_forms=forms,
        seats_forms=seats,
        memberships=places,
        mentorships=mentorships,
        reasons=explanations.proposal_words(mentorships["pending"]),
        countries=country_names(),
        workspace_summaries=workspace.summaries_for(current_user.id),
    ), status


def _not_yours():
    return render_error(
        404, "There is no such proposal or mentorship among yours. Your home page lists them."
    )


def _refused(message: str):
    """The proposal or mentorship cannot take this answer any more (two tabs, expiry)."""
    return render_template("mentor/answer_refused.html", message=message), 409


@bp.route("/")
def home():
    return _home()


@bp.route("/proposals/<int:mentorship_id>/accept", methods=["POST"])
def accept(mentorship_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        mentorship = proposals.accept(mentorship_id, current_user.id)
    except NotFound:
        return _not_yours()
    except proposals.AnswerError as exc:
        return _refused(str(exc))
    flash(
        f"You are now mentoring {mentorship.mentee.full_name}. We have emailed you both each "
        "other's contact details.",
        "success",
    )
    return redirect(url_for("mentor.home"))


@bp.route("/proposals/<int:mentorship_id>/decline", methods=["POST"])
def decline(mentorship_id: int):
    form = DeclineForm.for_proposal(mentorship_id)
    if not form.validate_on_submit():
        return _home(decline_forms={mentorship_id: form}, status=400)
    try:
        mentorship = proposals.decline(mentorship_id, current_user.id, form.reason.data or "")
    except NotFound:
        return _not_yours()
    except proposals.AnswerError as exc:
        return _refused(str(exc))
    flash(
        f"You declined {mentorship.mentee.full_name}. They are back in the pool for the next "
        "round, and will not be proposed to you again.",
        "success",
    )
    return redirect(url_for("mentor.home"))


@bp.route("/mentorships/<int:mentorship_id>/end", methods=["POST"])
def end(mentorship_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        mentorship = proposals.end(mentorship_id, current_user)
    except NotFound:
        return _not_yours()
    except proposals.AnswerError as exc:
        return _refused(str(exc))
    flash(
        f"Your mentorship with {mentorship.mentee.full_name} has ended; the seat is free again.",
        "success",
    )
    return redirect(url_for("mentor.home"))


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
            free = profile.capacity - profile.seats_taken
            flash(
                f"Matching resumed: room for {plural(free, 'more mentee')} (capacity "
                f"{profile.capacity}). Your profile changes how many you take.",
                "success",
            )
    return redirect(url_for("mentor.home"))


@bp.route("/programmes/<int:programme_id>/seats", methods=["POST"])
def set_seats(programme_id: int):
    """How many mentees to take in one programme (blank: up to the overall capacity)."""
    form = SeatsForm.for_programme(programme_id)
    if form.validate_on_submit():
        try:
            row = membership.set_seats(programme_id, current_user.id, form.value, current_user.id)
        except NotFound:
            return render_error(
                404, "You are not a member of this programme. Your home page lists yours."
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            offered = (
                "up to your overall capacity" if row.seats is None else plural(row.seats, "seat")
            )
            flash(f"{row.programme.name}: you offer {offered}.", "success")
            return redirect(url_for("mentor.home", _anchor="programmes-heading"))
    if "csrf_token" in form and form.csrf_token.errors:
        abort(400)
    return _home(seats_forms={programme_id: form}, status=400)
