"""The coordinators themselves: who they are and what they coordinate, adding a colleague
(for the whole organisation, or for chosen programmes), and giving a programme coordinator
another programme."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from mentormatch.models import Role
from mentormatch.services import accounts, directory
from mentormatch.services.errors import ValidationError
from mentormatch.services.programmes import access, catalogue, roster
from mentormatch.web.converters import database_id
from mentormatch.web.coordinator.blueprint import bp
from mentormatch.web.coordinator.forms import AssignProgrammeForm, NewCoordinatorForm
from mentormatch.web.forms import apply_errors


def _own_programmes():
    """The live programmes the signed-in coordinator may hand on to a colleague."""
    return catalogue.listed(ids=access.programme_ids_for(current_user))


@bp.route("/coordinators", methods=["GET", "POST"])
def team():
    programmes = _own_programmes()
    form = NewCoordinatorForm(programmes, organisation=current_user.organisation_wide)
    if form.validate_on_submit():
        whole, programme_ids = form.chosen()
        try:
            user = accounts.create_coordinator(
                accounts.NewAccount(
                    email=form.email.data,
                    password=form.password.data,
                    full_name=form.full_name.data,
                    role=Role.COORDINATOR.value,
                ),
                programme_ids=programme_ids,
                organisation_wide=whole,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            flash(f"{user.full_name} can now sign in as a coordinator.", "success")
            return redirect(url_for("coordinator.team"))
    status = 400 if form.is_submitted() else 200
    return (
        render_template(
            "coordinator/team.html",
            form=form,
            coordinators=directory.list_by_role(Role.COORDINATOR.value),
            assigned=roster.programmes_by_coordinator(),
            programmes=programmes,
            assign_form=AssignProgrammeForm,
        ),
        status,
    )


@bp.route("/coordinators/<int:user_id>/programmes", methods=["POST"])
def assign_programme(user_id: int):
    """Make a programme coordinator a coordinator of one more of your programmes."""
    roster.coordinator(user_id)  # NotFound (404) for anyone else
    form = AssignProgrammeForm(_own_programmes(), prefix=f"c{user_id}")
    if not form.validate_on_submit():
        abort(400)
    try:
        programme_id = database_id(form.programme_id.data or "")
    except ValueError:
        abort(400)
    access.require(current_user, programme_id)  # another's programme: 404
    try:
        user = roster.assign_coordinator(user_id, programme_id, current_user.id)
    except ValidationError as exc:
        flash(exc.errors[0][1], "error")
    else:
        flash(f"{user.full_name} now coordinates {catalogue.get(programme_id).name} too.",
              "success")  # fmt: skip
    return redirect(url_for("coordinator.team"))
