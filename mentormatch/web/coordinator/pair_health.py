"""The work queue of pair health: the coordinator's accepted mentorships that need them, worst
first, each with its reason in words and its actions (nudge, note, re-pair, end); the mentees
waiting for a new mentor; check-in answer rates. Every id route checks the programme
(services.programmes.access: another programme's ids answer 404)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField

from mentormatch.models import EndReason, MentorshipStatus
from mentormatch.models.times import utcnow
from mentormatch.services.errors import ValidationError
from mentormatch.services.mentorships import checkins, closeout, health, notes, nudges, repair
from mentormatch.services.programmes import access, catalogue
from mentormatch.services.rounds import followup
from mentormatch.web.coordinator.blueprint import bp
from mentormatch.web.coordinator.confirm import Confirmation, confirmed, render_confirmation
from mentormatch.web.forms import EmptyForm, apply_errors
from mentormatch.web.urls import is_safe_next

END_REASONS = [
    (reason.value, closeout.REASON_LABELS[reason])
    for reason in EndReason
    if reason != EndReason.COMPLETED
]


class NoteForm(FlaskForm):
    body = TextAreaField("New note")


class EndPairForm(FlaskForm):
    reason = SelectField("Why it ends", choices=END_REASONS, validate_choice=False)


def _button() -> None:
    if not EmptyForm().validate_on_submit():
        abort(400)


def _programme_filter() -> int | None:
    raw = request.args.get("programme", type=int)
    if raw is not None:
        access.require(current_user, raw)
    return raw


@bp.route("/health")
def health_queue():
    programme_id = _programme_filter()
    everyone = request.args.get("all") == "1"
    every_pair = health.work_queue(current_user, programme_id, include_on_track=True)
    rows = [r for r in every_pair if everyone or r.health.state != health.HealthState.ON_TRACK]
    programmes = [
        p
        for p in catalogue.listed(ids=access.programme_ids_for(current_user))
        if programme_id is None or p.id == programme_id
    ]
    waiting = {p.id: repair.waiting(p.id) for p in programmes if not p.archived}
    return render_template(
        "coordinator/health_queue.html",
        rows=rows,
        counts=health.counts(every_pair),
        rates=checkins.answer_rates(current_user, programme_id),
        programmes=programmes,
        all_programmes=catalogue.listed(ids=access.programme_ids_for(current_user)),
        programme_id=programme_id,
        everyone=everyone,
        waiting=waiting,
        labels=health.STATE_LABELS,
        states=health.HealthState,
        form=EmptyForm(),
    )


@bp.route("/mentorships/<int:mentorship_id>/nudge", methods=["POST"])
def nudge_pair(mentorship_id: int):
    _button()
    try:
        mentorship = nudges.nudge_one(mentorship_id, current_user)
    except nudges.NudgedRecently as error:
        flash(str(error), "warning")
    else:
        flash(
            f"{mentorship.mentee.full_name} and {mentorship.mentor.full_name} were reminded "
            "to meet.",
            "success",
        )
    back = request.form.get("back")
    return redirect(back if is_safe_next(back) else url_for("coordinator.health_queue"))


@bp.route("/mentorships/<int:mentorship_id>/notes", methods=["GET", "POST"])
def pair_notes(mentorship_id: int):
    """A pair's health, check-in answers and the coordinators' notes (only theirs)."""
    mentorship = notes.mentorship_for(current_user, mentorship_id)
    form = NoteForm()
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            notes.add(mentorship_id, current_user, form.body.data)
        except ValidationError as error:
            apply_errors(form, error)
            status = 400
        else:
            flash("Note saved. A note after a warning sign marks it as handled.", "success")
            return redirect(url_for("coordinator.pair_notes", mentorship_id=mentorship_id))
    state = None
    if mentorship.status == MentorshipStatus.ACCEPTED:
        state = health.assess_all([mentorship], utcnow())[mentorship.id]
    return render_template(
        "coordinator/pair_notes.html",
        mentorship=mentorship,
        state=state,
        answers=checkins.answers_for(mentorship_id),
        titles=checkins.TITLES,
        notes=notes.for_mentorship(mentorship_id),
        form=form,
        end_form=EndPairForm(),
        button=EmptyForm(),
    ), status


@bp.route("/mentorships/<int:mentorship_id>/end", methods=["POST"])
def end_pair(mentorship_id: int):
    mentorship = notes.mentorship_for(current_user, mentorship_id)
    form = EndPairForm()
    if not form.validate_on_submit():
        abort(400)
    reason = form.reason.data
    back = url_for("coordinator.pair_notes", mentorship_id=mentorship_id)
    if not confirmed():
        label = dict(END_REASONS).get(reason, reason)
        return render_confirmation(
            Confirmation(
                title="End this mentorship?",
                lines=[
                    f"The mentorship of {mentorship.mentee.full_name} with "
                    f"{mentorship.mentor.full_name} ends now ({label}). Both are emailed; "
                    "their meetings ahead are cancelled; the mentor's seat is freed and the "
                    "two are never proposed to each other again in this programme.",
                    f"{mentorship.mentee.full_name} then waits for a new mentor: re-pair her "
                    "from the work queue. This cannot be undone.",
                ],
                action=url_for("coordinator.end_pair", mentorship_id=mentorship_id),
                button="End the mentorship",
                back_url=back,
                back_text="Back to the pair",
                danger=True,
                fields={"reason": reason or ""},
            )
        )
    try:
        closeout.end_by_coordinator(mentorship_id, current_user, reason)
    except ValidationError as error:
        flash(error.errors[0][1], "error")
        return redirect(back)
    except closeout.AlreadyDone as error:
        flash(str(error), "warning")
        return redirect(back)
    flash("The mentorship has ended; both were told.", "success")
    return redirect(
        url_for(
            "coordinator.repair_options",
            programme_id=mentorship.programme_id,
            mentee_id=mentorship.mentee_id,
        )
    )


@bp.route("/programmes/<int:programme_id>/re-pair/<int:mentee_id>", methods=["GET", "POST"])
def repair_options(programme_id: int, mentee_id: int):
    """The best mentors free now for one mentee, in words; choosing one proposes it."""
    access.require(current_user, programme_id)
    if not access.can_see_person(current_user, mentee_id):
        abort(404)
    if request.method == "POST":
        _button()  # the form's CSRF token before the engine runs
    try:
        found = repair.options(current_user, programme_id, mentee_id)
    except ValidationError as error:
        flash(error.errors[0][1], "warning")
        return redirect(url_for("coordinator.health_queue", programme=programme_id))
    if request.method == "POST":
        mentor_id = request.form.get("mentor_id", type=int)
        chosen = next((o for o in found.options if o.mentor.id == mentor_id), None)
        if chosen is None:
            flash("That mentor is no longer available for her: choose again.", "warning")
            return redirect(request.url)
        if not confirmed():
            lines = [
                f"{chosen.mentor.full_name} is proposed to {found.mentee.full_name}: both are "
                f"emailed, and {chosen.mentor.full_name} has {found.programme.answer_days} "
                "days to accept or decline, as with a round's proposals."
            ]
            if found.replacing is not None:
                lines.append(
                    f"Her mentorship with {found.replacing.mentor.full_name} ends first (not a "
                    "good fit): both are told. This cannot be undone."
                )
            return render_confirmation(
                Confirmation(
                    title=f"Propose {chosen.mentor.full_name}?",
                    lines=lines,
                    action=request.url,
                    button="Propose this mentor",
                    back_url=request.url,
                    back_text="Back to the options",
                    fields={"mentor_id": str(mentor_id)},
                )
            )
        try:
            repair.propose(current_user, programme_id, mentee_id, mentor_id)
        except ValidationError as error:
            flash(error.errors[0][1], "warning")
            return redirect(request.url)
        flash(
            f"{chosen.mentor.full_name} was proposed to {found.mentee.full_name}; you will see "
            "the answer on the mentorships page.",
            "success",
        )
        return redirect(url_for("coordinator.health_queue", programme=programme_id))
    return render_template(
        "coordinator/repair.html", found=found, form=EmptyForm(), programme_id=programme_id
    )


@bp.route("/programmes/<int:programme_id>/top-up", methods=["POST"])
def programme_top_up(programme_id: int):
    """A round of everyone in the programme who needs a new mentor (reviewed and published
    like any round)."""
    access.require(current_user, programme_id)
    _button()
    waiting = followup.needing_new_mentor(programme_id)
    back = url_for("coordinator.health_queue", programme=programme_id)
    if not confirmed():
        programme = catalogue.get(programme_id)
        return render_confirmation(
            Confirmation(
                title="Run a top-up round?",
                lines=[
                    f"A round of the {len(waiting)} mentees of {programme.name} who need a new "
                    "mentor (a decline, an expired proposal or an early ending), with the "
                    "programme's default settings. Their former mentors are never proposed "
                    "again.",
                    "Nobody is emailed yet: you review the round and publish it as usual.",
                ],
                action=url_for("coordinator.programme_top_up", programme_id=programme_id),
                button="Run the top-up round",
                back_url=back,
                back_text="Back to the work queue",
                busy="Starting the round…",
            )
        )
    try:
        top_up = followup.start_programme_top_up(programme_id, current_user.id)
    except ValidationError as error:
        flash(error.errors[0][1], "warning")
        return redirect(back)
    flash(f"A top-up round for {len(waiting)} mentees is running.", "success")
    return redirect(url_for("coordinator.round_review", round_id=top_up.id))
