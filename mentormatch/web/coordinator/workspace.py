"""What coordinators see of accepted mentorships (dates, counts, statuses, ratings; never the
pair's text), and each programme's pathway-plan templates."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import TextAreaField

from mentormatch.services.errors import ValidationError
from mentormatch.services.mentorships import closeout, oversight, plan_templates
from mentormatch.services.programmes import access, catalogue
from mentormatch.web.coordinator.blueprint import bp
from mentormatch.web.forms import apply_errors


def _field_name(goal: str) -> str:
    return goal.replace("-", "_")


class PlanTemplatesForm(FlaskForm):
    """One text box per goal: a milestone a line, '<when> | <title>'."""


for _goal, _label in plan_templates.GOALS.items():
    setattr(PlanTemplatesForm, _field_name(_goal), TextAreaField(_label))


@bp.route("/mentorships")
def mentorships():
    status = request.args.get("status") or None
    found = oversight.page_for(current_user, request.args.get("page", 1, type=int), status)
    programmes = catalogue.listed(ids=access.programme_ids_for(current_user))
    return render_template(
        "coordinator/mentorships.html",
        found=found,
        status=status,
        programmes=programmes,
        reason_labels=closeout.REASON_LABELS,
    )


@bp.route("/programmes/<int:programme_id>/plan-templates", methods=["GET", "POST"])
def plan_templates_page(programme_id: int):
    access.require(current_user, programme_id)
    programme = catalogue.get(programme_id)
    form = PlanTemplatesForm()
    status = 200
    if form.validate_on_submit():
        texts = {goal: getattr(form, _field_name(goal)).data for goal in plan_templates.GOALS}
        try:
            plan_templates.save_for_programme(programme_id, texts, current_user.id)
        except ValidationError as error:
            apply_errors(
                form,
                ValidationError(
                    [(_field_name(field), message) for field, message in error.errors]
                ),
            )
            status = 400
        else:
            flash("Plan templates saved. New plans in this programme start from them.", "success")
            return redirect(url_for("coordinator.plan_templates_page", programme_id=programme_id))
    elif request.method == "GET":
        for goal in plan_templates.GOALS:
            milestones = plan_templates.for_programme(programme, goal)
            getattr(form, _field_name(goal)).data = plan_templates.as_lines(milestones)
    else:
        status = 400
    return render_template(
        "coordinator/plan_templates.html",
        form=form,
        programme=programme,
        customised={_field_name(g) for g in plan_templates.customised(programme)},
    ), status
