"""The coordinators themselves: who they are, and adding a colleague."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from mentormatch.models import Role
from mentormatch.services import accounts, directory
from mentormatch.services.errors import ValidationError
from mentormatch.web.coordinator.blueprint import bp
from mentormatch.web.coordinator.forms import NewCoordinatorForm
from mentormatch.web.forms import apply_errors


@bp.route("/coordinators", methods=["GET", "POST"])
def team():
    form = NewCoordinatorForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_coordinator(
                accounts.NewAccount(
                    email=form.email.data,
                    password=form.password.data,
                    full_name=form.full_name.data,
                    role=Role.COORDINATOR.value,
                )
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
        ),
        status,
    )
