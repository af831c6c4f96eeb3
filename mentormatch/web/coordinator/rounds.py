"""Coordinators run matching rounds, follow their progress, review and publish them."""

from __future__ import annotations

from flask import (
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from mentormatch.models import ProgressStage, RoundStatus
from mentormatch.services.errors import ValidationError
from mentormatch.services.rounds import (
    diff,
    figures,
    lookup,
    pairs,
    publishing,
    transitions,
)
from mentormatch.services.rounds.export import iter_export_csv
from mentormatch.services.rounds.settings import parse_settings
from mentormatch.web.converters import database_id
from mentormatch.web.coordinator import charts
from mentormatch.web.coordinator.blueprint import bp
from mentormatch.web.coordinator.round_forms import RoundSettingsForm
from mentormatch.web.forms import EmptyForm, apply_errors

STAGE_LABELS = {
    ProgressStage.QUEUED: "Waiting to start",
    ProgressStage.LOADING: "Loading profiles",
    ProgressStage.SCORING: "Scoring pairs",
    ProgressStage.SOLVING: "Finding the best matching",
    ProgressStage.SAVING: "Saving the proposal",
    ProgressStage.DONE: "Done",
}


def _to_round(round_id: int):
    return redirect(url_for("coordinator.round_review", round_id=round_id))


def _require_button() -> None:
    if not EmptyForm().validate_on_submit():
        abort(400)


@bp.route("/rounds/")
def rounds():
    return render_template(
        "coordinator/rounds/index.html",
        rounds=[(r, transitions.state_of(r)) for r in lookup.list_rounds()],
    )


@bp.route("/rounds/new", methods=["GET", "POST"])
def new_round():
    form = RoundSettingsForm()
    if form.validate_on_submit():
        try:
            created = transitions.create_and_start(parse_settings(form.raw()), current_user.id)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return _to_round(created.id)
    status = 400 if form.is_submitted() else 200
    return render_template(
        "coordinator/rounds/settings.html", form=form, matching_round=None
    ), status


@bp.route("/rounds/<int:round_id>")
def round_review(round_id: int):
    """The review of a round's proposal, or its progress while it has none yet."""
    matching_round = lookup.get_round(round_id)
    state = transitions.state_of(matching_round)
    if state.in_progress or state.status == RoundStatus.FAILED:
        return render_template(
            "coordinator/rounds/progress.html",
            matching_round=matching_round,
            state=state,
            stages=STAGE_LABELS,
        )
    against = request.args.get("against", type=database_id)
    round_diff, diff_error = None, None
    if against:
        try:
            round_diff = diff.diff_rounds(round_id, against)
        except ValidationError as exc:
            diff_error = exc.errors[0][1]
    return render_template(
        "coordinator/rounds/review.html",
        review=figures.review(round_id),
        pairs=pairs.pairs_page(
            round_id, request.args.get("q", ""), request.args.get("page", 1, type=int)
        ),
        others=diff.comparable_rounds(round_id),
        diff=round_diff,
        diff_error=diff_error,
        compare_stable=request.args.get("compare") == "stable",
        charts=charts,
        fairness_gap=round(figures.FAIRNESS_GAP * 100),
        fairness_min_group=figures.FAIRNESS_MIN_GROUP,
    )


@bp.route("/rounds/<int:round_id>/progress")
def round_progress(round_id: int):
    matching_round = lookup.get_round(round_id)
    state = transitions.state_of(matching_round)
    response = jsonify(
        id=matching_round.id,
        status=state.status,
        stage=matching_round.progress_stage,
        stage_label=STAGE_LABELS.get(matching_round.progress_stage or ProgressStage.QUEUED, ""),
        percent=matching_round.progress_percent,
        done=not state.in_progress,
        error=state.error,
        url=url_for("coordinator.round_review", round_id=round_id),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/rounds/<int:round_id>/settings", methods=["GET", "POST"])
def round_settings(round_id: int):
    matching_round = lookup.get_round(round_id)
    form = RoundSettingsForm()
    if form.validate_on_submit():
        try:
            chosen = parse_settings(
                {**form.raw(), "mentee_ids": matching_round.settings.get("mentee_ids")}
            )
            transitions.update_settings(round_id, chosen)
            transitions.start_round(round_id, current_user.id)
        except ValidationError as exc:
            apply_errors(form, exc)
        except transitions.TransitionError as exc:
            flash(str(exc), "error")
            return _to_round(round_id)
        else:
            return _to_round(round_id)
    elif not form.is_submitted():
        form.fill_from(matching_round.settings)
    status = 400 if form.is_submitted() else 200
    return render_template(
        "coordinator/rounds/settings.html", form=form, matching_round=matching_round
    ), status


@bp.route("/rounds/<int:round_id>/start", methods=["POST"])
def start_round(round_id: int):
    _require_button()
    try:
        transitions.start_round(round_id, current_user.id)
    except transitions.TransitionError as exc:
        flash(str(exc), "error")
    return _to_round(round_id)


@bp.route("/rounds/<int:round_id>/publish", methods=["POST"])
def publish_round(round_id: int):
    _require_button()
    try:
        sent = publishing.publish_round(round_id, current_user.id)
    except (transitions.TransitionError, publishing.PublishConflictError) as exc:
        flash(str(exc), "error")
    else:
        flash(f"Published: {sent} proposal{'' if sent == 1 else 's'} sent to mentors.", "success")
    return _to_round(round_id)


@bp.route("/rounds/<int:round_id>/close", methods=["POST"])
def close_round(round_id: int):
    _require_button()
    try:
        transitions.close_round(round_id, current_user.id)
    except transitions.TransitionError as exc:
        flash(str(exc), "error")
    else:
        flash("The round is closed. Proposals already sent run on to their answer.", "success")
    return _to_round(round_id)


@bp.route("/rounds/<int:round_id>/export.csv")
def export_round(round_id: int):
    lines = iter_export_csv(round_id)
    filename = f"mentormatch-round-{round_id}.csv"
    return Response(
        stream_with_context(lines),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
