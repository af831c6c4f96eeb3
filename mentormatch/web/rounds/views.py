"""Coordinators run matching rounds, follow their progress, review, steer and publish them."""

from __future__ import annotations

from flask import (
    Blueprint,
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

from mentormatch.models import ProgressStage, Role, RoundStatus
from mentormatch.services.errors import NotFound, ValidationError
from mentormatch.services.rounds import (
    charts,
    diff,
    figures,
    lookup,
    pair_rules,
    pairs,
    publishing,
    transitions,
)
from mentormatch.services.rounds.export import iter_export_csv
from mentormatch.services.rounds.settings import parse_settings
from mentormatch.web.errors import render_error
from mentormatch.web.forms import EmptyForm, apply_errors
from mentormatch.web.guards import require_role
from mentormatch.web.rounds.forms import (
    PairRuleForm,
    RemoveRuleForm,
    RoundSettingsForm,
    RuleByEmailForm,
)

bp = Blueprint("rounds", __name__, url_prefix="/coordinator/rounds")
require_role(bp, Role.COORDINATOR.value)

STAGE_LABELS = {
    "queued": "Waiting to start",
    "loading": "Loading profiles",
    "scoring": "Scoring pairs",
    "solving": "Finding the best matching",
    "saving": "Saving the proposal",
    "done": "Done",
}


@bp.errorhandler(NotFound)
def _not_found(error: NotFound):
    return render_error(404, str(error))


def _back_to(round_id: int | None):
    if round_id:
        return redirect(url_for("rounds.show", round_id=round_id))
    return redirect(url_for("rounds.rules"))


def _require_button() -> None:
    if not EmptyForm().validate_on_submit():
        abort(400)


@bp.route("/")
def index():
    rounds = [(r, transitions.state_of(r)) for r in lookup.list_rounds()]
    return render_template("rounds/index.html", rounds=rounds)


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = RoundSettingsForm()
    if form.validate_on_submit():
        try:
            created = transitions.create_and_start(parse_settings(form.raw()), current_user.id)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect(url_for("rounds.show", round_id=created.id))
    status = 400 if form.is_submitted() else 200
    return render_template("rounds/settings.html", form=form, matching_round=None), status


@bp.route("/<int:round_id>")
def show(round_id: int):
    matching_round = lookup.get_round(round_id)
    state = transitions.state_of(matching_round)
    if state.in_progress or state.status == RoundStatus.FAILED:
        return render_template(
            "rounds/progress.html", matching_round=matching_round, state=state, stages=STAGE_LABELS
        )
    against = request.args.get("against", type=int)
    round_diff, diff_error = None, None
    if against:
        try:
            round_diff = diff.diff_rounds(round_id, against)
        except ValidationError as exc:
            diff_error = exc.errors[0][1]
    return render_template(
        "rounds/review.html",
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


@bp.route("/<int:round_id>/progress")
def progress(round_id: int):
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
        url=url_for("rounds.show", round_id=round_id),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:round_id>/settings", methods=["GET", "POST"])
def settings(round_id: int):
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
            return redirect(url_for("rounds.show", round_id=round_id))
        else:
            return redirect(url_for("rounds.show", round_id=round_id))
    elif not form.is_submitted():
        form.fill_from(matching_round.settings)
    status = 400 if form.is_submitted() else 200
    return render_template(
        "rounds/settings.html", form=form, matching_round=matching_round
    ), status


@bp.route("/<int:round_id>/start", methods=["POST"])
def start(round_id: int):
    _require_button()
    try:
        transitions.start_round(round_id, current_user.id)
    except transitions.TransitionError as exc:
        flash(str(exc), "error")
    return redirect(url_for("rounds.show", round_id=round_id))


@bp.route("/<int:round_id>/publish", methods=["POST"])
def publish(round_id: int):
    _require_button()
    try:
        sent = publishing.publish_round(round_id, current_user.id)
    except (transitions.TransitionError, publishing.PublishConflictError) as exc:
        flash(str(exc), "error")
    else:
        flash(f"Published: {sent} proposal{'' if sent == 1 else 's'} sent to mentors.", "success")
    return redirect(url_for("rounds.show", round_id=round_id))


@bp.route("/<int:round_id>/close", methods=["POST"])
def close(round_id: int):
    _require_button()
    try:
        transitions.close_round(round_id, current_user.id)
    except transitions.TransitionError as exc:
        flash(str(exc), "error")
    else:
        flash("The round is closed. Proposals already sent run on to their answer.", "success")
    return redirect(url_for("rounds.show", round_id=round_id))


@bp.route("/<int:round_id>/export.csv")
def export(round_id: int):
    lines = iter_export_csv(round_id)
    filename = f"mentormatch-round-{round_id}.csv"
    return Response(
        stream_with_context(lines),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/rules", methods=["GET", "POST"])
def rules():
    form = RuleByEmailForm()
    if form.validate_on_submit():
        try:
            mentee_id = pair_rules.user_id_by_email(
                form.mentee_email.data, Role.MENTEE, "mentee_email"
            )
            mentor_id = pair_rules.user_id_by_email(
                form.mentor_email.data, Role.MENTOR, "mentor_email"
            )
            pair_rules.set_pair_rule(
                mentee_id, mentor_id, form.kind.data, current_user.id, form.note.data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            verb = "locked to" if form.kind.data == "lock" else "forbidden with"
            flash(f"{form.mentee_email.data} is {verb} {form.mentor_email.data}.", "success")
            return redirect(url_for("rounds.rules"))
    status = 400 if form.is_submitted() else 200
    rules = pair_rules.list_pair_rules()
    return render_template("rounds/rules.html", form=form, rules=rules), status


@bp.route("/rules/pair", methods=["POST"])
def set_rule():
    form = PairRuleForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        pair_rules.set_pair_rule(
            form.mentee_id.data, form.mentor_id.data, form.kind.data, current_user.id
        )
    except ValidationError as exc:
        flash(exc.errors[0][1], "error")
    else:
        what = "locked: later runs keep" if form.kind.data == "lock" else "forbidden: runs avoid"
        flash(f"Pair {what} it. Run the round again to see the effect.", "success")
    return _back_to(form.round_id.data)


@bp.route("/rules/remove", methods=["POST"])
def remove_rule():
    form = RemoveRuleForm()
    if not form.validate_on_submit():
        abort(400)
    pair_rules.remove_pair_rule(form.mentee_id.data, form.mentor_id.data, current_user.id)
    flash("Rule removed.", "success")
    return _back_to(request.form.get("round_id", type=int))
