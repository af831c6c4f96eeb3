"""Pages for coordinators: overview, directory of mentees and mentors, coordinators."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from mentormatch.models import Role
from mentormatch.services import accounts, directory
from mentormatch.services.errors import NotFound, ValidationError
from mentormatch.web.coordinator.forms import DirectoryFilterForm, NewCoordinatorForm
from mentormatch.web.forms import EmptyForm, apply_errors
from mentormatch.web.guards import require_role

bp = Blueprint("coordinator", __name__, url_prefix="/coordinator")
require_role(bp, Role.COORDINATOR.value)

SEARCHES = {"mentees": directory.search_mentees, "mentors": directory.search_mentors}


@bp.route("/")
def home():
    return render_template("coordinator/home.html", counts=directory.count_by_role())


@bp.route("/<any(mentees, mentors):kind>")
def people(kind: str):
    role = kind.removesuffix("s")
    form = DirectoryFilterForm(role, request.args)
    filters = directory.DirectoryFilter(
        **{name: field.data or "" for name, field in form._fields.items()},
        page=request.args.get("page", 1, type=int),
    )
    try:
        page = SEARCHES[kind](filters)
    except ValidationError as exc:
        apply_errors(form, exc)
        return render_template("coordinator/people.html", kind=kind, form=form, page=None), 400
    return render_template("coordinator/people.html", kind=kind, form=form, page=page)


@bp.route("/users/<int:user_id>/active", methods=["POST"])
def set_active(user_id: int):
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        user = directory.set_account_active(
            user_id, request.form.get("active") == "yes", current_user.id
        )
    except NotFound:
        abort(404)
    except ValidationError as exc:
        flash(str(exc.errors[0][1]), "error")
    else:
        state = "reactivated" if user.active else "deactivated"
        flash(f"{user.full_name}'s account is {state}.", "success")
    return redirect(url_for("people.profile", user_id=user_id))


@bp.route("/coordinators", methods=["GET", "POST"])
def coordinators():
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
            return redirect(url_for("coordinator.coordinators"))
    status = 400 if form.is_submitted() else 200
    return (
        render_template(
            "coordinator/coordinators.html",
            form=form,
            coordinators=directory.list_by_role(Role.COORDINATOR.value),
        ),
        status,
    )
