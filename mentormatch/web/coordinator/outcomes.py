"""Coordinators' pages of outcomes: one mentee's (record one for her, edit, verify, remove) and the
dashboard of a programme or of all their programmes, with its CSV and its printable report."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from mentormatch.extensions import db
from mentormatch.models import Role, User
from mentormatch.models.times import utcnow
from mentormatch.services.dashboard import export, report
from mentormatch.services.errors import NotFound, ValidationError
from mentormatch.services.outcomes import records
from mentormatch.services.programmes import access, catalogue
from mentormatch.web.coordinator import charts
from mentormatch.web.coordinator.blueprint import bp
from mentormatch.web.coordinator.confirm import confirmed, render_confirmation
from mentormatch.web.forms import EmptyForm, apply_errors
from mentormatch.web.outcome_forms import (
    CoordinatorEditForm,
    OutcomeForm,
    edited_message,
    removal,
)


def _mentee(user_id: int) -> User:
    mentee = db.session.get(User, user_id)
    if (
        mentee is None
        or mentee.role != Role.MENTEE
        or not access.can_see_person(current_user, user_id)
    ):
        raise NotFound("There is no such mentee among your programmes.")
    return mentee


@bp.route("/people/<int:user_id>/outcomes", methods=["GET", "POST"])
def mentee_outcomes(user_id: int):
    mentee = _mentee(user_id)
    form = OutcomeForm()
    status = 200
    if form.validate_on_submit():
        try:
            values = records.parse(form.values(), utcnow().date())
            records.record(user_id, current_user, values)
        except ValidationError as error:
            apply_errors(form, error)
            status = 400
        else:
            flash(
                f"Recorded for {mentee.full_name}: {records.KIND_LABELS[values.kind]}.", "success"
            )
            return redirect(url_for("coordinator.mentee_outcomes", user_id=user_id))
    elif form.is_submitted():
        status = 400
    return render_template(
        "coordinator/mentee_outcomes.html",
        mentee=mentee,
        form=form,
        outcomes=records.of_mentee(user_id),
        button_form=EmptyForm(),
    ), status


@bp.route("/outcomes")
def outcomes_to_verify():
    return render_template(
        "coordinator/outcomes_to_verify.html",
        outcomes=records.awaiting_verification(current_user),
        button_form=EmptyForm(),
    )


def _outcome_of_mine(outcome_id: int):
    outcome = records.of_mentee_one_any(outcome_id)
    _mentee(outcome.mentee_id)
    return outcome


@bp.route("/outcomes/<int:outcome_id>/verify", methods=["POST"])
def verify_outcome(outcome_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    outcome = _outcome_of_mine(outcome_id)
    try:
        records.verify(outcome_id, current_user, seen=request.form.get("seen") or None)
        flash("Outcome verified.", "success")
    except ValidationError as error:  # she changed it since this page was shown
        flash(error.errors[0][1], "error")
    if request.form.get("back") == "list":
        return redirect(url_for("coordinator.outcomes_to_verify"))
    return redirect(url_for("coordinator.mentee_outcomes", user_id=outcome.mentee_id))


@bp.route("/outcomes/<int:outcome_id>/edit", methods=["GET", "POST"])
def edit_outcome(outcome_id: int):
    outcome = _outcome_of_mine(outcome_id)
    form = CoordinatorEditForm.of(outcome)
    status = 200
    if form.validate_on_submit():
        try:
            edited = records.edit(outcome.id, current_user, form.values(), utcnow().date(),
                                  verified=form.verified.data, seen=form.seen.data)  # fmt: skip
        except ValidationError as error:
            form.apply(error, outcome)
            status = 400
        else:
            flash(*edited_message(edited, by_coordinator=True))
            return redirect(url_for("coordinator.mentee_outcomes", user_id=outcome.mentee_id,
                                    _anchor=f"outcome-{outcome.id}"))  # fmt: skip
    elif form.is_submitted():
        status = 400
    return render_template("coordinator/outcome_edit.html", form=form, outcome=outcome), status


@bp.route("/outcomes/<int:outcome_id>/remove", methods=["POST"])
def remove_outcome(outcome_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    outcome = _outcome_of_mine(outcome_id)
    mentee_id = outcome.mentee_id
    if not confirmed():
        back = url_for("coordinator.mentee_outcomes", user_id=mentee_id)
        return render_confirmation(
            removal(outcome, back, f"Outcomes of {outcome.mentee.full_name}")
        )
    records.remove(outcome_id, current_user)
    flash("Outcome removed.", "success")
    return redirect(url_for("coordinator.mentee_outcomes", user_id=mentee_id))


# --- the dashboard ----------------------------------------------------------------------------


def _chart(table) -> object:
    """The table's SVG chart; None when every figure is suppressed (nothing to draw)."""
    rows = [(row.label, row.figure.fraction, row.figure.text) for row in table.rows]
    if all(value is None for _, value, _ in rows):
        return None
    if table.chart == "stacked":
        columns = [
            (label, [(row.series, row.figure.fraction, row.figure.text) for row in parts])
            for label, parts in table.stacks()
        ]
        return charts.stacked_columns(table.title, table.series, columns)
    if table.chart == "scores":
        return charts.figure_bars(table.title, rows, scale=5)
    if table.chart == "months":
        return charts.month_columns(table.title, rows)
    if table.chart == "values":
        top = max((value for _, value, _ in rows if value is not None), default=0) or 1
        return charts.figure_bars(table.title, rows, scale=top)
    return charts.figure_bars(table.title, rows)


def _board(programme_ids):
    only_verified = request.args.get("verified") == "1"
    return report.dashboard(programme_ids, utcnow().date(), only_verified)


def _page(board, programme):
    return render_template(
        "coordinator/dashboard.html",
        board=board,
        programme=programme,
        charts={(s.key, t.key): _chart(t) for s in board.sections for t in s.tables},
        programmes=catalogue.listed(ids=access.programme_ids_for(current_user)),
    )


def _csv(board, name: str) -> Response:
    return Response(
        export.as_csv(board),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/dashboard")
def dashboard():
    return _page(_board(access.programme_ids_for(current_user)), None)


@bp.route("/dashboard.csv")
def dashboard_csv():
    board = _board(access.programme_ids_for(current_user))
    return _csv(board, f"dashboard-{board.scope.today.isoformat()}.csv")


@bp.route("/programmes/<int:programme_id>/dashboard")
def programme_dashboard(programme_id: int):
    access.require(current_user, programme_id)
    programme = catalogue.get(programme_id)
    return _page(_board(frozenset({programme_id})), programme)


@bp.route("/programmes/<int:programme_id>/dashboard.csv")
def programme_dashboard_csv(programme_id: int):
    access.require(current_user, programme_id)
    programme = catalogue.get(programme_id)
    board = _board(frozenset({programme_id}))
    return _csv(board, f"dashboard-{programme.slug}-{board.scope.today.isoformat()}.csv")
