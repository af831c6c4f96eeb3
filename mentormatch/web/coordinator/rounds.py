"""Coordinators run matching rounds, follow their progress, review and publish them, and
follow up on the mentors' answers."""

from __future__ import annotations

from flask import (
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from mentormatch.models import MentorshipStatus, ProgressStage, RoundStatus
from mentormatch.services import explanations, proposals
from mentormatch.services.errors import ValidationError
from mentormatch.services.preferences import figures as preference_figures
from mentormatch.services.programmes import access, catalogue
from mentormatch.services.rounds import (
    diff,
    figures,
    followup,
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
from mentormatch.web.coordinator.confirm import Confirmation, confirmed, render_confirmation
from mentormatch.web.coordinator.round_forms import (
    QUERY_MAX,
    FollowUpForm,
    NewRoundForm,
    RoundSettingsForm,
)
from mentormatch.web.forms import EmptyForm, apply_errors

STAGE_LABELS = {
    ProgressStage.QUEUED: "Waiting to start",
    ProgressStage.LOADING: "Loading profiles",
    ProgressStage.PREPARING: (
        "Preparing the matching engine (once after an install: about a minute)"
    ),
    ProgressStage.SCORING: "Scoring pairs",
    ProgressStage.SOLVING: "Finding the best matching",
    ProgressStage.SAVING: "Saving the proposal",
    ProgressStage.DONE: "Done",
}


def _plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


def _to_round(round_id: int):
    return redirect(url_for("coordinator.round_review", round_id=round_id))


def _round(round_id: int):
    """The round, if it belongs to one of the coordinator's programmes (else NotFound: 404)."""
    matching_round = lookup.get_round(round_id)
    access.require(current_user, matching_round.programme_id)
    return matching_round


def _require_button() -> None:
    if not EmptyForm().validate_on_submit():
        abort(400)


# --- where the coordinator is on the review page ---------------------------------------------


def answer_state(value: str | None) -> MentorshipStatus | None:
    try:
        return MentorshipStatus(value) if value else None
    except ValueError:
        return None


def review_place(values: MultiDict) -> dict[str, str | int]:
    """The review page's filter, page number and comparisons, checked, from its query string
    or from a form on it: what brings the coordinator back where they were."""
    place: dict[str, str | int] = {}
    query = " ".join((values.get("q") or "").split())[:QUERY_MAX]
    if query:
        place["q"] = query
    page = values.get("page", type=int)
    if page and page > 1:
        place["page"] = page
    state = answer_state(values.get("state"))
    if state:
        place["state"] = state.value
    against = values.get("against")
    if against is not None:  # empty: the coordinator chose no comparison
        place["against"] = against if against.isdecimal() else ""
    if values.get("compare") == "stable":
        place["compare"] = "stable"
    return place


def back_to_review(round_id: int, mentee_id: int | None = None, values: MultiDict | None = None):
    """To the review page as the form that posted was showing it, at the pair's row."""
    place = review_place(request.form if values is None else values)
    anchor = f"pair-{mentee_id}" if mentee_id else None
    return redirect(
        url_for("coordinator.round_review", round_id=round_id, _anchor=anchor, **place)
    )


def _comparison(matching_round, against: str | None):
    """The round to compare with: the one asked for, else (nothing asked) the round this one
    re-ran, so a re-run shows what its changes did."""
    if against is None:
        earlier = matching_round.rerun_of_id
        if earlier and lookup.get_round(earlier).status in diff.HAS_RESULT:
            return earlier
        return None
    try:
        return database_id(against)
    except ValueError:
        return None


# --- pages -----------------------------------------------------------------------------------


@bp.route("/rounds/")
def rounds():
    return render_template(
        "coordinator/rounds/index.html",
        rounds=[
            (r, transitions.state_of(r))
            for r in lookup.list_rounds(access.programme_ids_for(current_user))
        ],
        programme_names={p.id: p.name for p in catalogue.listed(include_archived=True)},
    )


@bp.route("/rounds/new", methods=["GET", "POST"])
def new_round():
    """A new round of one of the coordinator's live programmes, starting from that
    programme's default settings (``?programme=<id>`` chooses whose)."""
    programmes = catalogue.listed(ids=access.programme_ids_for(current_user))
    form = NewRoundForm(programmes)
    if form.validate_on_submit():
        try:
            created = transitions.create_and_start(parse_settings(form.raw()), current_user.id)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return _to_round(created.id)
    elif not form.is_submitted():
        chosen = request.args.get("programme", type=int)
        programme = next((p for p in programmes if p.id == chosen), None)
        if programme is None and len(programmes) == 1:
            programme = programmes[0]
        if programme is not None:
            form.programme_id.data = str(programme.id)
            form.fill_from(programme.round_defaults or {})
        elif programmes:  # several: which one, first, so the form starts from its defaults
            return render_template(
                "coordinator/rounds/choose_programme.html", programmes=programmes
            )
    status = 400 if form.is_submitted() else 200
    return render_template(
        "coordinator/rounds/settings.html",
        form=form,
        matching_round=None,
        programmes=programmes,
    ), status


@bp.route("/rounds/<int:round_id>")
def round_review(round_id: int):
    """The review of a round's proposal, or its progress while it has none yet."""
    matching_round = _round(round_id)
    state = transitions.state_of(matching_round)
    if state.in_progress or state.status == RoundStatus.FAILED:
        return render_template(
            "coordinator/rounds/progress.html",
            matching_round=matching_round,
            state=state,
            stages=STAGE_LABELS,
        )
    place = review_place(request.args)
    against = _comparison(matching_round, request.args.get("against"))
    round_diff, diff_error = None, None
    if against:
        try:
            round_diff = diff.diff_rounds(round_id, against)
        except ValidationError as exc:
            diff_error = exc.errors[0][1]
    published = matching_round.status in (RoundStatus.PUBLISHED, RoundStatus.CLOSED)
    page = pairs.pairs_page(
        round_id,
        place.get("q", ""),
        request.args.get("page", 1, type=int),
        state=answer_state(place.get("state")),
    )
    return render_template(
        "coordinator/rounds/review.html",
        review=figures.review(round_id),
        preferences=preference_figures.review(matching_round.summary),
        pairs=page,
        pair_words=explanations.round_pairs_words(
            round_id, [(p.mentee_id, p.mentor_id) for p in page.items]
        ),
        place=place,
        answer_states=pairs.ANSWER_LABELS,
        publish=publishing.preview(round_id),
        totals=followup.answer_totals(round_id) if published else None,
        top_ups=followup.top_ups_of(round_id) if published else [],
        origin=_origin(matching_round),
        extend_days=current_app.config["PROPOSAL_EXTEND_DAYS"],
        extend_max=current_app.config["PROPOSAL_EXTEND_MAX_DAYS"],
        others=diff.comparable_rounds(round_id),
        diff=round_diff,
        diff_error=diff_error,
        compare_stable=request.args.get("compare") == "stable",
        charts=charts,
        fairness_gap=round(figures.FAIRNESS_GAP * 100),
        fairness_min_group=figures.FAIRNESS_MIN_GROUP,
    )


def _origin(matching_round):
    """(what, round) this round came from: a re-run or a top-up of another round."""
    for what, round_id in (
        ("re-run", matching_round.rerun_of_id),
        ("top-up", matching_round.top_up_of_id),
    ):
        if round_id:
            return what, lookup.get_round(round_id)
    return None


@bp.route("/rounds/<int:round_id>/progress")
def round_progress(round_id: int):
    matching_round = _round(round_id)
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
    """Change the settings and run again: a proposed round keeps its result and the run is a
    new round; a draft or failed one runs in place."""
    matching_round = _round(round_id)
    form = RoundSettingsForm()
    if form.validate_on_submit():
        try:
            started = transitions.rerun_round(
                round_id, current_user.id, parse_settings(form.raw())
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except transitions.TransitionError as exc:
            flash(str(exc), "error")
            return _to_round(round_id)
        else:
            return _to_round(started.id)
    elif not form.is_submitted():
        form.fill_from(matching_round.settings)
        if matching_round.status == RoundStatus.PROPOSED:
            form.name.data = transitions.rerun_name(matching_round)
    status = 400 if form.is_submitted() else 200
    return render_template(
        "coordinator/rounds/settings.html", form=form, matching_round=matching_round
    ), status


@bp.route("/rounds/<int:round_id>/start", methods=["POST"])
def start_round(round_id: int):
    """Run the round (a draft or failed one), or run it again as a new round (a proposed one)."""
    _round(round_id)
    _require_button()
    try:
        started = transitions.rerun_round(round_id, current_user.id)
    except transitions.TransitionError as exc:
        flash(str(exc), "error")
        return _to_round(round_id)
    if started.id != round_id:
        flash(
            f"Running again as a new round, “{started.name}”. “{lookup.get_round(round_id).name}”"
            " keeps its result; the new round's page compares the two.",
            "success",
        )
    return _to_round(started.id)


@bp.route("/rounds/<int:round_id>/publish", methods=["POST"])
def publish_round(round_id: int):
    """Publish after a confirmation that says how many people will be emailed."""
    _round(round_id)
    _require_button()
    if not confirmed():
        preview = publishing.preview(round_id)
        return render_template(
            "coordinator/rounds/publish.html", publish=preview, form=EmptyForm()
        )
    try:
        sent = publishing.publish_round(round_id, current_user.id)
    except transitions.TransitionError as exc:
        flash(str(exc), "error")
    except publishing.PublishConflictError as exc:
        count = len(exc.conflicts)
        flash(
            f"Nothing was published: {_plural(count, 'pair')} can no longer be proposed. "
            "They are listed on this page, with why.",
            "error",
        )
    else:
        flash(f"Published: {_plural(sent, 'proposal')} sent to mentors.", "success")
    return _to_round(round_id)


CLOSE_TEXT = {
    RoundStatus.PROPOSED: (
        "Close “{name}” without publishing?",
        "Nobody is emailed. Its {pairs} stay here to read and compare with, but can never be "
        "published: a closed round cannot be reopened (run a new round instead).",
        "Close without publishing",
    ),
    RoundStatus.PUBLISHED: (
        "Close “{name}”?",
        "The {pairs} already sent run on to their answer or expiry, and you can still follow "
        "them up here. The round itself can no longer be changed or reopened.",
        "Close round",
    ),
}


@bp.route("/rounds/<int:round_id>/close", methods=["POST"])
def close_round(round_id: int):
    matching_round = _round(round_id)
    _require_button()
    if not confirmed():
        title, line, button = CLOSE_TEXT.get(
            RoundStatus(matching_round.status),
            ("Close “{name}”?", "A closed round cannot be run again or reopened.", "Close round"),
        )
        pairs_text = _plural((matching_round.summary or {}).get("matched", 0), "pair")
        return render_confirmation(
            Confirmation(
                title=title.format(name=matching_round.name),
                lines=[line.format(pairs=pairs_text)],
                action=url_for("coordinator.close_round", round_id=round_id),
                button=button,
                back_url=url_for("coordinator.round_review", round_id=round_id),
                back_text=matching_round.name,
                danger=True,
            )
        )
    try:
        transitions.close_round(round_id, current_user.id)
    except transitions.TransitionError as exc:
        flash(str(exc), "error")
    else:
        flash("The round is closed. Proposals already sent run on to their answer.", "success")
    return _to_round(round_id)


@bp.route("/rounds/<int:round_id>/export.csv")
def export_round(round_id: int):
    _round(round_id)
    state = answer_state(request.args.get("state"))
    lines = iter_export_csv(round_id, state)
    suffix = f"-{pairs.ANSWER_LABELS[state]}" if state else ""
    filename = f"mentormatch-round-{round_id}{suffix}.csv"
    return Response(
        stream_with_context(lines),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# --- following up a published round ----------------------------------------------------------


def _follow_up_form() -> FollowUpForm:
    form = FollowUpForm()
    if not form.validate_on_submit():
        abort(400)
    return form


@bp.route("/rounds/<int:round_id>/proposals/extend", methods=["POST"])
def extend_deadlines(round_id: int):
    """Give the mentors of the round's pending proposals (or of one) more days to answer."""
    _round(round_id)
    form = _follow_up_form()
    limit = current_app.config["PROPOSAL_EXTEND_MAX_DAYS"]
    days = (form.days.data or "").strip()
    if not days.isdecimal():
        flash(f"Give the days to add as a whole number, 1 to {limit}.", "error")
        return back_to_review(round_id, form.mentee_id.data)
    try:
        extended = proposals.extend_deadlines(
            round_id, int(days), current_user.id, form.mentorship_id.data
        )
    except ValidationError as exc:
        flash(exc.errors[0][1], "error")
    except proposals.AnswerError as exc:
        flash(str(exc), "error")
    else:
        if extended:
            flash(
                f"{_plural(extended, 'deadline')} extended by {_plural(int(days), 'day')}; "
                f"{'the mentor was' if extended == 1 else 'each mentor was'} told by email.",
                "success",
            )
        else:
            flash("No proposal of this round is waiting for an answer.", "warning")
    return back_to_review(round_id, form.mentee_id.data)


@bp.route("/rounds/<int:round_id>/proposals/remind", methods=["POST"])
def remind_mentors(round_id: int):
    """Email the mentors of the round's pending proposals (or of one) a reminder now."""
    _round(round_id)
    form = _follow_up_form()
    try:
        report = proposals.remind_now(round_id, current_user.id, form.mentorship_id.data)
    except proposals.AnswerError as exc:
        flash(str(exc), "error")
    else:
        parts = []
        if report.sent:
            parts.append(f"{_plural(report.sent, 'mentor')} reminded by email now.")
        if report.already_today:
            parts.append(
                f"{_plural(report.already_today, 'mentor')} had a reminder today already: "
                "one a day is enough."
            )
        flash(
            " ".join(parts)
            or "No proposal of this round is waiting for an answer before its deadline.",
            "success" if report.sent else "warning",
        )
    return back_to_review(round_id, form.mentee_id.data)


@bp.route("/rounds/<int:round_id>/rematch", methods=["POST"])
def rematch(round_id: int):
    """A top-up round for the mentees whose mentor declined or let the proposal expire."""
    _round(round_id)
    _require_button()
    try:
        top_up = followup.start_top_up(round_id, current_user.id)
    except ValidationError as exc:
        flash(exc.errors[0][1], "error")
        return _to_round(round_id)
    count = len(top_up.settings.get("mentee_ids") or [])
    flash(
        f"A top-up round for {_plural(count, 'mentee')} is running; the mentors who declined "
        "them, or let the proposal expire, are not proposed again.",
        "success",
    )
    return _to_round(top_up.id)
