"""Pages of stated preferences for mentees (browse, rank, outcome, decline a proposal) and
mentors (who ranked them, prefer / avoid). Thin: the rules are services.preferences'."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from mentormatch import codes
from mentormatch.models import MentorshipStatus, Role
from mentormatch.services import proposals
from mentormatch.services.errors import NotFound, ValidationError
from mentormatch.services.preferences import choices, windows
from mentormatch.web.errors import render_error
from mentormatch.web.forms import EmptyForm
from mentormatch.web.guards import require_role

bp = Blueprint("choices", __name__, url_prefix="/choices")
require_role(bp, Role.MENTEE.value, Role.MENTOR.value)


def only(role: Role):
    """The one role a route of this blueprint is for (the blueprint lets in both)."""

    def decorate(view):
        @wraps(view)
        def checked(*args, **kwargs):
            if current_user.role != role.value:
                abort(403)
            return view(*args, **kwargs)

        return checked

    return decorate


def _posted_form_ok() -> None:
    if not EmptyForm().validate_on_submit():
        abort(400)


# -- mentees -------------------------------------------------------------------------------


@bp.route("/")
@only(Role.MENTEE)
def mentee_index():
    current = [
        m for m in proposals.for_mentee(current_user.id)["current"]
        if m.status == MentorshipStatus.PROPOSED
    ]  # fmt: skip
    rounds = windows.open_rounds_for(current_user.id)
    return render_template(
        "choices/mentee_index.html",
        rounds=rounds,
        window_state=windows.state,
        aware=windows.aware,
        ordinal=windows.ordinal,
        outcomes=choices.outcomes_for(current_user.id),
        proposals=current,
        rankings={r.id: choices.ranking_of(current_user.id, r.id) for r, _ in rounds},
    )


def _browse(round_id: int, error: ValidationError | None = None, status: int = 200):
    try:
        cards = choices.browse(
            current_user.id, round_id, request.args.get("q", ""),
            request.args.get("specialty", ""), request.args.get("state", ""),
        )  # fmt: skip
    except NotFound:
        return render_error(404, "There is no round collecting your choices at this address.")
    window = windows.window_of(round_id)
    matching_round = window.round
    return render_template(
        "choices/browse.html",
        matching_round=matching_round,
        window=window,
        open=windows.is_open(window) and matching_round.status == "draft",
        window_state=windows.state(window),
        aware=windows.aware,
        cards=cards,
        max_ranks=matching_round.programme.preference_max_ranks,
        error=error,
        specialties=codes.SPECIALTIES,
        states=codes.STATES,
        query=request.args,
    ), status


# One rule for both methods: with a GET rule and a POST rule at one address, Werkzeug answers
# 405 instead of 404 to a POST whose id is beyond the database (tests/web/test_large_ids.py).
@bp.route("/rounds/<int:round_id>", methods=["GET", "POST"])
@only(Role.MENTEE)
def browse(round_id: int):
    if request.method == "POST":
        return _save(round_id)
    return _browse(round_id)


def _save(round_id: int):
    _posted_form_ok()
    chosen = []
    problems = []
    for key, value in request.form.items():
        if not key.startswith("rank_") or not value.strip():
            continue
        try:
            chosen.append((int(value), int(key.removeprefix("rank_"))))
        except ValueError:
            problems.append(("ranking", f"'{value}' is not a rank."))
    ranks = [r for r, _ in chosen]
    if len(set(ranks)) != len(ranks):
        problems.append(("ranking", "Two mentors have the same rank; give each its own."))
    if problems:
        return _browse(round_id, ValidationError(problems), 400)
    try:
        choices.save_ranking(current_user.id, round_id, [m for _, m in sorted(chosen)])
    except NotFound:
        return render_error(404, "There is no round collecting your choices at this address.")
    except ValidationError as exc:
        return _browse(round_id, exc, 400)
    flash(
        f"Your list is saved ({len(chosen)} mentor{'s' if len(chosen) != 1 else ''}). "
        "You can change it until the window closes.",
        "success",
    )
    return redirect(url_for("choices.browse", round_id=round_id))


@bp.route("/proposals/<int:mentorship_id>/decline", methods=["POST"])
@only(Role.MENTEE)
def decline(mentorship_id: int):
    _posted_form_ok()
    try:
        proposals.decline_as_mentee(
            mentorship_id,
            current_user.id,
            request.form.get("reason", ""),
            confirmed=request.form.get("confirm") == "yes",
        )
    except NotFound:
        return render_error(404, "There is no such proposal among yours.")
    except ValidationError as exc:
        flash(exc.errors[0][1], "error")
        return redirect(url_for("choices.mentee_index")), 303
    except proposals.AnswerError as exc:
        flash(str(exc), "error")
        return redirect(url_for("choices.mentee_index")), 303
    flash("You declined the proposal. You are back in the pool for the next round.", "success")
    return redirect(url_for("choices.mentee_index"))


# -- mentors -------------------------------------------------------------------------------


@bp.route("/ranked-me")
@only(Role.MENTOR)
def mentor_index():
    rounds = []
    for matching_round, _count in choices.rounds_ranking_mentor(current_user.id):
        try:
            _, rankers = choices.rankers_of(current_user.id, matching_round.id)
        except NotFound:  # gone between the two queries
            continue
        rounds.append((matching_round, rankers))
    return render_template("choices/mentor_index.html", rounds=rounds)


@bp.route("/marks/<int:ranking_id>", methods=["POST"])
@only(Role.MENTOR)
def mark(ranking_id: int):
    _posted_form_ok()
    try:
        choices.set_mark(
            current_user.id, ranking_id, request.form.get("kind") or None,
            request.form.get("reason", ""),
        )  # fmt: skip
    except NotFound:
        return render_error(404, "No mentee ranked you under this address.")
    except ValidationError as exc:
        flash(exc.errors[0][1], "error")
        return redirect(url_for("choices.mentor_index")), 303
    flash("Your mark is saved.", "success")
    return redirect(url_for("choices.mentor_index"))
