"""Locks and forbids: pairs every later round must keep or avoid."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from mentormatch.models import PairRuleKind, Role
from mentormatch.services.errors import NotFound, ValidationError
from mentormatch.services.programmes import access, catalogue, roster
from mentormatch.services.rounds import lookup
from mentormatch.services.rounds import pair_rules as rules_service
from mentormatch.web.coordinator.blueprint import bp
from mentormatch.web.coordinator.round_forms import (
    PairRuleForm,
    RemoveRuleForm,
    RuleByEmailForm,
)
from mentormatch.web.coordinator.rounds import back_to_review
from mentormatch.web.forms import apply_errors


def _back_to(round_id: int | None, mentee_id: int):
    """To the pair's row on the review page that set or removed the rule, with its filter,
    page and comparison as they were; else to the rules page."""
    if round_id:
        return back_to_review(round_id, mentee_id)
    return redirect(url_for("coordinator.pair_rules"))


def _rule_programme(round_id: int | None, programme_id: int | None) -> int:
    """The programme a rule button acts in: the round's (the review page), the one the form
    names (the rules page), else the coordinator's only live programme. NotFound (404) for a
    programme that is not theirs."""
    allowed = access.programme_ids_for(current_user)
    if round_id:
        programme_id = lookup.get_round(round_id).programme_id
    elif programme_id is None:
        try:
            programme_id = catalogue.resolve(None, allowed).id
        except ValidationError:
            abort(400)  # several programmes and the form named none: a broken form
    access.require(current_user, programme_id)
    return programme_id


@bp.route("/rounds/rules", methods=["GET", "POST"])
def pair_rules():
    ids = access.programme_ids_for(current_user)
    programmes = catalogue.listed(ids=ids)
    form = RuleByEmailForm(programmes)
    if form.validate_on_submit():
        programme_id = int(form.programme_id.data) if form.programme_id else None
        try:
            if programme_id is None:
                programme_id = catalogue.resolve(None, ids).id
            mentee_id = rules_service.user_id_by_email(
                form.mentee_email.data, Role.MENTEE.value, "mentee_email"
            )
            mentor_id = rules_service.user_id_by_email(
                form.mentor_email.data, Role.MENTOR.value, "mentor_email"
            )
            roster.require_members(
                programme_id, {"mentee_email": mentee_id, "mentor_email": mentor_id}
            )
            rules_service.set_pair_rule(
                mentee_id,
                mentor_id,
                form.kind.data,
                current_user.id,
                form.note.data,
                programme_id=programme_id,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except NotFound as exc:
            form.form_errors.append(str(exc))
        else:
            verb = "locked to" if form.kind.data == PairRuleKind.LOCK else "forbidden with"
            flash(f"{form.mentee_email.data} is {verb} {form.mentor_email.data}.", "success")
            return redirect(url_for("coordinator.pair_rules"))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "coordinator/pair_rules.html",
        form=form,
        rules=rules_service.list_pair_rules(ids),
        programme_names={p.id: p.name for p in catalogue.listed(include_archived=True, ids=ids)},
        several=len(programmes) > 1,
    ), status


@bp.route("/rounds/rules/pair", methods=["POST"])
def set_pair_rule():
    form = PairRuleForm()
    if not form.validate_on_submit():
        abort(400)
    programme_id = _rule_programme(form.round_id.data, form.programme_id.data)
    try:
        rules_service.set_pair_rule(
            form.mentee_id.data,
            form.mentor_id.data,
            form.kind.data,
            current_user.id,
            programme_id=programme_id,
        )
    except ValidationError as exc:
        flash(exc.errors[0][1], "error")
    else:
        what = (
            "locked: later runs keep"
            if form.kind.data == PairRuleKind.LOCK
            else "forbidden: runs avoid"
        )
        flash(
            f"Pair {what} it. Run the round again to see the effect: the re-run is a new round, "
            "compared with this one.",
            "success",
        )
    return _back_to(form.round_id.data, form.mentee_id.data)


@bp.route("/rounds/rules/remove", methods=["POST"])
def remove_pair_rule():
    form = RemoveRuleForm()
    if not form.validate_on_submit():
        abort(400)
    programme_id = _rule_programme(form.round_id.data, form.programme_id.data)
    rules_service.remove_pair_rule(
        form.mentee_id.data, form.mentor_id.data, current_user.id, programme_id=programme_id
    )
    flash("Rule removed.", "success")
    return _back_to(form.round_id.data, form.mentee_id.data)
