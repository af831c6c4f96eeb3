"""The mentee's outcomes page: her milestones (record, edit, remove) and her switch that shares
them with her mentor."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from mentormatch.models.times import utcnow
from mentormatch.services import profiles
from mentormatch.services.errors import NotFound, ValidationError
from mentormatch.services.outcomes import records
from mentormatch.web.coordinator.confirm import confirmed, render_confirmation
from mentormatch.web.forms import EmptyForm, apply_errors
from mentormatch.web.mentee.views import bp
from mentormatch.web.outcome_forms import (
    EditForm,
    OutcomeForm,
    SharingForm,
    edited_message,
    removal,
)


@bp.route("/outcomes", methods=["GET", "POST"])
def outcomes():
    form = OutcomeForm()
    status = 200
    if form.validate_on_submit():
        try:
            values = records.parse(form.values(), utcnow().date())
            records.record(current_user.id, current_user, values)
        except ValidationError as error:
            apply_errors(form, error)
            status = 400
        else:
            flash(f"Recorded: {records.KIND_LABELS[values.kind]}.", "success")
            return redirect(url_for("mentee.outcomes"))
    elif form.is_submitted():
        status = 400
    profile = profiles.mentee_profile(current_user.id)
    sharing = SharingForm(shared=profile.outcomes_shared)
    return render_template(
        "mentee/outcomes.html",
        form=form,
        sharing=sharing,
        shared=profile.outcomes_shared,
        outcomes=records.of_mentee(current_user.id),
        remove_form=EmptyForm(),
    ), status


@bp.route("/outcomes/sharing", methods=["POST"])
def outcome_sharing():
    form = SharingForm()
    if not form.validate_on_submit():
        abort(400)
    records.set_sharing(current_user.id, form.shared.data)
    flash(
        "Your mentor can now see your outcomes."
        if form.shared.data
        else "Your outcomes are no longer shared with your mentor.",
        "success",
    )
    return redirect(url_for("mentee.outcomes"))


@bp.route("/outcomes/<int:outcome_id>/edit", methods=["GET", "POST"])
def edit_outcome(outcome_id: int):
    try:
        outcome = records.of_mentee_one(current_user.id, outcome_id)
    except NotFound:
        abort(404)
    form = EditForm.of(outcome)
    status = 200
    if form.validate_on_submit():
        try:
            edited = records.edit(outcome.id, current_user, form.values(), utcnow().date(),
                                  seen=form.seen.data)  # fmt: skip
        except NotFound:  # removed meanwhile (another tab, a coordinator)
            abort(404)
        except ValidationError as error:
            form.apply(error, outcome)
            status = 400
        else:
            flash(*edited_message(edited, by_coordinator=False))
            return redirect(url_for("mentee.outcomes", _anchor=f"outcome-{outcome.id}"))
    elif form.is_submitted():
        status = 400
    return render_template("mentee/outcome_edit.html", form=form, outcome=outcome), status


@bp.route("/outcomes/<int:outcome_id>/remove", methods=["POST"])
def remove_outcome(outcome_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        outcome = records.of_mentee_one(current_user.id, outcome_id)
    except NotFound:
        abort(404)
    if not confirmed():
        return render_confirmation(removal(outcome, url_for("mentee.outcomes"), "Your outcomes"))
    records.remove(outcome.id, current_user)
    flash("Outcome removed.", "success")
    return redirect(url_for("mentee.outcomes"))
